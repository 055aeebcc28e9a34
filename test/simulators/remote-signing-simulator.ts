/**
 * One local HTTP server playing both remote signing services the adapters talk to: the SIM PKI
 * MSSP under `/sim` and SmartCA under `/smartca` (their wire APIs are documented in
 * sim-signing-provider.ts and smartca-signing-provider.ts). It has its own test root CA and issues
 * each account a certificate on first use; what the "phone" answers is set per account.
 *
 * The services receive only the SHA-256 hash, as an HSM or SIM does, and sign it without hashing
 * again, which neither `crypto.sign` nor WebCrypto can do:
 * - RSA-2048 (the default; what Vietnamese remote signing CAs issue): PKCS#1 v1.5 made from the
 *   DigestInfo for the hash with `privateEncrypt` and PKCS#1 padding, byte for byte what
 *   `crypto.sign('sha256', preimage, key)` gives;
 * - P-256: ECDSA over the hash by @noble/curves (`prehash: false`), DER-encoded as CMS wants.
 * Both verify with `crypto.verify('sha256', preimage, certificateKey, signature)`.
 */
import {
  X509Certificate,
  constants,
  createPrivateKey,
  generateKeyPairSync,
  privateEncrypt,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';

/** What the signer's phone (or the service, for `unavailable` and `no-account`) does. */
export type SignerBehaviour =
  /** Pending until `afterMs` after the request, then signed. */
  | { kind: 'approve'; afterMs: number }
  /** Pending until `afterMs` after the request, then refused. */
  | { kind: 'refuse'; afterMs: number; reason?: string }
  /** The signer never answers: pending until the service's expiry, then expired. */
  | { kind: 'never' }
  /** Every call about this account gets 503. */
  | { kind: 'unavailable' }
  /** Signed after `afterMs` (default 0) with a key that does not match the certificate. */
  | { kind: 'wrong-key'; afterMs?: number }
  /** The service does not know the account: 404. */
  | { kind: 'no-account' };

export type SimulatedRequestKind = 'certificates' | 'create' | 'status';
export type SimulatedProvider = 'sim' | 'smartca';
export type CredentialStatus = 'active' | 'suspended' | 'revoked';

export interface RemoteSigningSimulatorOptions {
  /** @default a random key */
  apiKey?: string;
  /** How long a transaction waits for the signer before it expires. @default 60_000 */
  expiresInMs?: number;
  /** For accounts no test set a behaviour for. @default { kind: 'approve', afterMs: 0 } */
  defaultBehaviour?: SignerBehaviour;
  /** The key type of the signers' certificates. @default 'RSA' */
  keyAlgorithm?: 'RSA' | 'EC';
}

export interface SignerIdentity {
  commonName: string;
  /** The certificate subject's serialNumber, e.g. a personal ID. @default the account */
  subjectSerialNumber?: string;
}

export interface SimulatedSigningRequest {
  provider: SimulatedProvider;
  hash: Uint8Array;
  /** The SIM `message` or the SmartCA `description`. */
  text: string;
  credentialId?: string;
}

export interface RemoteSigningSimulator {
  url: string;
  rootCertificate: Uint8Array;
  rootCertificatePem: string;
  apiKey: string;
  setBehaviour(account: string, behaviour: SignerBehaviour): void;
  /** Name the account's certificate subject; call before the account is first used. */
  registerSigner(account: string, identity: SignerIdentity): void;
  /** Give an account another credential (SmartCA: renewed, not yet valid, revoked…). */
  issueCredential(
    account: string,
    input?: { validFrom?: Date; validDays?: number; status?: CredentialStatus },
  ): Promise<{ credentialId: string; certificate: Uint8Array }>;
  /** Requests that reached an API route (any provider), optionally of one kind. */
  requestCount(kind?: SimulatedRequestKind): number;
  /** The last signing request created for the account, as the service received it. */
  lastSigningRequest(account: string): SimulatedSigningRequest | undefined;
  close(): Promise<void>;
}

interface Credential {
  credentialId: string;
  status: CredentialStatus;
  certificate: Uint8Array;
  notBefore: Date;
  key: KeyObject;
}

interface Transaction {
  id: string;
  account: string;
  request: SimulatedSigningRequest & { requestId: string };
  createdAt: number;
  /** What the signer answers and when; none for a signer who never answers. */
  outcome: { afterMs: number; answer: Record<string, unknown> } | undefined;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/** DER DigestInfo header for SHA-256 (RFC 8017 §9.2 note 1); the 32-byte hash follows it. */
const sha256DigestInfoPrefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const simMessageMaxLength = 160;

export async function startRemoteSigningSimulator(
  options: RemoteSigningSimulatorOptions = {},
): Promise<RemoteSigningSimulator> {
  const apiKey = options.apiKey ?? `sim-key-${randomUUID()}`;
  const expiresInMs = options.expiresInMs ?? 60_000;
  const defaultBehaviour = options.defaultBehaviour ?? { kind: 'approve', afterMs: 0 };
  const root = await createRootCa({ commonName: 'Khoso Remote Signing Test CA', organization: 'Khoso test' });
  const keyAlgorithm = options.keyAlgorithm ?? 'RSA';
  const impostorKey =
    keyAlgorithm === 'RSA'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  const behaviours = new Map<string, SignerBehaviour>();
  const identities = new Map<string, SignerIdentity>();
  const credentials = new Map<string, Promise<Credential[]>>();
  const transactions = new Map<string, Transaction>();
  const transactionsByRequestId = new Map<string, Transaction>();
  const counts = new Map<SimulatedRequestKind, number>();
  const lastRequests = new Map<string, SimulatedSigningRequest>();

  const behaviourOf = (account: string): SignerBehaviour => behaviours.get(account) ?? defaultBehaviour;

  const newCredential = async (
    account: string,
    input: { validFrom?: Date; validDays?: number; status?: CredentialStatus } = {},
  ) => {
    const identity = identities.get(account) ?? { commonName: `Người ký ${account}` };
    const issued = await issueCertificate({
      issuer: root,
      commonName: identity.commonName,
      subjectSerialNumber: identity.subjectSerialNumber ?? account,
      algorithm: keyAlgorithm,
      validFrom: input.validFrom,
      validDays: input.validDays,
    });
    return {
      credentialId: `cred-${randomUUID()}`,
      status: input.status ?? 'active',
      certificate: issued.certificate,
      notBefore: new Date(new X509Certificate(issued.certificate).validFrom),
      key: createPrivateKey({ key: Buffer.from(issued.privateKeyPkcs8), format: 'der', type: 'pkcs8' }),
    } satisfies Credential;
  };

  /** The account's credentials, the first one issued on first use (kept as a promise so concurrent calls share it). */
  const credentialsOf = (account: string): Promise<Credential[]> => {
    let list = credentials.get(account);
    if (!list) {
      list = newCredential(account).then((credential) => [credential]);
      credentials.set(account, list);
    }
    return list;
  };

  /** The SIM has one key in use: the newest active credential. */
  const simCredentialOf = async (account: string): Promise<Credential> => {
    const active = (await credentialsOf(account)).filter((credential) => credential.status === 'active');
    const newest = active.sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime())[0];
    if (!newest) throw new HttpFailure(404, 'no-active-certificate');
    return newest;
  };

  const checkAccount = (account: string): void => {
    const behaviour = behaviourOf(account);
    if (behaviour.kind === 'unavailable') throw new HttpFailure(503, 'service-unavailable');
    if (behaviour.kind === 'no-account') throw new HttpFailure(404, 'account-not-found');
  };

  const chainOf = (credential: Credential): string[] => [base64(credential.certificate), base64(root.certificate)];

  const statusOf = (transaction: Transaction): Record<string, unknown> => {
    const elapsed = Date.now() - transaction.createdAt;
    const { outcome } = transaction;
    const base = { transactionId: transaction.id };
    if (outcome && outcome.afterMs < expiresInMs && elapsed >= outcome.afterMs) return { ...base, ...outcome.answer };
    if (elapsed >= expiresInMs) return { ...base, status: 'expired' };
    return { ...base, status: 'pending', expiresAt: new Date(transaction.createdAt + expiresInMs).toISOString() };
  };

  const outcomeFor = (behaviour: SignerBehaviour, credential: Credential, hash: Uint8Array): Transaction['outcome'] => {
    switch (behaviour.kind) {
      case 'approve':
        return {
          afterMs: behaviour.afterMs,
          answer: { status: 'signed', signature: base64(signHash(credential.key, hash)) },
        };
      case 'wrong-key':
        return {
          afterMs: behaviour.afterMs ?? 0,
          answer: { status: 'signed', signature: base64(signHash(impostorKey, hash)) },
        };
      case 'refuse':
        return {
          afterMs: behaviour.afterMs,
          answer: { status: 'refused', reason: behaviour.reason ?? 'the signer declined on their phone' },
        };
      case 'never':
      case 'unavailable':
      case 'no-account':
        return undefined;
    }
  };

  const createTransaction = async (
    account: string,
    credential: Credential,
    request: SimulatedSigningRequest & { requestId: string },
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const key = `${request.provider}:${request.requestId}`;
    const existing = transactionsByRequestId.get(key);
    if (existing) {
      const same = existing.account === account && Buffer.from(existing.request.hash).equals(request.hash);
      if (!same) throw new HttpFailure(409, 'request-id-reused');
      return { status: 200, body: statusOf(existing) };
    }
    const transaction: Transaction = {
      id: `${request.provider}-tx-${randomUUID()}`,
      account,
      request,
      createdAt: Date.now(),
      outcome: outcomeFor(behaviourOf(account), credential, request.hash),
    };
    transactions.set(transaction.id, transaction);
    transactionsByRequestId.set(key, transaction);
    lastRequests.set(account, request);
    return { status: 202, body: statusOf(transaction) };
  };

  const transactionStatus = (provider: SimulatedProvider, id: string): Record<string, unknown> => {
    const transaction = transactions.get(id);
    if (!transaction || transaction.request.provider !== provider) throw new HttpFailure(404, 'transaction-not-found');
    checkAccount(transaction.account);
    return statusOf(transaction);
  };

  const count = (kind: SimulatedRequestKind): void => {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  };

  const route = async (method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    let match: RegExpExecArray | null;

    if (method === 'GET' && (match = /^\/sim\/v1\/subscribers\/([^/]+)\/certificates$/.exec(path))) {
      count('certificates');
      const msisdn = decodeURIComponent(match[1] ?? '');
      if (!/^84\d{9}$/.test(msisdn)) throw new HttpFailure(400, 'invalid-msisdn');
      checkAccount(msisdn);
      return { status: 200, body: { msisdn, certificates: chainOf(await simCredentialOf(msisdn)) } };
    }
    if (method === 'POST' && path === '/sim/v1/signatures') {
      count('create');
      const input = fields(body, ['requestId', 'msisdn', 'hashAlgorithm', 'hash', 'message']);
      if (!/^84\d{9}$/.test(input.msisdn)) throw new HttpFailure(400, 'invalid-msisdn');
      if (Array.from(input.message).length > simMessageMaxLength) throw new HttpFailure(400, 'message-too-long');
      const hash = sha256Hash(input.hashAlgorithm, input.hash);
      checkAccount(input.msisdn);
      const credential = await simCredentialOf(input.msisdn);
      return createTransaction(input.msisdn, credential, {
        provider: 'sim',
        requestId: input.requestId,
        hash,
        text: input.message,
      });
    }
    if (method === 'GET' && (match = /^\/sim\/v1\/signatures\/([^/]+)$/.exec(path))) {
      count('status');
      return { status: 200, body: transactionStatus('sim', decodeURIComponent(match[1] ?? '')) };
    }

    if (method === 'GET' && (match = /^\/smartca\/v1\/users\/([^/]+)\/credentials$/.exec(path))) {
      count('certificates');
      const userId = decodeURIComponent(match[1] ?? '');
      checkAccount(userId);
      const list = await credentialsOf(userId);
      return {
        status: 200,
        body: {
          credentials: list.map((credential) => ({
            credentialId: credential.credentialId,
            status: credential.status,
            certificates: chainOf(credential),
          })),
        },
      };
    }
    if (method === 'POST' && path === '/smartca/v1/signatures') {
      count('create');
      const input = fields(body, ['requestId', 'userId', 'credentialId', 'hashAlgorithm', 'hash', 'description']);
      const hash = sha256Hash(input.hashAlgorithm, input.hash);
      checkAccount(input.userId);
      const credential = (await credentialsOf(input.userId)).find(
        (candidate) => candidate.credentialId === input.credentialId,
      );
      if (!credential) throw new HttpFailure(404, 'credential-not-found');
      if (credential.status !== 'active') throw new HttpFailure(409, 'credential-not-active');
      return createTransaction(input.userId, credential, {
        provider: 'smartca',
        requestId: input.requestId,
        hash,
        text: input.description,
        credentialId: credential.credentialId,
      });
    }
    if (method === 'GET' && (match = /^\/smartca\/v1\/signatures\/([^/]+)$/.exec(path))) {
      count('status');
      return { status: 200, body: transactionStatus('smartca', decodeURIComponent(match[1] ?? '')) };
    }
    throw new HttpFailure(404, 'no-such-route');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let status: number;
    let body: unknown;
    try {
      if (request.headers.authorization !== `Bearer ${apiKey}`) throw new HttpFailure(401, 'invalid-api-key');
      const path = new URL(request.url ?? '/', 'http://simulator').pathname;
      ({ status, body } = await route(request.method ?? 'GET', path, await readJson(request)));
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      status = error.status;
      body = { code: error.code, message: `simulated ${error.code}` };
    }
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'internal-error', message: 'simulator failure' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    rootCertificate: root.certificate,
    rootCertificatePem: pem(root.certificate),
    apiKey,
    setBehaviour: (account, behaviour) => {
      behaviours.set(account, behaviour);
    },
    registerSigner: (account, identity) => {
      if (credentials.has(account)) throw new Error(`account ${account} already has a certificate`);
      identities.set(account, identity);
    },
    issueCredential: async (account, input) => {
      const list = await credentialsOf(account);
      const credential = await newCredential(account, input);
      list.push(credential);
      return { credentialId: credential.credentialId, certificate: credential.certificate };
    },
    requestCount: (kind) => (kind ? (counts.get(kind) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0)),
    lastSigningRequest: (account) => lastRequests.get(account),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A signature over an already computed SHA-256 hash: PKCS#1 v1.5 for RSA, DER ECDSA for P-256. */
function signHash(key: KeyObject, hash: Uint8Array): Uint8Array {
  if (key.asymmetricKeyType === 'rsa') {
    return new Uint8Array(
      privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([sha256DigestInfoPrefix, hash])),
    );
  }
  const scalar = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
  return p256.sign(hash, scalar, { prehash: false, format: 'der' });
}

function sha256Hash(algorithm: string, value: string): Uint8Array {
  if (algorithm !== 'SHA-256') throw new HttpFailure(400, 'unsupported-hash-algorithm');
  const hash = Buffer.from(value, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== value) throw new HttpFailure(400, 'invalid-hash');
  return new Uint8Array(hash);
}

/** The named string fields of a JSON object body, or 400. */
function fields<K extends string>(body: unknown, names: K[]): Record<K, string> {
  if (typeof body !== 'object' || body === null) throw new HttpFailure(400, 'invalid-body');
  const record = body as Record<string, unknown>;
  const picked = {} as Record<K, string>;
  for (const name of names) {
    const value = record[name];
    if (typeof value !== 'string' || value === '') throw new HttpFailure(400, `missing-${name}`);
    picked[name] = value;
  }
  return picked;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpFailure(400, 'invalid-json');
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function pem(der: Uint8Array): string {
  const lines = base64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
