import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError } from '../../../functions/platform/core/errors.ts';
import {
  SignatureProviderUnavailableError,
  type SignatureAttempt,
  type SignatureProvider,
  type SignerReference,
} from '../../../functions/signing/core/signature-provider.ts';
import { RemoteSigningRequestError } from '../../../functions/signing/adapters/remote-signing-client.ts';
import {
  createSimSigningProvider,
  normaliseVietnameseMobileNumber,
} from '../../../functions/signing/adapters/sim-signing-provider.ts';
import { createSmartCaSigningProvider } from '../../../functions/signing/adapters/smartca-signing-provider.ts';
import { startRemoteSigningSimulator, type RemoteSigningSimulator } from '../../simulators/remote-signing-simulator.ts';

const EXPIRES_IN_MS = 400;
const DAY_MS = 86_400_000;

let simulator: RemoteSigningSimulator;
let sim: SignatureProvider;
let smartca: SignatureProvider;

before(async () => {
  simulator = await startRemoteSigningSimulator({ expiresInMs: EXPIRES_IN_MS });
  sim = createSimSigningProvider({ endpoint: `${simulator.url}/sim`, apiKey: simulator.apiKey });
  smartca = createSmartCaSigningProvider({ endpoint: `${simulator.url}/smartca`, apiKey: simulator.apiKey });
});
after(() => simulator.close());

let accountSequence = 0;
/** A fresh mobile number per test, so behaviours and certificates never leak between tests. */
function mobileNumber(): string {
  accountSequence += 1;
  return `84912${String(accountSequence).padStart(6, '0')}`;
}
function smartCaUserId(): string {
  accountSequence += 1;
  return `079${String(accountSequence).padStart(9, '0')}`;
}

/** Stand-in for the DER signed attributes: the provider signs its SHA-256, the vault verifies over it. */
function signedAttributes(): { preimage: Buffer; digest: Uint8Array } {
  const preimage = randomBytes(200);
  return { preimage, digest: new Uint8Array(createHash('sha256').update(preimage).digest()) };
}

function request(signer: SignerReference, digest: Uint8Array, description = 'Ký Giấy khai sinh số 123/2026') {
  return { signer, digest, requestId: `sig-${randomUUID()}`, description };
}

/** What the core does, without its backoff: check until the attempt is no longer pending. */
async function settle(
  provider: SignatureProvider,
  attempt: SignatureAttempt,
  deadlineMs = 3_000,
): Promise<SignatureAttempt> {
  const deadline = Date.now() + deadlineMs;
  while (attempt.status === 'pending') {
    if (Date.now() > deadline) throw new Error('still pending at the deadline');
    await new Promise((resolve) => setTimeout(resolve, 25));
    attempt = await provider.checkSignature(attempt.transactionId);
  }
  return attempt;
}

function leafOf(chain: Uint8Array[]): X509Certificate {
  assert.ok(chain[0], 'a chain with a leaf');
  return new X509Certificate(chain[0]);
}

function verifies(leaf: X509Certificate, preimage: Buffer, attempt: SignatureAttempt): boolean {
  assert.equal(attempt.status, 'signed');
  return verify('sha256', preimage, leaf.publicKey, attempt.signature);
}

