import { auditEntry } from '../../audit/core/audit.ts';
import type { GivenResult, Upload } from '../../digitize/core/upload-model.ts';
import type { UploadStore } from '../../digitize/core/upload-store.ts';
import type { PresignedUpload } from '../../platform/core/blob-store.ts';
import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenRoleError,
  InvalidInputError,
  NotFoundError,
} from '../../platform/core/errors.ts';
import type { MachineScope, RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import { requireSealReady, SealNotConfiguredError } from '../../signing/core/seal-readiness.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { ensureVault, systemFolderId } from '../../vault/core/vault-provisioning.ts';
import type { DocumentStore, FolderStore } from '../../vault/core/vault-store.ts';
import { decideIntake, replacementProblem } from './intake-decision.ts';
import { integrationAuditOwner, type IssuedResult } from './result-model.ts';
import { pendingSyncRecord } from '../../sync/core/sync-record.ts';
import { identityOf, resultIdOf, validateResultRequest, type ResultRequest } from './result-request.ts';
import type { ResultStore } from './result-store.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface IntegrationDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'signing'> {
  repository: UnitOfWork & FolderStore & DocumentStore & UploadStore & ResultStore;
}

interface MachineCaller {
  clientId: string;
  unit: string;
}

/** Refuses (403, audited) anyone but a machine client holding `scope`. */
async function requireScope(
  deps: IntegrationDeps,
  context: RequestContext,
  scope: MachineScope,
  operation: string,
): Promise<MachineCaller> {
  const { principal } = context;
  if (principal.role === 'system' && principal.clientId && principal.unit && principal.scopes?.includes(scope)) {
    return { clientId: principal.clientId, unit: principal.unit };
  }
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: integrationAuditOwner,
      action: 'access.refused',
      resourceType: 'result',
      resourceId: principal.clientId ?? principal.sub,
      outcome: 'denied',
      detail: { operation, reason: principal.role === 'system' ? `missing-scope ${scope}` : `role ${principal.role}` },
    }),
  );
  throw new ForbiddenRoleError(
    principal.role === 'system' ? `This client lacks the ${scope} scope` : 'Only business systems use this route',
  );
}

/** A refused request of a machine client, audited with why, then thrown. */
async function refuse(
  deps: IntegrationDeps,
  context: RequestContext,
  operation: string,
  error: InvalidInputError | ConflictError,
  resultId?: string,
): Promise<never> {
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: integrationAuditOwner,
      action: 'result.refused',
      resourceType: 'result',
      resourceId: resultId ?? context.principal.clientId ?? context.principal.sub,
      outcome: 'denied',
      detail: { operation, reason: error.message.slice(0, 300) },
    }),
  );
  throw error;
}

/** The result's processing state as its client may see it: never the document's content. */
export interface ResultStatus {
  result: IssuedResult;
  upload: Upload | undefined;
}

export interface ResultReceipt extends ResultStatus {
  /** False when the same result (same identity and content) was filed before. */
  created: boolean;
  /** Present while the file has still to be posted. */
  presigned?: PresignedUpload;
}

/** What the workflow files for a result: its type, title, metadata and fields as given. */
function givenResult(result: IssuedResult): GivenResult {
  const fields: Record<string, string> = {
    ...result.fields,
    number: result.number,
    issuer: result.issuerName ?? result.issuerCode ?? result.issuer,
    issueDate: result.issueDate,
    procedureCode: result.procedureCode,
    caseNumber: result.caseNumber,
    ...(result.issuerCode ? { issuerCode: result.issuerCode } : {}),
    ...(result.expiryDate ? { expiryDate: result.expiryDate } : {}),
    ...(result.summary ? { summary: result.summary } : {}),
  };
  return {
    resultId: result.id,
    sha256: result.sha256,
    recognition: { type: result.resultType, title: `${result.resultType} ${result.number}`, fields, confidence: 1 },
  };
}

const extensions: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
};

async function presign(deps: IntegrationDeps, upload: Upload): Promise<PresignedUpload> {
  return deps.blobs.presignUpload({
    key: upload.blobKey,
    contentType: upload.contentType,
    minBytes: upload.declaredSize,
    maxBytes: upload.declaredSize,
    expiresInSeconds: deps.policy.uploadUrlTtlSeconds,
  });
}

