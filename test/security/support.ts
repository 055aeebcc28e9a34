import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import { toPem } from '../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';
import { makePdf } from '../integration/support/fixtures.ts';
import {
  assertClientProblem,
  problemType,
  type ApiOptions,
  type ApiResponse,
} from '../integration/support/http-client.ts';
import {
  personas,
  startTestVault,
  type AuditEntry as ApiAuditEntry,
  type Folder,
  type TestVault,
} from '../integration/support/test-vault.ts';
import { snapshotVault, type VaultSnapshot } from '../integration/support/vault-reads.ts';

/**
 * The hostile-input suite's shared world: citizen A owns a small vault (a folder with a
 * subfolder, a PDF, a trashed PNG, a pending signature request); citizen B owns another and
 * is the usual attacker. Each test file starts its own embedded vault.
 */
export interface SecurityWorld {
  t: TestVault;
  /** Tokens. */
  a: string;
  b: string;
  admin: string;
  officer: string;
  ids: {
    folder: string;
    subfolder: string;
    document: string;
    /** The PDF's upload (DONE). */
    upload: string;
    trashed: string;
    /** A pending ca-token signature request on the PDF. */
    signature: string;
    otherFolder: string;
    otherDocument: string;
  };
  /** A's chain for ca-token requests (trusted by the vault), and its key. */
  chainPem: string;
  signerKey?: CryptoKey;
}

export const ownerA = personas.citizen.ownerId;
export const ownerB = personas.citizen2.ownerId;

export async function startWorld(options: { signature?: boolean } = {}): Promise<SecurityWorld> {
  const t = await startTestVault();
  const [a, b, admin, officer] = [
    await t.token('citizen'),
    await t.token('citizen2'),
    await t.token('admin'),
    await t.token('officer'),
  ];
  const folder = await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Hồ sơ của An' } });
  assert.equal(folder.status, 201, folder.text);
  const subfolder = await t.api<Folder>('POST', '/v1/folders', {
    token: a,
    body: { name: 'Giấy tờ xe', parentId: folder.json.id },
  });
  assert.equal(subfolder.status, 201, subfolder.text);
  const pdf = await t.uploadFile(a, 'sample-result.pdf', { folderId: folder.json.id });
  assert.equal(pdf.upload.status, 'DONE', pdf.upload.failureReason);
  // PDFs with a text layer: no OCR worker is needed, so each file's world starts quickly.
  const trashed = await t.uploadFile(a, 'sample-result.pdf', {
    folderId: folder.json.id,
    bytes: await makePdf('Giay to da xoa'),
    fileName: 'da-xoa.pdf',
  });
  assert.equal(trashed.upload.status, 'DONE', trashed.upload.failureReason);
  assert.equal((await t.api('DELETE', `/v1/documents/${trashed.upload.documentId}`, { token: a })).status, 204);
  const otherFolder = await t.api<Folder>('POST', '/v1/folders', { token: b, body: { name: 'Hồ sơ của Bình' } });
  assert.equal(otherFolder.status, 201, otherFolder.text);
  const other = await t.uploadFile(b, 'sample-result.pdf', {
    folderId: otherFolder.json.id,
    bytes: await makePdf('Giay to cua Binh'),
  });
  assert.equal(other.upload.status, 'DONE', other.upload.failureReason);

  let signature = '';
  let chainPem = '';
  let signerKey: CryptoKey | undefined;
  if (options.signature !== false) {
    const root = await createRootCa({ commonName: 'Security suite test root', algorithm: 'EC' });
    const signer = await issueCertificate({
      issuer: root,
      commonName: 'NGUYỄN VĂN AN',
      subjectSerialNumber: ownerA,
      algorithm: 'EC',
    });
    chainPem = toPem(signer.certificate) + toPem(root.certificate);
    signerKey = signer.privateKey;
    const anchors = await t.api('PUT', '/v1/signing/trust-anchors/ca-token', {
      token: admin,
      body: { certificates: toPem(root.certificate) },
    });
    assert.equal(anchors.status, 200, anchors.text);
    const requested = await t.api('POST', `/v1/documents/${pdf.upload.documentId}/signatures`, {
      token: a,
      body: { provider: 'ca-token', certificateChain: chainPem },
    });
    assert.equal(requested.status, 201, requested.text);
    signature = requested.json.signature.id;
  }
  return {
    t,
    a,
    b,
    admin,
    officer,
    chainPem,
    ...(signerKey ? { signerKey } : {}),
    ids: {
      folder: folder.json.id,
      subfolder: subfolder.json.id,
      document: pdf.upload.documentId!,
      upload: pdf.uploadId,
      trashed: trashed.upload.documentId!,
      signature,
      otherFolder: otherFolder.json.id,
      otherDocument: other.upload.documentId!,
    },
  };
}