describe('SIM signing provider', () => {
  test('looks up the subscriber’s certificate, issued by the test CA, in any written form of the number', async () => {
    const account = mobileNumber();
    simulator.registerSigner(account, { commonName: 'Nguyễn Văn An', subjectSerialNumber: 'CCCD:079201000001' });
    const chain = await sim.signerCertificates({
      ownerId: '079201000001',
      account: `0${account.slice(2, 5)} ${account.slice(5, 8)} ${account.slice(8)}`,
    });
    const leaf = leafOf(chain);
    assert.match(leaf.subject, /CN=Nguyễn Văn An/);
    assert.match(leaf.subject, /serialNumber=CCCD:079201000001/);
    assert.ok(leaf.verify(new X509Certificate(simulator.rootCertificate).publicKey), 'issued by the simulator’s root');
    const again = await sim.signerCertificates({ ownerId: '079201000001', account: `+${account}` });
    assert.deepEqual(again[0], chain[0]);
  });

  test('a request is pending until the signer confirms, then signed over the digest', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'approve', afterMs: 300 });
    const signer = { ownerId: 'owner-1', account };
    const leaf = leafOf(await sim.signerCertificates(signer));
    const { preimage, digest } = signedAttributes();

    const first = await sim.requestSignature(request(signer, digest));
    assert.equal(first.status, 'pending');
    assert.equal((await sim.checkSignature(first.status === 'pending' ? first.transactionId : '')).status, 'pending');

    const settled = await settle(sim, first);
    assert.ok(
      verifies(leaf, preimage, settled),
      'the signature verifies over the signed attributes with the certificate key',
    );
    assert.deepEqual(simulator.lastSigningRequest(account)?.hash, digest);
  });

  test('the phone shows at most 160 characters of the description', async () => {
    const account = mobileNumber();
    await sim.requestSignature(
      request(
        { ownerId: 'o', account },
        signedAttributes().digest,
        'Ký '.concat('Giấy chứng nhận quyền sử dụng đất '.repeat(10)),
      ),
    );
    const shown = simulator.lastSigningRequest(account)?.text ?? '';
    assert.equal(Array.from(shown).length, 160);
    assert.ok(shown.endsWith('…'));
  });

  test('a refusal on the phone comes back as refused with its reason', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'refuse', afterMs: 50, reason: 'user cancelled' });
    const attempt = await settle(
      sim,
      await sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest)),
    );
    assert.deepEqual(attempt, { status: 'refused', reason: 'user cancelled' });
  });

  test('a signer who never answers: expired after the service’s own deadline', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'never' });
    const attempt = await settle(
      sim,
      await sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest)),
    );
    assert.deepEqual(attempt, { status: 'expired' });
  });

  test('a signature made with another key is returned as is: it does not verify with the certificate', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'wrong-key' });
    const signer = { ownerId: 'o', account };
    const leaf = leafOf(await sim.signerCertificates(signer));
    const { preimage, digest } = signedAttributes();
    const attempt = await settle(sim, await sim.requestSignature(request(signer, digest)));
    assert.equal(verifies(leaf, preimage, attempt), false);
  });

  test('a service answering 503 is unavailable, on lookup, request and status check', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'never' });
    const pending = await sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest));
    assert.equal(pending.status, 'pending');

    simulator.setBehaviour(account, { kind: 'unavailable' });
    await assert.rejects(sim.signerCertificates({ ownerId: 'o', account }), SignatureProviderUnavailableError);
    await assert.rejects(
      sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest)),
      SignatureProviderUnavailableError,
    );
    await assert.rejects(
      sim.checkSignature(pending.status === 'pending' ? pending.transactionId : ''),
      SignatureProviderUnavailableError,
    );
  });

  test('a repeated request with the same requestId gets the same transaction; a different digest is rejected', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'approve', afterMs: 300 });
    const { digest } = signedAttributes();
    const original = request({ ownerId: 'o', account }, digest);
    const first = await sim.requestSignature(original);
    const second = await sim.requestSignature(original);
    assert.equal(first.status, 'pending');
    assert.deepEqual(second, first);

    const conflicting = sim.requestSignature({ ...original, digest: signedAttributes().digest });
    await assert.rejects(
      conflicting,
      (error: unknown) => error instanceof RemoteSigningRequestError && error.status === 409,
    );
  });

  test('a number that is not a Vietnamese mobile number is invalid input, before any call', async () => {
    const before = simulator.requestCount();
    for (const account of ['0212345678', '091234567', '+8491234567890', '+1 415 555 0100', 'abc', '']) {
      await assert.rejects(sim.signerCertificates({ ownerId: 'o', account }), InvalidInputError, account);
      await assert.rejects(
        sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest)),
        InvalidInputError,
        account,
      );
    }
    await assert.rejects(sim.signerCertificates({ ownerId: 'o' }), InvalidInputError);
    assert.equal(simulator.requestCount(), before);
  });

  test('numbers are normalised to 84 and nine digits', () => {
    assert.equal(normaliseVietnameseMobileNumber('0912345678'), '84912345678');
    assert.equal(normaliseVietnameseMobileNumber('+84 912 345 678'), '84912345678');
    assert.equal(normaliseVietnameseMobileNumber('84-386.123.456'), '84386123456');
  });

  test('an account the service does not know is invalid input', async () => {
    const account = mobileNumber();
    simulator.setBehaviour(account, { kind: 'no-account' });
    await assert.rejects(sim.signerCertificates({ ownerId: 'o', account }), InvalidInputError);
    await assert.rejects(
      sim.requestSignature(request({ ownerId: 'o', account }, signedAttributes().digest)),
      InvalidInputError,
    );
  });

  test('a transaction the service no longer knows is expired', async () => {
    assert.deepEqual(await sim.checkSignature('sim-tx-purged'), { status: 'expired' });
  });
});