/** The same result again: its status, and a fresh POST if its file never arrived. */
async function repeat(deps: IntegrationDeps, result: IssuedResult): Promise<ResultReceipt> {
  const upload = await deps.repository.getUpload(result.uploadId);
  if (upload?.status !== 'PENDING_UPLOAD') return { result, upload, created: false };
  const expiresAt = new Date(deps.clock.now().getTime() + deps.policy.uploadUrlTtlSeconds * 1000).toISOString();
  const renewed: Upload = { ...upload, expiresAt, updatedAt: deps.clock.now().toISOString() };
  const presigned = await presign(deps, renewed);
  try {
    await deps.repository.commit({
      ownerId: upload.ownerId,
      uploads: [{ next: renewed, previous: upload }],
      audit: [],
    });
  } catch (error) {
    // A concurrent repeat renewed it first; its expiry is as good as ours.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
  return { result, upload: renewed, created: false, presigned };
}

/**
 * A business system files a finished procedure's result. The result record, whose key is
 * derived from the identity, is created in the same transaction as the upload and its
 * audit, conditionally: of a burst of identical requests exactly one files, and the others
 * find its record and answer it again.
 */
export async function fileResult(
  deps: IntegrationDeps,
  context: RequestContext,
  request: ResultRequest,
): Promise<ResultReceipt> {
  const caller = await requireScope(deps, context, 'results:write', 'fileResult');
  let valid: ResultRequest;
  try {
    valid = validateResultRequest(request, deps.policy);
  } catch (error) {
    if (error instanceof InvalidInputError) return refuse(deps, context, 'fileResult', error);
    throw error;
  }
  // Results are sealed (only the file can show it is already signed), so a stage that cannot
  // seal refuses them now, with what an administrator must do, rather than fail them at Seal.
  try {
    await requireSealReady(deps.signing.settings, deps.clock.now());
  } catch (error) {
    if (error instanceof SealNotConfiguredError) return refuse(deps, context, 'fileResult', error);
    throw error;
  }
  const identity = identityOf(valid);
  const resultId = resultIdOf(identity);
  for (let attempt = 1; ; attempt += 1) {
    const existing = await deps.repository.getResult(resultId);
    const upload = existing && (await deps.repository.getUpload(existing.uploadId));
    const decision = decideIntake(
      existing,
      { clientId: caller.clientId, sha256: valid.file.sha256 },
      upload?.status === 'FAILED',
    );
    if (decision.kind === 'repeat') return repeat(deps, decision.result);
    if (decision.kind === 'conflict') {
      return refuse(deps, context, 'fileResult', new ConflictError('conflict', decision.reason), resultId);
    }
    try {
      return await createResult(deps, context, caller, valid, {
        resultId,
        ...(decision.kind === 'retry' ? { failed: decision.failed } : {}),
      });
    } catch (error) {
      // Another request with this identity committed first: decide again on what it wrote.
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
    }
  }
}

/**
 * Registers the result and its upload in one conditional commit: created when the identity
 * is new, or replacing a result whose file failed (as it was read), so racing requests
 * cannot both win.
 */
async function createResult(
  deps: IntegrationDeps,
  context: RequestContext,
  caller: MachineCaller,
  valid: ResultRequest,
  target: { resultId: string; failed?: IssuedResult },
): Promise<ResultReceipt> {
  const { resultId } = target;
  let targetDocumentId: string | undefined;
  let replaced: IssuedResult | undefined;
  if (valid.replaces) {
    replaced = await deps.repository.getResult(valid.replaces);
    const problem = replacementProblem(replaced, { id: resultId, ownerId: valid.ownerId });
    if (problem || !replaced)
      return refuse(deps, context, 'fileResult', new InvalidInputError(problem ?? ''), resultId);
    const document = await deps.repository.getDocument(replaced.ownerId, replaced.documentId);
    if (!document || document.trashedAt) {
      return refuse(
        deps,
        context,
        'fileResult',
        new ConflictError('conflict', 'The result it replaces is not filed (yet); try again once it is'),
        resultId,
      );
    }
    targetDocumentId = document.id;
  }
  await ensureVault(deps, context, valid.ownerId);
  const uploadId = deps.ids.newId();
  const now = deps.clock.now();
  const result: IssuedResult = {
    id: resultId,
    ...identityOf(valid),
    ...(valid.issuer.code ? { issuerCode: valid.issuer.code } : {}),
    ...(valid.issuer.name ? { issuerName: valid.issuer.name } : {}),
    procedureCode: valid.procedureCode,
    caseNumber: valid.caseNumber,
    issueDate: valid.issueDate,
    ...(valid.expiryDate ? { expiryDate: valid.expiryDate } : {}),
    ...(valid.summary ? { summary: valid.summary } : {}),
    number: valid.number,
    fields: valid.fields ?? {},
    contentType: valid.file.contentType,
    size: valid.file.size,
    sha256: valid.file.sha256,
    clientId: caller.clientId,
    unit: caller.unit,
    uploadId,
    // A new document takes its upload's id (fileUpload); a replacement adds a version to the old one.
    documentId: targetDocumentId ?? uploadId,
    ...(valid.replaces ? { replaces: valid.replaces } : {}),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const upload: Upload = {
    id: uploadId,
    ownerId: valid.ownerId,
    createdBy: context.principal.sub,
    createdByRole: 'system',
    createdByUnit: caller.unit,
    requestedFromIp: context.sourceIp,
    ...(targetDocumentId ? { targetDocumentId } : {}),
    folderId: systemFolderId('results'),
    source: 'issued',
    fileName: `${result.resultType}.${extensions[result.contentType] ?? 'bin'}`,
    contentType: result.contentType,
    declaredSize: result.size,
    blobKey: objectKeys.incoming(uploadId),
    status: 'PENDING_UPLOAD',
    given: givenResult(result),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.policy.uploadUrlTtlSeconds * 1000).toISOString(),
  };
  const presigned = await presign(deps, upload);
  await deps.repository.commit({
    ownerId: valid.ownerId,
    results: [
      target.failed ? { next: result, previous: target.failed } : { next: result },
      // The replaced result points to its successor, so it can no longer be revoked on its own.
      ...(replaced && replaced.replacedBy !== resultId
        ? [{ next: { ...replaced, replacedBy: resultId, updatedAt: now.toISOString() }, previous: replaced }]
        : []),
    ],
    uploads: [{ next: upload }],
    audit: [
      auditEntry(deps, context, {
        ownerId: valid.ownerId,
        action: valid.replaces ? 'result.replace' : 'result.receive',
        resourceType: targetDocumentId ? 'document' : 'upload',
        resourceId: targetDocumentId ?? uploadId,
        detail: {
          resultId,
          uploadId,
          clientId: caller.clientId,
          resultType: result.resultType,
          procedureCode: result.procedureCode,
          caseNumber: result.caseNumber,
          ...(valid.replaces ? { replaces: valid.replaces } : {}),
        },
      }),
    ],
  });
  return { result, upload, created: true, presigned };
}

/** The caller's own result, or a 404 audited as a refused look-up (another client's id looks like none). */
async function ownResult(
  deps: IntegrationDeps,
  context: RequestContext,
  caller: MachineCaller,
  resultId: string,
  operation: string,
): Promise<IssuedResult> {
  const result = await deps.repository.getResult(resultId);
  if (result && result.clientId === caller.clientId) return result;
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: integrationAuditOwner,
      action: 'access.refused',
      resourceType: 'result',
      resourceId: resultId,
      outcome: 'denied',
      detail: { operation, clientId: caller.clientId, reason: 'not-found' },
    }),
  );
  throw new NotFoundError('Result');
}

