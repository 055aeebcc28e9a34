import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { auditEntry } from '../../../functions/audit/contract/schemas.ts';
import type { upload, uploadTicket } from '../../../functions/digitize/contract/schemas.ts';
import type { documentVersion, folder, vaultDocument } from '../../../functions/vault/contract/schemas.ts';
import type { VaultPolicy } from '../../../functions/vault/core/vault-policy.ts';
import { startLocalVault, type LocalVault, type LocalVaultOptions } from '../../../lib/local/vault-server.ts';
import { contentTypeOf, readFixture, sha256Hex, type FixtureName } from './fixtures.ts';
import { createApi, type Api, type ApiResponse } from './http-client.ts';

export type Folder = z.infer<typeof folder>;
export type FolderNode = Folder & { children: FolderNode[] };
export type VaultDocument = z.infer<typeof vaultDocument>;
export type DocumentVersion = z.infer<typeof documentVersion>;
export type Upload = z.infer<typeof upload>;
export type UploadTicket = z.infer<typeof uploadTicket>;
export type AuditEntry = z.infer<typeof auditEntry>;

/** The people the tests act as; owner ids are valid but invented. */
export const personas = {
  citizen: { sub: 'citizen-nguyen-van-an', role: 'citizen', ownerId: '079203001234' },
  citizen2: { sub: 'citizen-tran-thi-binh', role: 'citizen', ownerId: '001099012345' },
  organization: { sub: 'org-cong-ty-hoa-sen', role: 'organization', ownerId: '0101234567' },
  officer: { sub: 'officer-le-van-cuong', role: 'officer', unit: 'PC06' },
  admin: { sub: 'admin-pham-thi-dung', role: 'admin' },
} as const;
export type Persona = keyof typeof personas;

export interface UploadOverrides {
  fileName?: string;
  contentType?: string;
  size?: number;
  folderId?: string;
  ownerId?: string;
  /** Upload a new version of this document instead of a new document. */
  documentId?: string;
  /** Bytes to send instead of the fixture's. */
  bytes?: Uint8Array;
}

export interface UploadOutcome {
  uploadId: string;
  ticket: UploadTicket;
  /** The upload once the workflow is done with it (DONE or FAILED). */
  upload: Upload;
  bytes: Uint8Array;
  sha256: string;
}

export interface TestVault {
  url: string;
  dataDir: string;
  vault: LocalVault;
  api: Api;
  /** A token from POST /_local/token for a persona (cached per persona). */
  token(persona: Persona): Promise<string>;
  /** POSTs the multipart form of a presigned upload: every field (overridable), then the file last. */
  postForm(
    presigned: UploadTicket['upload'],
    bytes: Uint8Array,
    options?: PostFormOptions,
  ): Promise<{ status: number; text: string }>;
  /** Requests an upload, posts the file, and waits until the workflow has filed or failed it. */
  uploadFile(token: string, fixture: FixtureName, overrides?: UploadOverrides): Promise<UploadOutcome>;
  /** Polls GET /v1/uploads/{id} until DONE or FAILED, then waits for the workflow to go idle. */
  waitForUpload(token: string, uploadId: string): Promise<Upload>;
  close(): Promise<void>;
}

export interface PostFormOptions {
  /** Field values to replace; undefined removes the field. */
  fields?: Record<string, string | undefined>;
  fileContentType?: string;
  fileName?: string;
}

export async function startTestVault(
  options: { policy?: Partial<VaultPolicy> } & Pick<
    LocalVaultOptions,
    | 'remoteSigning'
    | 'signaturePollMs'
    | 'identityProviders'
    | 'installDevelopmentSeal'
    | 'embeddedProviderAccountTypes'
    | 'unitSync'
  > = {},
): Promise<TestVault> {
  const dataDir = await mkdtemp(join(tmpdir(), 'khoso-api-test-'));
  let vault: LocalVault;
  try {
    vault = await startLocalVault({ dataDir, port: 0, ...options });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api = createApi(vault.url);
  const tokens = new Map<Persona, string>();

  const token = async (persona: Persona) => {
    const cached = tokens.get(persona);
    if (cached) return cached;
    const response = await api<{ accessToken: string }>('POST', '/_local/token', { body: personas[persona] });
    assert.equal(response.status, 200, `token for ${persona}: ${response.text}`);
    tokens.set(persona, response.json.accessToken);
    return response.json.accessToken;
  };

  const postForm: TestVault['postForm'] = async (presigned, bytes, formOptions = {}) => {
    const form = new FormData();
    const fields: Record<string, string | undefined> = { ...presigned.fields, ...formOptions.fields };
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
    const type = formOptions.fileContentType ?? presigned.fields['Content-Type'] ?? 'application/octet-stream';
    form.append('file', new Blob([bytes], { type }), formOptions.fileName ?? 'scan');
    const response = await fetch(presigned.url, { method: 'POST', body: form });
    return { status: response.status, text: await response.text() };
  };

  const waitForUpload: TestVault['waitForUpload'] = async (bearer, uploadId) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response: ApiResponse<Upload> = await api('GET', `/v1/uploads/${uploadId}`, { token: bearer });
      assert.equal(response.status, 200, response.text);
      if (response.json.status === 'DONE' || response.json.status === 'FAILED') {
        await vault.workflow.idle();
        return response.json;
      }
      // The run stays paused until someone reviews; the test decides what to do.
      if (response.json.status === 'REVIEW') return response.json;
      assert.ok(Date.now() < deadline, `upload ${uploadId} still ${response.json.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const uploadFile: TestVault['uploadFile'] = async (bearer, fixture, overrides = {}) => {
    const bytes = overrides.bytes ?? (await readFixture(fixture));
    const { documentId } = overrides;
    const body = {
      fileName: overrides.fileName ?? fixture,
      contentType: overrides.contentType ?? contentTypeOf(fixture),
      size: overrides.size ?? bytes.byteLength,
      ...(overrides.folderId !== undefined && !documentId ? { folderId: overrides.folderId } : {}),
      ...(overrides.ownerId !== undefined && !documentId ? { ownerId: overrides.ownerId } : {}),
    };
    const path = documentId ? `/v1/documents/${documentId}/versions` : '/v1/uploads';
    const requested = await api<UploadTicket>('POST', path, { token: bearer, body });
    assert.equal(requested.status, 201, `POST ${path}: ${requested.text}`);
    const ticket = requested.json;
    const posted = await postForm(ticket.upload, bytes);
    assert.equal(posted.status, 204, `presigned POST: ${posted.text}`);
    const upload = await waitForUpload(bearer, ticket.uploadId);
    return { uploadId: ticket.uploadId, ticket, upload, bytes, sha256: sha256Hex(bytes) };
  };

  return {
    url: vault.url,
    dataDir,
    vault,
    api,
    token,
    postForm,
    uploadFile,
    waitForUpload,
    close: async () => {
      try {
        await vault.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