export interface WorldState {
  a: VaultSnapshot;
  b: VaultSnapshot;
  /** Records read straight from the repository, which the API may not show. */
  records: unknown;
}

/**
 * Everything an attack could have changed, in both vaults: the trees, trash, every folder's
 * documents and history, the documents with their versions and history (through the API),
 * and the upload and signature records (from the repository).
 */
export async function worldState(w: SecurityWorld): Promise<WorldState> {
  const repo = w.t.vault.deps.repository;
  return {
    a: await snapshotVault(w.t.api, w.a, { documents: [w.ids.document, w.ids.trashed] }),
    b: await snapshotVault(w.t.api, w.b, { documents: [w.ids.otherDocument] }),
    records: {
      upload: await repo.getUpload(w.ids.upload),
      signatures: await repo.listSignatures(ownerA, w.ids.document),
      otherSignatures: await repo.listSignatures(ownerB, w.ids.otherDocument),
    },
  };
}

/** Runs `attack` and asserts afterwards that nothing in either vault changed. */
export async function unchanged<T>(w: SecurityWorld, attack: () => Promise<T>): Promise<T> {
  const before = await worldState(w);
  const result = await attack();
  assert.deepEqual(await worldState(w), before, 'the attack changed nothing');
  return result;
}

/** Like api(), but a dropped connection is an answer too (status 0), so it is reported, not thrown. */
export async function attempt(
  t: TestVault,
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse> {
  try {
    return await t.api(method, path, options);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      status: 0,
      headers: new Headers(),
      contentType: '',
      text: `connection failed: ${cause?.code ?? String(error)}`,
      json: undefined,
    };
  }
}

/** The status, content type and problem body minus the per-request instance: what a prober can compare. */
export function observable(response: ApiResponse): unknown {
  const { instance: _instance, ...body } = (response.json ?? {}) as Record<string, unknown>;
  return { status: response.status, contentType: response.contentType, body, keys: Object.keys(body).sort() };
}

/** Asserts one problem type for a list of requests, collecting every wrong answer before failing. */
export async function expectEach(
  t: TestVault,
  requests: { label?: string; method: string; path: string; options: ApiOptions }[],
  status: number,
  code: string | readonly string[],
): Promise<ApiResponse[]> {
  const codes = typeof code === 'string' ? [code] : code;
  const wrong: string[] = [];
  const responses: ApiResponse[] = [];
  for (const request of requests) {
    const response = await attempt(t, request.method, request.path, request.options);
    responses.push(response);
    const ok =
      response.status === status &&
      /^application\/problem\+json/.test(response.contentType) &&
      codes.map(problemType).includes(response.json?.type) &&
      response.json?.status === status &&
      typeof response.json?.title === 'string' &&
      typeof response.json?.titleVi === 'string';
    if (!ok)
      wrong.push(
        `${request.label ?? ''} ${request.method} ${request.path} -> ${response.status} ${response.text.slice(0, 200)}`,
      );
    else assertClientProblem(response);
  }
  assert.deepEqual(wrong, [], `want ${status} ${codes.join('|')}`);
  return responses;
}

/** Denied audit entries of one resource in one owner's history, as the repository holds them. */
export async function deniedAudit(
  w: SecurityWorld,
  ownerId: string,
  resourceId: string,
  action?: string,
): Promise<AuditEntry[]> {
  const history = await w.t.vault.deps.repository.listHistory(ownerId, resourceId, { limit: 1000 });
  return history.items.filter(
    (entry) => entry.outcome === 'denied' && (action === undefined || entry.action === action),
  );
}