describe('SmartCA signing provider', () => {
  test('signs with the user’s newest currently valid credential and the signature verifies', async () => {
    const userId = smartCaUserId();
    simulator.registerSigner(userId, { commonName: 'Trần Thị Bình', subjectSerialNumber: userId });
    const now = Date.now();
    const original = await simulator.issueCredential(userId, {
      validFrom: new Date(now - 10 * DAY_MS),
      validDays: 400,
    });
    await simulator.issueCredential(userId, { validFrom: new Date(now - 800 * DAY_MS), validDays: 365 }); // expired
    // Newer than the credential issued on first use (valid from a minute ago), but not usable:
    await simulator.issueCredential(userId, { validFrom: new Date(now - 1_000), validDays: 400, status: 'revoked' });
    await simulator.issueCredential(userId, { validFrom: new Date(now + 5 * DAY_MS), validDays: 400 }); // not yet valid
    const renewed = await simulator.issueCredential(userId, { validFrom: new Date(now - 2_000), validDays: 400 });
    simulator.setBehaviour(userId, { kind: 'approve', afterMs: 300 });

    const chain = await smartca.signerCertificates({ ownerId: userId, account: userId });
    assert.deepEqual(chain[0], renewed.certificate);
    assert.notDeepEqual(chain[0], original.certificate);
    assert.match(leafOf(chain).subject, /CN=Trần Thị Bình/);

    const { preimage, digest } = signedAttributes();
    const first = await smartca.requestSignature(request({ ownerId: userId, account: userId }, digest));
    assert.equal(first.status, 'pending');
    const settled = await settle(smartca, first);
    assert.ok(verifies(leafOf(chain), preimage, settled));
    assert.equal(simulator.lastSigningRequest(userId)?.credentialId, renewed.credentialId);
  });

  test('signs with the credential whose certificate the caller already embedded', async () => {
    const userId = smartCaUserId();
    const [embedded] = await smartca.signerCertificates({ ownerId: userId, account: userId });
    assert.ok(embedded);
    // A renewal lands between preparing the signature and requesting it.
    const renewed = await simulator.issueCredential(userId, { validFrom: new Date(Date.now() - 1_000) });
    const { preimage, digest } = signedAttributes();
    const attempt = await settle(
      smartca,
      await smartca.requestSignature(request({ ownerId: userId, account: userId, certificates: [embedded] }, digest)),
    );
    assert.ok(verifies(new X509Certificate(embedded), preimage, attempt));
    assert.notEqual(simulator.lastSigningRequest(userId)?.credentialId, renewed.credentialId);
  });

  test('a user with no currently valid credential is invalid input', async () => {
    const userId = smartCaUserId();
    // Every certificate the simulator issues has expired by then.
    const years = createSmartCaSigningProvider(
      { endpoint: `${simulator.url}/smartca`, apiKey: simulator.apiKey },
      { now: () => new Date(Date.now() + 5_000 * DAY_MS) },
    );
    await assert.rejects(years.signerCertificates({ ownerId: userId, account: userId }), InvalidInputError);
    await assert.rejects(
      years.requestSignature(request({ ownerId: userId, account: userId }, signedAttributes().digest)),
      InvalidInputError,
    );
  });

  test('refuse, never and unavailable', async () => {
    const refusing = smartCaUserId();
    simulator.setBehaviour(refusing, { kind: 'refuse', afterMs: 30 });
    const refused = await settle(
      smartca,
      await smartca.requestSignature(request({ ownerId: 'o', account: refusing }, signedAttributes().digest)),
    );
    assert.equal(refused.status, 'refused');

    const silent = smartCaUserId();
    simulator.setBehaviour(silent, { kind: 'never' });
    const expired = await settle(
      smartca,
      await smartca.requestSignature(request({ ownerId: 'o', account: silent }, signedAttributes().digest)),
    );
    assert.deepEqual(expired, { status: 'expired' });

    const down = smartCaUserId();
    simulator.setBehaviour(down, { kind: 'unavailable' });
    await assert.rejects(
      smartca.signerCertificates({ ownerId: 'o', account: down }),
      SignatureProviderUnavailableError,
    );
  });

  test('idempotent by requestId', async () => {
    const userId = smartCaUserId();
    simulator.setBehaviour(userId, { kind: 'approve', afterMs: 300 });
    const original = request({ ownerId: userId, account: userId }, signedAttributes().digest);
    const created = simulator.requestCount('create');
    const first = await smartca.requestSignature(original);
    assert.deepEqual(await smartca.requestSignature(original), first);
    assert.equal(simulator.requestCount('create'), created + 2);
  });

  test('a missing or malformed user ID, or an unknown user, is invalid input', async () => {
    await assert.rejects(smartca.signerCertificates({ ownerId: 'o' }), InvalidInputError);
    await assert.rejects(smartca.signerCertificates({ ownerId: 'o', account: '079/../admin' }), InvalidInputError);
    const unknown = smartCaUserId();
    simulator.setBehaviour(unknown, { kind: 'no-account' });
    await assert.rejects(smartca.signerCertificates({ ownerId: 'o', account: unknown }), InvalidInputError);
  });
});

