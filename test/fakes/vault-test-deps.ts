import { acceptUploadedObject } from '../../functions/digitize/core/accept-upload.ts';
import { fileUpload, type FiledUpload } from '../../functions/digitize/core/file-upload.ts';
import { validateUpload } from '../../functions/digitize/core/validate-upload.ts';
import type { Upload } from '../../functions/digitize/core/upload-model.ts';
import type { DocumentVersion, VaultDocument } from '../../functions/vault/core/model.ts';
import type { RequestContext } from '../../functions/platform/core/principal.ts';
import { requestUpload, type UploadRequest, type UploadTicket } from '../../functions/digitize/core/uploads.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';
import { defaultVaultPolicy, type VaultPolicy } from '../../functions/vault/core/vault-policy.ts';
import type { VaultChanges } from '../../functions/vault/core/unit-of-work.ts';
import { FixedClock } from './fixed-clock.ts';
import { InMemoryBlobStore } from './in-memory-blob-store.ts';
import { InMemoryVaultRepository } from './in-memory-vault-repository.ts';
import { InMemoryTemplateRepository } from './in-memory-template-repository.ts';
import { InMemoryPopulationDatabase } from './in-memory-population-database.ts';
import { InMemorySigningSettings } from './in-memory-signing-settings.ts';
import { RecordingDigitizeWorkflow } from './recording-digitize-workflow.ts';
import { makePdf } from './sample-files.ts';
import { SequentialIds } from './sequential-ids.ts';
import { testSealChainPem } from './test-seal-certificate.ts';

/** VaultDeps with every port a fake the test can inspect and steer. */
export interface TestVault extends VaultDeps {
  repository: InMemoryVaultRepository;
  templates: InMemoryTemplateRepository;
  blobs: InMemoryBlobStore;
  workflow: RecordingDigitizeWorkflow;
  clock: FixedClock;
  ids: SequentialIds;
  population: InMemoryPopulationDatabase;
  signing: {
    providers: VaultDeps['signing']['providers'];
    settings: InMemorySigningSettings;
    sealKey?: VaultDeps['signing']['sealKey'];
  };
}

export function createTestVault(
  options: {
    policy?: Partial<VaultPolicy>;
    start?: string;
    /** The seal has a certificate valid at any test clock (the default); false: none imported yet. */
    sealCertificate?: boolean;
  } = {},
): TestVault {
  const clock = new FixedClock(options.start);
  const repository = new InMemoryVaultRepository();
  return {
    repository,
    templates: new InMemoryTemplateRepository(repository),
    blobs: new InMemoryBlobStore(clock),
    workflow: new RecordingDigitizeWorkflow(),
    clock,
    ids: new SequentialIds(),
    policy: { ...defaultVaultPolicy, ...options.policy },
    population: new InMemoryPopulationDatabase(),
    signing: {
      providers: {},
      settings: new InMemorySigningSettings(
        repository,
        (options.sealCertificate ?? true) ? testSealChainPem : undefined,
      ),
    },
  };
}

/** Owner ids: valid per principal.ts (province 079 / 001 personal IDs, a 10-digit enterprise code). */
export const citizenId = '079203001234';
export const secondCitizenId = '001099012345';
export const organisationId = '0101234567';
export const officerSub = 'officer-pc06-0001';

function context(principal: RequestContext['principal']): RequestContext {
  return { principal, sourceIp: '203.0.113.7', userAgent: 'khoso-tests', requestId: `req-${principal.sub}` };
}

export const citizen = (): RequestContext =>
  context({ sub: `citizen-${citizenId}`, role: 'citizen', ownerId: citizenId });
export const secondCitizen = (): RequestContext =>
  context({ sub: `citizen-${secondCitizenId}`, role: 'citizen', ownerId: secondCitizenId });
export const organisation = (): RequestContext =>
  context({ sub: `org-${organisationId}`, role: 'organization', ownerId: organisationId });
export const officer = (unit = 'PC06', sub = officerSub): RequestContext => context({ sub, role: 'officer', unit });
export const admin = (): RequestContext => context({ sub: 'admin-0001', role: 'admin' });

/**
 * Holds the first `count` commits that `when` matches until all of them have arrived, then
 * lets them go together: each racer has done its reads before any of them writes. Fails
 * the held commits instead of hanging when the others never come.
 */
