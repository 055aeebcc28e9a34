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
import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenRoleError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
} from '../../platform/core/errors.ts';
import { isOwnerId, type Principal, type RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import { accessActions } from '../../sharing/core/access-log.ts';
import { pullConsent } from '../../sharing/core/officer-access.ts';
import type { ShareStore } from '../../sharing/core/sharing-store.ts';
import { ensureImportedFolder, importedFolderName } from '../../vault/core/folders.ts';
import type { DocumentVersion, VaultDocument } from '../../vault/core/model.ts';
import { foldNumber } from '../../vault/core/search-text.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { VaultPolicy } from '../../vault/core/vault-policy.ts';
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
  repository: UnitOfWork & FolderStore & PullStore & Pick<ShareStore, 'listUnitConsents'>;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  policy: Pick<VaultPolicy, 'maxUploadBytes' | 'maxImagePixels' | 'maxPdfPages'>;
  warehouse: NationalWarehouse;
  dispatcher: PullDispatcher;
  retry: PullRetryPolicy;
}

export interface PullRequestInput {
  procedureCode: string;
  resultCodes?: { resultTypeCode: string; number?: string }[];
  /** An officer's pull: whose papers, and the case file the pull serves (with `procedureCode`, the purpose). */
  ownerId?: string;
  caseNumber?: string;
}

/** Whose vault a pull fills and, for an officer's pull, their unit, the case file and the consent. */
type PullTarget = Pick<Pull, 'ownerId' | 'officer'> & { unit?: string };

/** Citizens and organisations pull into their own vault, and nowhere else. */
function ownPullTarget(principal: Principal, input: PullRequestInput): PullTarget {
  if ((principal.role === 'citizen' || principal.role === 'organization') && principal.ownerId) {
    // Refused rather than ignored: a client sending them believes it pulls for someone else.
    if (input.ownerId !== undefined || input.caseNumber !== undefined) {
      throw new InvalidInputError('ownerId and caseNumber are for officers: you pull into your own vault');
    }
    return { ownerId: principal.ownerId };
  }
  throw new ForbiddenRoleError(
    "Only citizens and organisations pull their own papers, and officers an owner's papers with their consent",
  );
}

/**
 * An officer's pull into an owner's vault, allowed only by the owner's consent to the officer's
 * unit (see pullConsent). A refusal records nothing but its audit, in the owner's history and
 * access log with the purpose, and nothing reaches the portal.
 */
async function officerPullTarget(
  deps: PullDeps,
  context: RequestContext,
  input: PullRequestInput,
): Promise<PullTarget> {
  const { unit } = context.principal;
  if (!unit) throw new ForbiddenRoleError("Only an officer of a unit pulls an owner's papers");
  const { ownerId, caseNumber } = input;
  if (!ownerId || !isOwnerId(ownerId) || !caseNumber) {
    throw new InvalidInputError(
      'An officer names the owner (ownerId: a personal ID or an enterprise code) and the case file (caseNumber)',
    );
  }
  const consent = await pullConsent(deps, unit, ownerId);
  if (!consent) {
    await deps.repository.appendAudit(
      auditEntry(deps, context, {
        ownerId,
        action: accessActions.officerPullDenied,
        resourceType: 'vault',
        resourceId: ownerId,
        outcome: 'denied',
        detail: { procedureCode: input.procedureCode, caseNumber, unit, reason: 'no-consent' },
      }),
    );
    throw new PermissionDeniedError(
      `The owner has not consented to your unit pulling papers into "${importedFolderName}" of their vault`,
    );
  }
  return { ownerId, unit, officer: { caseNumber, consentId: consent.id } };
}

/** Records the pull, audits it in the owner's chain, and hands it to the worker. */
export async function requestPull(deps: PullDeps, context: RequestContext, input: PullRequestInput): Promise<Pull> {
  const { principal } = context;
  const { ownerId, officer, unit } =
    principal.role === 'officer' ? await officerPullTarget(deps, context, input) : ownPullTarget(principal, input);
  const now = deps.clock.now().toISOString();
  const pull: Pull = {
    id: deps.ids.newId(),
    ownerId,
    requester: {
      sub: principal.sub,
      role: principal.role,
      ...(principal.ownerId ? { ownerId: principal.ownerId } : {}),
      ...(unit ? { unit } : {}),
    },
    sourceIp: context.sourceIp,
    procedureCode: input.procedureCode,
    ...(officer ? { officer } : {}),
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
        action: officer ? accessActions.officerPull : 'national-warehouse.pull-request',
        resourceType: 'pull',
        resourceId: pull.id,
        detail: {
          procedureCode: pull.procedureCode,
          wanted: pull.wanted.length,
          ...(officer && unit ? { caseNumber: officer.caseNumber, unit, basis: `consent:${officer.consentId}` } : {}),
        },
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

  if (pull.officer && !(await pullConsent(deps, pull.requester.unit ?? '', pull.ownerId))) {
    await refuseEndedConsent(deps, context, pull, pull.officer);
    return;
  }
  // Tokens name no person: the requester's ID (an officer's account) stands in for `HoTenNguoiYeuCau`.
  const requesterId = pull.officer ? pull.requester.sub : (pull.requester.ownerId ?? pull.ownerId);

  let results: PulledResult[];
  try {
    results = (
      await withRetries(deps.retry, () =>
        deps.warehouse.pullResults({
          ownerId: pull.ownerId,
          channel: pull.officer ? 'officer' : 'citizen',
          requesterId,
          requesterName: requesterId,
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
      folderId ??= await ensureImportedFolder(deps, context, pull.ownerId);
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

/** The consent was revoked, expired or its folder trashed between the request and the run: nothing is pulled. */
async function refuseEndedConsent(
  deps: PullDeps,
  context: RequestContext,
  pull: Pull,
  officer: NonNullable<Pull['officer']>,
): Promise<void> {
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: pull.ownerId,
      action: accessActions.officerPullDenied,
      resourceType: 'pull',
      resourceId: pull.id,
      outcome: 'denied',
      detail: {
        procedureCode: pull.procedureCode,
        caseNumber: officer.caseNumber,
        unit: pull.requester.unit ?? '',
        reason: 'consent-ended',
      },
    }),
  );
  await finishPull(deps, pull, {
    state: 'failed',
    reason: "The owner's consent ended before the pull ran; nothing was pulled.",
  });
}

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