describe('a service whose signers hold P-256 keys', () => {
  let ecSimulator: RemoteSigningSimulator;
  before(async () => {
    ecSimulator = await startRemoteSigningSimulator({ keyAlgorithm: 'EC' });
  });
  after(() => ecSimulator.close());

  test('returns a DER ECDSA signature over the digest that verifies, and a wrong key’s that does not', async () => {
    const provider = createSimSigningProvider({ endpoint: `${ecSimulator.url}/sim`, apiKey: ecSimulator.apiKey });
    const signer = { ownerId: 'o', account: mobileNumber() };
    const leaf = leafOf(await provider.signerCertificates(signer));
    assert.equal(leaf.publicKey.asymmetricKeyType, 'ec');
    const { preimage, digest } = signedAttributes();
    const signed = await settle(provider, await provider.requestSignature(request(signer, digest)));
    assert.ok(verifies(leaf, preimage, signed));

    ecSimulator.setBehaviour(signer.account, { kind: 'wrong-key' });
    const forged = await settle(provider, await provider.requestSignature(request(signer, digest)));
    assert.equal(verifies(leaf, preimage, forged), false);
  });
});

describe('remote signing client failures', () => {
  test('a wrong API key is a clear, non-retryable error that does not echo the key', async () => {
    const apiKey = 'not-the-right-key-123';
    const wrong = createSimSigningProvider({ endpoint: `${simulator.url}/sim`, apiKey });
    await assert.rejects(wrong.signerCertificates({ ownerId: 'o', account: mobileNumber() }), (error: unknown) => {
      assert.ok(error instanceof RemoteSigningRequestError);
      assert.equal(error.status, 401);
      assert.match(error.message, /API key/);
      assert.doesNotMatch(error.message, new RegExp(apiKey));
      return true;
    });
  });

  test('a service that does not answer in time is unavailable', async () => {
    const silent: Server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const slow = createSmartCaSigningProvider({
        endpoint: `http://127.0.0.1:${port}`,
        apiKey: 'k',
        requestTimeoutMs: 100,
      });
      await assert.rejects(slow.checkSignature('tx-1'), (error: unknown) => {
        assert.ok(error instanceof SignatureProviderUnavailableError);
        assert.match(error.message, /within 100 ms/);
        return true;
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a service that cannot be reached, or answers nonsense, is unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createSimSigningProvider({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'k' });
    await assert.rejects(unreachable.checkSignature('tx-1'), SignatureProviderUnavailableError);

    const nonsense = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"signed"}');
    });
    await new Promise<void>((resolve) => nonsense.listen(0, '127.0.0.1', resolve));
    try {
      const odd = createSimSigningProvider({
        endpoint: `http://127.0.0.1:${(nonsense.address() as AddressInfo).port}`,
        apiKey: 'k',
      });
      await assert.rejects(odd.checkSignature('tx-1'), SignatureProviderUnavailableError);
    } finally {
      nonsense.closeAllConnections();
      await new Promise((resolve) => nonsense.close(resolve));
    }
  });

  test('only a SHA-256 digest is sent to be signed', async () => {
    const signer = { ownerId: 'o', account: mobileNumber() };
    await assert.rejects(sim.requestSignature(request(signer, new Uint8Array(20))), /SHA-256/);
  });

  test('a malformed endpoint or a missing key fails at construction', () => {
    assert.throws(() => createSimSigningProvider({ endpoint: 'not a url', apiKey: 'k' }), /endpoint/);
    assert.throws(() => createSmartCaSigningProvider({ endpoint: 'ftp://example.vn', apiKey: 'k' }), /endpoint/);
    assert.throws(() => createSimSigningProvider({ endpoint: 'https://mssp.example.vn', apiKey: '' }), /apiKey/);
  });
});