/** The embedded issuer's private key, read from its data dir, so tests can sign as it and bend one thing. */
export async function tokenCrafter(t: TestVault) {
  const privateJwk = JSON.parse(await readFile(join(t.dataDir, 'issuer-key.json'), 'utf8')) as JWK;
  const key = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  return {
    privateJwk,
    key,
    craft: (
      options: {
        claims?: JWTPayload;
        issuer?: string;
        audience?: string | string[];
        expiresAt?: number;
        notBefore?: number;
        issuedAt?: number;
        key?: CryptoKey | Uint8Array;
        alg?: string;
        kid?: string;
        omit?: ('exp' | 'iat' | 'sub')[];
      } = {},
    ) => {
      const now = Math.floor(Date.now() / 1000);
      const omit = new Set(options.omit ?? []);
      const claims: JWTPayload = { ...personas.citizen, ...options.claims };
      if (omit.has('sub')) delete claims.sub;
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? privateJwk.kid ?? 'khoso-local-1' })
        .setIssuer(options.issuer ?? t.vault.issuer.issuer)
        .setAudience(options.audience ?? t.vault.issuer.audience);
      if (!omit.has('iat')) jwt.setIssuedAt(options.issuedAt ?? now - 60);
      if (!omit.has('exp')) jwt.setExpirationTime(options.expiresAt ?? now + 600);
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      return jwt.sign(options.key ?? key);
    },
  };
}

export const randomId = () => randomUUID();

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A shares something with B (or whom `grantee` names); returns the share's id. */
export async function shareWith(
  w: SecurityWorld,
  body: {
    resourceType: 'document' | 'folder';
    resourceId: string;
    permissions?: string[];
    grantee?: { kind: string; id: string };
    canReshare?: boolean;
    expiresAt?: string;
  },
  token = w.a,
): Promise<string> {
  const response = await w.t.api('POST', '/v1/shares', {
    token,
    body: { grantee: { kind: 'citizen', id: ownerB }, permissions: ['metadata', 'content', 'download'], ...body },
  });
  assert.equal(response.status, 201, response.text);
  return response.json.id as string;
}

/** A makes a link; returns its token and id. */
export async function linkTo(
  w: SecurityWorld,
  body: {
    resourceType: 'document' | 'folder';
    resourceId: string;
    permissions?: string[];
    pin?: string;
    maxUses?: number;
    expiresAt?: string;
  },
): Promise<{ token: string; id: string }> {
  const response = await w.t.api('POST', '/v1/links', {
    token: w.a,
    body: { permissions: ['metadata', 'download'], ...body },
  });
  assert.equal(response.status, 201, response.text);
  return { token: response.json.token as string, id: response.json.link.id as string };
}

function withoutHistory(state: WorldState): unknown {
  return JSON.parse(JSON.stringify(state, (key, value) => (key === 'history' ? undefined : value)));
}

function historyEntries(state: WorldState): ApiAuditEntry[] {
  const entries = new Map<string, ApiAuditEntry>();
  for (const snapshot of [state.a, state.b]) {
    for (const part of [...Object.values(snapshot.folders), ...Object.values(snapshot.documents)]) {
      for (const entry of part.history) entries.set(entry.id, entry);
    }
  }
  return [...entries.values()];
}

/**
 * For attacks the product audits: runs `attack`, asserts nothing but the histories changed,
 * and returns the audit entries it added (in the histories of both vaults' folders and documents).
 */
export async function unchangedButAudited<T>(
  w: SecurityWorld,
  attack: () => Promise<T>,
): Promise<{ result: T; added: ApiAuditEntry[] }> {
  const before = await worldState(w);
  const result = await attack();
  const after = await worldState(w);
  assert.deepEqual(withoutHistory(after), withoutHistory(before), 'the attack changed nothing but the audit');
  const known = new Set(historyEntries(before).map((entry) => entry.id));
  return { result, added: historyEntries(after).filter((entry) => !known.has(entry.id)) };
}