export function commitBarrier(
  repository: InMemoryVaultRepository,
  count: number,
  when: (changes: VaultChanges) => boolean = () => true,
  timeoutMs = 2_000,
): { arrived: () => number } {
  let arrived = 0;
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  repository.beforeCommit = (changes) => {
    if (arrived >= count || !when(changes)) return;
    arrived += 1;
    return new Promise<void>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (arrived === count) {
        clearTimeout(timer);
        for (const racer of waiting) racer.resolve();
      } else if (arrived === 1) {
        timer = setTimeout(() => {
          for (const racer of waiting)
            racer.reject(new Error(`commit barrier: only ${arrived} of ${count} commits arrived`));
        }, timeoutMs);
      }
    });
  };
  return { arrived: () => arrived };
}

let cachedPdf: Promise<Uint8Array> | undefined;
export function samplePdf(): Promise<Uint8Array> {
  cachedPdf ??= makePdf(1);
  return cachedPdf;
}

/** Requests an upload and POSTs the bytes the way a browser would, within the presigned policy. */
export async function uploadBytes(
  vault: TestVault,
  context: RequestContext,
  request: Partial<UploadRequest> = {},
  bytes?: Uint8Array,
): Promise<UploadTicket> {
  const body = bytes ?? (await samplePdf());
  const contentType = request.contentType ?? 'application/pdf';
  const ticket = await requestUpload(vault, context, {
    fileName: 'scan.pdf',
    contentType,
    size: body.byteLength,
    ...request,
  });
  await vault.blobs.receivePost(ticket.presigned, body, contentType);
  return ticket;
}

/** The whole journey of a document: upload, object event, workflow validate and file steps. */
export async function fileDocument(
  vault: TestVault,
  context: RequestContext,
  request: Partial<UploadRequest> = {},
  bytes?: Uint8Array,
): Promise<{ upload: Upload; filed: FiledUpload; document: VaultDocument }> {
  const ticket = await uploadBytes(vault, context, request, bytes);
  const key = ticket.upload.blobKey;
  const head = await vault.blobs.head(key);
  await acceptUploadedObject(vault, { key, size: head?.size ?? 0 });
  const validated = await validateUpload(vault, { uploadId: ticket.upload.id });
  const filed = await fileUpload(vault, validated);
  const document = await vault.repository.getDocument(ticket.upload.ownerId, filed.documentId);
  const upload = await vault.repository.getUpload(ticket.upload.id);
  if (!document || !upload) throw new Error('filing left no document or upload behind');
  return { upload, filed, document };
}

/** Rejection with a domain error code, for assert.rejects. */
export function withCode(code: string): (error: unknown) => boolean {
  return (error) => {
    if ((error as { code?: unknown })?.code !== code) {
      throw new Error(
        `expected an error with code ${code}, got ${String((error as Error)?.name)}: ${String((error as Error)?.message)}`,
      );
    }
    return true;
  };
}

/**
 * A filed document written straight to the repository (no upload journey), for tests that
 * need many documents or precise timestamps.
 */
export async function seedDocument(
  vault: TestVault,
  ownerId: string,
  folderId: string,
  overrides: Partial<VaultDocument> = {},
): Promise<VaultDocument> {
  const id = vault.ids.newId();
  const now = vault.clock.now().toISOString();
  const document: VaultDocument = {
    id,
    ownerId,
    folderId,
    source: 'self',
    title: `Tài liệu ${id.slice(-4)}`,
    fileName: 'scan.pdf',
    contentType: 'application/pdf',
    size: 1234,
    sha256: 'ab'.repeat(32),
    currentVersion: 1,
    versionCount: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: 'seed',
    ...overrides,
  };
  const version: DocumentVersion = {
    documentId: id,
    ownerId,
    number: 1,
    blobKey: `vault/${ownerId}/${id}/seed`,
    fileName: document.fileName,
    contentType: document.contentType,
    size: document.size,
    sha256: document.sha256,
    createdAt: now,
    createdBy: 'seed',
  };
  await vault.repository.commit({ ownerId, documents: [{ next: document }], versions: [version], audit: [] });
  return document;
}
