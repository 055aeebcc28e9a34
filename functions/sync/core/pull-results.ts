/**
 * Pulling an owner's papers from the national warehouse (`GetKetQuaGiayTo`, then `GetGiayToByUrl`
 * per file) into the vault's "from the national warehouse" folder. The request only records the
 * pull and hands it to a worker, so the API never waits on the portal; the worker files each file
 * once, whatever reruns it: the file's outcome record is created in the same transaction as the
 * document, and content already imported is claimed by its hash in that transaction too.
 *
 * Imported papers keep the portal's bytes as they came: they are never sealed with our seal.
 */
import { createHash } from 'node:crypto';
import { auditEntry } from '../../audit/core/audit.ts';
import { inspectScan, type ScanContentType } from '../../digitize/core/scan-validation.ts';
import type { BlobStore } from '../../platform/core/blob-store.ts';
import { ConcurrentUpdateError, ConflictError, ForbiddenRoleError, NotFoundError } from '../../platform/core/errors.ts';
import type { Principal, RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import { withoutTrash } from '../../vault/core/folders.ts';
import type { DocumentVersion, Folder, VaultDocument } from '../../vault/core/model.ts';
import { foldNumber } from '../../vault/core/search-text.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { VaultPolicy } from '../../vault/core/vault-policy.ts';
import { ensureVault, systemFolderId } from '../../vault/core/vault-provisioning.ts';
import type { FolderStore } from '../../vault/core/vault-store.ts';
import {
  NationalWarehouseError,
  isRetryableWarehouseFailure,
  type NationalWarehouse,
  type PulledResult,
} from './national-warehouse.ts';
import type { Pull, PullFile, PullFileOutcome } from './pull-model.ts';
import type { PullStore } from './pull-store.ts';

/** Starts the worker for a recorded pull without waiting for it (a message on the pulls queue). */
export interface PullDispatcher {
  dispatch(pullId: string): Promise<void>;
}

/** How often, and how far apart, the worker retries a portal call that failed in a retryable way. */
export interface PullRetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const defaultPullRetryPolicy: PullRetryPolicy = { attempts: 3, baseDelayMs: 500 };

export interface PullDeps {
  repository: UnitOfWork & FolderStore & PullStore;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  policy: Pick<VaultPolicy, 'maxUploadBytes' | 'maxImagePixels' | 'maxPdfPages'>;
  warehouse: NationalWarehouse;
  dispatcher: PullDispatcher;
  retry: PullRetryPolicy;
}

/** The folder imported papers are filed in, named as citizens know it. */
export const importedFolderName = 'Từ kho dữ liệu quốc gia';

export interface PullRequestInput {
  procedureCode: string;
  resultCodes?: { resultTypeCode: string; number?: string }[];
}

/** Only an owner pulls for themself: an officer's pull within a procedure is not built yet. */
function requesterVault(principal: Principal): string {
  if ((principal.role === 'citizen' || principal.role === 'organization') && principal.ownerId) {
    return principal.ownerId;
  }
  throw new ForbiddenRoleError('Only citizens and organisations may pull their own papers from the national warehouse');
}

/** Records the pull, audits it in the owner's chain, and hands it to the worker. */
export async function requestPull(deps: PullDeps, context: RequestContext, input: PullRequestInput): Promise<Pull> {
  const ownerId = requesterVault(context.principal);
  const now = deps.clock.now().toISOString();
  const pull: Pull = {
    id: deps.ids.newId(),
    ownerId,
    requester: {
      sub: context.principal.sub,
      role: context.principal.role,
      ...(context.principal.ownerId ? { ownerId: context.principal.ownerId } : {}),
    },
    sourceIp: context.sourceIp,
    procedureCode: input.procedureCode,
    wanted: input.resultCodes ?? [],
    state: 'running',
    createdAt: now,
    updatedAt: now,
  };
  await deps.repository.commit({
    ownerId,
    pulls: [{ next: pull }],
    audit: [
      auditEntry(deps, context, {
        ownerId,
        action: 'national-warehouse.pull-request',
        resourceType: 'pull',
        resourceId: pull.id,
        detail: { procedureCode: pull.procedureCode, wanted: pull.wanted.length },
      }),
    ],
  });
  try {
    await deps.dispatcher.dispatch(pull.id);
  } catch {
    return finishPull(deps, pull, { state: 'failed', reason: 'The pull could not be started; please try again.' });
  }
  return pull;
}

export interface PullReport {
  pull: Pull;
  files: PullFile[];
}

/** A pull and its files, for the one who asked and the owner; to anyone else it does not exist. */
export async function getPull(deps: PullDeps, context: RequestContext, pullId: string): Promise<PullReport> {
  const pull = await deps.repository.getPull(pullId);
  const { principal } = context;
  const mine =
    pull && (pull.requester.sub === principal.sub || (principal.ownerId && pull.ownerId === principal.ownerId));
  if (!pull || !mine) throw new NotFoundError('Pull');
  return { pull, files: await deps.repository.listPullFiles(pullId) };
}

/**
 * The worker: asks the portal, then fetches, checks and files each file not yet settled.
 * Safe to run again or twice at once for the same pull: every file is settled exactly once.
 */
export async function runPull(deps: PullDeps, pullId: string): Promise<void> {
  const pull = await deps.repository.getPull(pullId);
  if (!pull || pull.state !== 'running') return;
  const context: RequestContext = {
    principal: { ...pull.requester, role: pull.requester.role as Principal['role'] },
    sourceIp: pull.sourceIp,
    requestId: `pull-${pull.id}`,
  };

  let results: PulledResult[];
  try {
    results = (
      await withRetries(deps.retry, () =>
        deps.warehouse.pullResults({
          ownerId: pull.ownerId,
          channel: 'citizen',
          requesterId: pull.requester.ownerId ?? pull.ownerId,
          // The token names no person; the requester's ID stands in for `HoTenNguoiYeuCau`.
          requesterName: pull.requester.ownerId ?? pull.ownerId,
          procedureCode: pull.procedureCode,
          wanted: pull.wanted,
        }),
      )
    ).results;
  } catch (error) {
    await finishPull(deps, pull, { state: 'failed', reason: portalFailureReason(error, 'list the papers') });
    return;
  }

  const files = results.flatMap((result) => result.files.map((file) => ({ result, file })));
  const settled = new Set((await deps.repository.listPullFiles(pull.id)).map((file) => file.index));
  const vault = await knownPapers(deps, pull.ownerId);
  let folderId: string | undefined;

  for (const [index, { result, file }] of files.entries()) {
    if (settled.has(index)) continue;
    const base = {
      pullId: pull.id,
      index,
      resultTypeCode: result.resultTypeCode,
      number: result.number,
      issuingBody: result.issuingBody,
      name: result.name,
      fileName: file.name,
    };
    const alreadyFiled = vault.byIdentity.get(identityOf(result));
    if (alreadyFiled) {
      await settle(deps, context, pull, {
        ...base,
        at: now(deps),
        outcome: 'already-in-vault',
        documentId: alreadyFiled,
      });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await withRetries(deps.retry, () =>
        deps.warehouse.getFile({ issuingBody: result.issuingBody, path: file.path }),
      );
    } catch (error) {
      const reason = portalFailureReason(error, 'download this file');
      await settle(deps, context, pull, { ...base, at: now(deps), outcome: 'failed', reason });
      continue;
    }
    const checked = await checkFile(deps, file.name, bytes);
    if ('reason' in checked) {
      await settle(deps, context, pull, { ...base, at: now(deps), outcome: 'rejected', reason: checked.reason });
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sameContent = vault.bySha256.get(sha256) ?? (await deps.repository.getImportClaim(pull.ownerId, sha256));
    if (sameContent) {
      const documentId = typeof sameContent === 'string' ? sameContent : sameContent.documentId;
      await settle(deps, context, pull, { ...base, at: now(deps), outcome: 'already-in-vault', documentId });
      continue;
    }
    try {
      folderId ??= await importedFolder(deps, context, pull.ownerId);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      await finishPull(deps, pull, {
        state: 'failed',
        reason: `A folder named "${importedFolderName}" of your own is in the way; rename it and pull again.`,
      });
      return;
    }
    await fileImport(deps, context, pull, {
      ...base,
      folderId,
      result,
      bytes,
      sha256,
      contentType: checked.contentType,
    });
    vault.bySha256.set(sha256, documentIdFor(pull.id, index));
  }
  await finishPull(deps, pull, { state: 'done', fileCount: files.length });
}

const now = (deps: { clock: Clock }) => deps.clock.now().toISOString();

/** Retries a portal call while its failure is retryable, backing off exponentially with jitter. */
async function withRetries<T>(policy: PullRetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableWarehouseFailure(error) || attempt >= policy.attempts) throw error;
      const delay = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function portalFailureReason(error: unknown, what: string): string {
  if (!(error instanceof NationalWarehouseError)) throw error;
  const after = error.retryable ? ' after several attempts' : '';
  const detail = error.failure === 'business-error' ? `: ${error.message}` : ` (${error.failure})`;
  return `The national warehouse could not ${what}${after}${detail}.`;
}

/** A paper's identity at the portal: result type, number (folded as the vault folds numbers), issuing body. */
function identityOf(paper: { resultTypeCode: string; number: string; issuingBody: string }): string {
  return [paper.resultTypeCode, foldNumber(paper.number), paper.issuingBody.normalize('NFC').toLowerCase()].join(
    '\u0000',
  );
}

/** What the owner's vault held when the run started: the same paper or the same content is not filed again. */
async function knownPapers(deps: PullDeps, ownerId: string) {
  const byIdentity = new Map<string, string>();
  const bySha256 = new Map<string, string>();
  for (const document of await deps.repository.listOwnerDocuments(ownerId)) {
    bySha256.set(document.sha256, document.id);
    if (document.type && document.number && document.issuer) {
      const identity = identityOf({
        resultTypeCode: document.type,
        number: document.number,
        issuingBody: document.issuer,
      });
      byIdentity.set(identity, document.id);
    }
  }
  return { byIdentity, bySha256 };
}

const typesByExtension: Record<string, ScanContentType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

/** The checks an upload gets: the size limit, then the type the name claims against the bytes, and the structure. */
async function checkFile(
  deps: PullDeps,
  fileName: string,
  bytes: Uint8Array,
): Promise<{ contentType: ScanContentType } | { reason: string }> {
  if (bytes.byteLength > deps.policy.maxUploadBytes) {
    return { reason: `The file is larger than the ${deps.policy.maxUploadBytes}-byte limit.` };
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const declared = extension ? typesByExtension[extension] : undefined;
  if (!declared) return { reason: 'Only PDF, JPEG, PNG and TIFF files are accepted.' };
  const inspection = await inspectScan(bytes, declared, {
    maxPixels: deps.policy.maxImagePixels,
    maxPages: deps.policy.maxPdfPages,
  });
  return inspection.ok ? { contentType: inspection.contentType } : { reason: inspection.detail };
}

/** The imported-papers folder, created on the first import (a vault that never pulled does not show it). */
async function importedFolder(deps: PullDeps, context: RequestContext, ownerId: string): Promise<string> {
  await ensureVault(deps, context, ownerId);
  const id = systemFolderId('imported');
  for (let attempt = 1; ; attempt += 1) {
    const existing = await deps.repository.getFolder(ownerId, id);
    if (existing && !existing.trashedAt) return id;
    const at = now(deps);
    const next: Folder = existing
      ? { ...withoutTrash(existing), updatedAt: at }
      : { id, ownerId, name: importedFolderName, parentId: null, system: 'imported', createdAt: at, updatedAt: at };
    try {
      await deps.repository.commit({
        ownerId,
        folders: [existing ? { next, previous: existing } : { next }],
        audit: [
          auditEntry(deps, context, {
            ownerId,
            action: existing ? 'folder.restore' : 'folder.create',
            resourceType: 'folder',
            resourceId: id,
          }),
        ],
      });
      return id;
    } catch (error) {
      // A concurrent pull created or restored it first.
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
    }
  }
}

/** Deterministic per pull file: a rerun that lost the race writes the same object and is refused the document. */
function documentIdFor(pullId: string, index: number): string {
  return createHash('sha256').update(`${pullId}/${index}`).digest('hex').slice(0, 32);
}

async function fileImport(
  deps: PullDeps,
  context: RequestContext,
  pull: Pull,
  file: Omit<PullFile, 'at' | keyof PullFileOutcome | 'outcome'> & {
    folderId: string;
    result: PulledResult;
    bytes: Uint8Array;
    sha256: string;
    contentType: ScanContentType;
  },
): Promise<void> {
  const { folderId, result, bytes, sha256, contentType, ...base } = file;
  const documentId = documentIdFor(pull.id, base.index);
  const at = now(deps);
  const blobKey = objectKeys.documentBlob(pull.ownerId, documentId, `import-${base.index}`);
  await deps.blobs.write(blobKey, bytes, contentType);
  const document: VaultDocument = {
    id: documentId,
    ownerId: pull.ownerId,
    folderId,
    source: 'imported',
    title: result.name,
    type: result.resultTypeCode,
    number: result.number,
    issuer: result.issuingBody,
    fileName: base.fileName,
    contentType,
    size: bytes.byteLength,
    sha256,
    currentVersion: 1,
    versionCount: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: pull.requester.sub,
  };
  const version: DocumentVersion = {
    documentId,
    ownerId: pull.ownerId,
    number: 1,
    blobKey,
    fileName: base.fileName,
    contentType,
    size: bytes.byteLength,
    sha256,
    createdAt: at,
    createdBy: pull.requester.sub,
  };
  try {
    await deps.repository.commit({
      ownerId: pull.ownerId,
      documents: [{ next: document }],
      versions: [version],
      pullFiles: [{ ...base, at, outcome: 'filed', documentId }],
      importClaims: [{ ownerId: pull.ownerId, sha256, documentId }],
      audit: [
        auditEntry(deps, context, {
          ownerId: pull.ownerId,
          action: 'document.import',
          resourceType: 'document',
          resourceId: documentId,
          detail: {
            pullId: pull.id,
            resultTypeCode: result.resultTypeCode,
            number: result.number,
            issuingBody: result.issuingBody,
          },
        }),
      ],
    });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    // Another run settled this file, or another pull imported the same content first.
    if ((await deps.repository.listPullFiles(pull.id)).some((settled) => settled.index === base.index)) return;
    const claim = await deps.repository.getImportClaim(pull.ownerId, sha256);
    if (!claim) throw error;
    await settle(deps, context, pull, { ...base, at, outcome: 'already-in-vault', documentId: claim.documentId });
  }
}

/** Records a file's outcome without filing anything; a rerun that settled it first wins. */
async function settle(deps: PullDeps, context: RequestContext, pull: Pull, file: PullFile): Promise<void> {
  try {
    await deps.repository.commit({
      ownerId: pull.ownerId,
      pullFiles: [file],
      audit:
        file.outcome === 'already-in-vault'
          ? []
          : [
              auditEntry(deps, context, {
                ownerId: pull.ownerId,
                action: 'document.import',
                resourceType: 'pull',
                resourceId: pull.id,
                outcome: 'failed',
                detail: { index: file.index, outcome: file.outcome, resultTypeCode: file.resultTypeCode },
              }),
            ],
    });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
}

async function finishPull(
  deps: PullDeps,
  pull: Pull,
  end: { state: 'done'; fileCount: number } | { state: 'failed'; reason: string },
): Promise<Pull> {
  const next: Pull = { ...pull, ...end, updatedAt: now(deps) };
  try {
    await deps.repository.commit({ ownerId: pull.ownerId, pulls: [{ next, previous: pull }], audit: [] });
  } catch (error) {
    // Another run of the same pull finished it first.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
  return next;
}

/** The last receive's last resort (pull-delivery.ts): a pull still running is failed, its settled files kept. */
export async function abandonPull(deps: PullDeps, pullId: string): Promise<void> {
  const pull = await deps.repository.getPull(pullId);
  if (!pull || pull.state !== 'running') return;
  await finishPull(deps, pull, {
    state: 'failed',
    reason: 'The pull stopped before it could finish; the files listed were settled, please pull again for the rest.',
  });
}