/** A machine client reads the processing state of one of its own results (`results:read`). */
export async function getResultStatus(
  deps: IntegrationDeps,
  context: RequestContext,
  resultId: string,
): Promise<ResultStatus> {
  const caller = await requireScope(deps, context, 'results:read', 'getResult');
  const result = await ownResult(deps, context, caller, resultId, 'getResult');
  return { result, upload: await deps.repository.getUpload(result.uploadId) };
}

/**
 * The client that filed a result revokes it: the result and its document are marked
 * revoked (the owner sees it on the document and in its verification), nothing is deleted.
 * Revoking again changes nothing.
 */
export async function revokeResult(
  deps: IntegrationDeps,
  context: RequestContext,
  resultId: string,
  reason: string,
): Promise<ResultStatus> {
  const caller = await requireScope(deps, context, 'results:write', 'revokeResult');
  await ownResult(deps, context, caller, resultId, 'revokeResult');
  const cleanReason = reason.normalize('NFC').trim();
  if (cleanReason.length === 0 || /[\p{Cc}\p{Cf}]/u.test(cleanReason)) {
    return refuse(deps, context, 'revokeResult', new InvalidInputError('reason must be plain text'), resultId);
  }
  // A version filed meanwhile changes the document: read both again and retry.
  return retryOnConcurrentUpdate(() => markRevoked(deps, context, caller, resultId, cleanReason));
}

async function markRevoked(
  deps: IntegrationDeps,
  context: RequestContext,
  caller: MachineCaller,
  resultId: string,
  cleanReason: string,
): Promise<ResultStatus> {
  const result = await deps.repository.getResult(resultId);
  if (!result) throw new NotFoundError('Result');
  const upload = await deps.repository.getUpload(result.uploadId);
  if (result.revokedAt) return { result, upload };
  if (result.replacedBy) {
    return refuse(
      deps,
      context,
      'revokeResult',
      new ConflictError('conflict', `This result was replaced by ${result.replacedBy}; revoke that one`),
      resultId,
    );
  }
  const document = await deps.repository.getDocument(result.ownerId, result.documentId);
  if (!document || upload?.status !== 'DONE') {
    return refuse(
      deps,
      context,
      'revokeResult',
      new ConflictError('conflict', 'The result is not filed yet; revoke it once it is'),
      resultId,
    );
  }
  const now = deps.clock.now().toISOString();
  const revoked: IssuedResult = { ...result, revokedAt: now, revocationReason: cleanReason, updatedAt: now };
  await deps.repository.commit({
    ownerId: result.ownerId,
    results: [{ next: revoked, previous: result }],
    documents: [
      {
        next: { ...document, revoked: { at: now, reason: cleanReason, by: caller.unit, resultId }, updatedAt: now },
        previous: document,
      },
    ],
    // The outbox: the portal is told of the revocation in the same commit.
    syncRecords: [pendingSyncRecord('document.revoked', document, document.currentVersion, now)],
    audit: [
      auditEntry(deps, context, {
        ownerId: result.ownerId,
        action: 'document.revoke',
        resourceType: 'document',
        resourceId: document.id,
        detail: { resultId, clientId: caller.clientId, reason: cleanReason.slice(0, 300) },
      }),
    ],
  });
  return { result: revoked, upload };
}
