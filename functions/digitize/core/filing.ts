import { createHash } from 'node:crypto';
import { objectKeys } from '../../platform/storage/schema.ts';
import { auditEntry, workflowContext } from '../../audit/core/audit.ts';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { Recognition, Upload, WorkflowStep } from './upload-model.ts';
import type { DocumentSignature } from '../../signing/core/signature-model.ts';
import type { DocumentVersion, VaultDocument } from '../../vault/core/model.ts';
import { roles, type RequestContext } from '../../auth/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import { inspectScan } from './scan-validation.ts';
import { describeCertificate } from '../../pdf-pki/certificates.ts';
import { fromBase64 } from '../../pdf-pki/encoding.ts';
import type { SealedUpload } from '../../signing/core/sealing.ts';
import { detachedSignatureKey } from '../../signing/core/signatures.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { FolderStore, DocumentStore } from '../../vault/core/vault-store.ts';
import type { UploadStore } from './upload-store.ts';
import { uploadIdFromKey } from './uploads.ts';
import { systemFolderId } from '../../vault/core/vault-provisioning.ts';
import { withCurrentVersion } from '../../vault/core/versions.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface FilingDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'workflow'> {
  repository: UnitOfWork & FolderStore & DocumentStore & UploadStore;
}

/**
 * The object does not qualify to be filed. The workflow does not retry it: it fails the
 * upload with the reason, which is safe to show to the officer or citizen.
 */
export class UploadRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UploadRejected';
  }
}

/** The upload record is missing or not in a state this step can act on. */
export class UploadStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadStateError';
  }
}

export interface ValidatedUpload {
  uploadId: string;
  sha256: string;
  size: number;
  pageCount: number;
  /** 1..pageCount, for the workflow's per-page Map. */
  pages: number[];
}

/** Filing is the uploader's act, carried out by the workflow: the audit names the uploader. */
export function uploaderContext(upload: Upload): RequestContext {
  const role = roles.find((candidate) => candidate === upload.createdByRole) ?? 'citizen';
  const ownUpload = role === 'citizen' || role === 'organization';
  return {
    principal: {
      sub: upload.createdBy,
      role,
      ...(ownUpload ? { ownerId: upload.ownerId } : {}),
      ...(upload.createdByUnit ? { unit: upload.createdByUnit } : {}),
    },
    sourceIp: upload.requestedFromIp,
    requestId: `upload:${upload.id}`,
  };
}

export async function loadUpload(deps: { repository: UploadStore }, uploadId: string): Promise<Upload> {
  const upload = await deps.repository.getUpload(uploadId);
  if (!upload) throw new UploadStateError(`upload ${uploadId} does not exist`);
  return upload;
}

export async function recordStep(
  deps: Pick<FilingDeps, 'clock'> & { repository: UnitOfWork },
  upload: Upload,
  step: WorkflowStep,
): Promise<Upload> {
  if (upload.status !== 'PROCESSING' || upload.step === step) return upload;
  const next: Upload = { ...upload, step, updatedAt: deps.clock.now().toISOString() };
  await deps.repository.commit({ ownerId: upload.ownerId, uploads: [{ next, previous: upload }], audit: [] });
  return next;
}

/**
 * An object arrived for an upload (S3 event). Marks the upload PROCESSING and starts the
 * workflow. Duplicate events are harmless: the status change is conditional and the
 * execution is named after the upload.
 */
export async function acceptUploadedObject(
  deps: FilingDeps,
  object: { key: string; size: number },
): Promise<{ uploadId: string; started: boolean } | undefined> {
  const uploadId = uploadIdFromKey(object.key);
  const upload = uploadId ? await deps.repository.getUpload(uploadId) : undefined;
  if (!uploadId || !upload) return undefined;
  if (upload.status === 'PENDING_UPLOAD') {
    const next: Upload = { ...upload, status: 'PROCESSING', step: 'validate', updatedAt: deps.clock.now().toISOString() };
    try {
      await deps.repository.commit({ ownerId: upload.ownerId, uploads: [{ next, previous: upload }], audit: [] });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  } else if (upload.status !== 'PROCESSING') {
    // A presigned POST stays usable until it expires (S3 cannot make it single-use): bytes
    // posted again after the upload finished are never filed, so they are not kept either.
    await deps.blobs.delete(object.key);
    return { uploadId, started: false };
  }
  const { alreadyStarted } = await deps.workflow.startDigitization({ uploadId });
  return { uploadId, started: !alreadyStarted };
}

/** Workflow step: the stored object must be what the upload declared, and safe to process. */
export async function validateUpload(deps: FilingDeps, input: { uploadId: string }): Promise<ValidatedUpload> {
  const upload = await recordStep(deps, await loadUpload(deps, input.uploadId), 'validate');
  if (upload.status === 'DONE' || upload.status === 'FAILED') throw new UploadStateError(`upload ${upload.id} is ${upload.status}`);
  const head = await deps.blobs.head(upload.blobKey);
  if (!head) throw new UploadRejectedError('The uploaded file is missing');
  if (head.size !== upload.declaredSize || head.size > deps.policy.maxUploadBytes) {
    throw new UploadRejectedError('The uploaded file does not have the declared size');
  }
  const bytes = await deps.blobs.read(upload.blobKey);
  const inspection = await inspectScan(bytes, upload.contentType, {
    maxPixels: deps.policy.maxImagePixels, maxPages: deps.policy.maxPdfPages,
  });
  if (!inspection.ok) throw new UploadRejectedError(inspection.detail);
  return {
    uploadId: upload.id,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    pageCount: inspection.pageCount,
    pages: Array.from({ length: inspection.pageCount }, (_, index) => index + 1),
  };
}

/** Metadata a recognised document type carries in its fields (DESIGN.md field names). */
const metadataFields = ['number', 'issueDate', 'expiryDate', 'issuer', 'summary'] as const;

/** The document with the recognised type and fields; the fields that are metadata fill it in too. */
function withRecognition(document: VaultDocument, recognition: Recognition): VaultDocument {
  const next: VaultDocument = { ...document, fields: { ...recognition.fields } };
  if (recognition.type) next.type = recognition.type;
  for (const field of metadataFields) {
    const value = recognition.fields[field];
    if (typeof value === 'string' && value.length > 0) next[field] = value;
  }
  return next;
}

export interface FiledUpload {
  uploadId: string;
  documentId: string;
  versionNumber: number;
}

/** The agency seal's record in the signing history of the filed version. */
function sealRecord(upload: Upload, sealed: SealedUpload, documentId: string, versionNumber: number): DocumentSignature {
  const [leaf] = sealed.certificateChain;
  return {
    id: sealed.signatureId, ownerId: upload.ownerId, documentId, provider: 'agency-seal', format: sealed.format,
    status: 'completed', versionNumber,
    ...(sealed.format === 'pades'
      ? { signedVersionNumber: versionNumber }
      : { signatureBlobKey: detachedSignatureKey(upload.ownerId, documentId, sealed.signatureId) }),
    requestedBy: { sub: upload.createdBy, role: upload.createdByRole, ...(upload.createdByUnit ? { unit: upload.createdByUnit } : {}) },
    requestedAt: sealed.signedAt, completedAt: sealed.signedAt, expiresAt: sealed.signedAt,
    digestAlgorithm: 'SHA-256', contentDigest: sealed.contentDigest, signedAttributesDigest: sealed.signedAttributesDigest,
    ...(leaf ? { certificate: describeCertificate(fromBase64(leaf)) } : {}),
    certificateChain: sealed.certificateChain,
  };
}

/**
 * Workflow step: files the validated object in the owner's vault. Document (or new
 * version), version, seal record, upload status and audit are written in one commit, so a
 * retried or duplicated step either finds the upload DONE or files it exactly once. A
 * sealed PDF is filed instead of the scan; a detached seal is kept beside it.
 */
export async function fileUpload(
  deps: FilingDeps,
  input: ValidatedUpload & { recognition?: Recognition; sealed?: SealedUpload },
): Promise<FiledUpload> {
  const { recognition, sealed } = input;
  const filed = await retryOnConcurrentUpdate(async () => {
    let upload = await loadUpload(deps, input.uploadId);
    if (upload.status === 'DONE' && upload.documentId && upload.versionNumber) {
      return { uploadId: upload.id, documentId: upload.documentId, versionNumber: upload.versionNumber };
    }
    if (upload.status !== 'PROCESSING') throw new UploadStateError(`upload ${upload.id} is ${upload.status}`);
    upload = await recordStep(deps, upload, 'file');
    const { reviewTaskToken: _token, proposed: _proposed, ...finished } = upload;
    const target = upload.targetDocumentId ? await deps.repository.getDocument(upload.ownerId, upload.targetDocumentId) : undefined;
    if (upload.targetDocumentId && (!target || target.trashedAt)) {
      throw new UploadRejectedError('The document this version belongs to no longer exists');
    }
    const documentId = target?.id ?? upload.id;
    // The chosen folder may have been deleted while the scan was processed: file into the default folder then.
    const home = target ? undefined : await deps.repository.getFolder(upload.ownerId, upload.folderId);
    const folderId = !target && (!home || home.trashedAt) ? systemFolderId(upload.source === 'issued' ? 'results' : 'self') : upload.folderId;
    const versionNumber = (target?.versionCount ?? 0) + 1;
    const blobKey = objectKeys.documentBlob(upload.ownerId, documentId, upload.id);
    const sealedPdf = sealed?.format === 'pades';
    await deps.blobs.copy(sealedPdf ? sealed.blobKey : upload.blobKey, blobKey);
    if (sealed && !sealedPdf) await deps.blobs.copy(sealed.blobKey, detachedSignatureKey(upload.ownerId, documentId, sealed.signatureId));
    const [size, sha256] = sealedPdf ? [sealed.size, sealed.sha256] : [input.size, input.sha256];
    const now = deps.clock.now().toISOString();
    const version: DocumentVersion = {
      documentId, ownerId: upload.ownerId, number: versionNumber, blobKey, fileName: upload.fileName,
      contentType: upload.contentType, size, sha256, createdAt: now,
      createdBy: upload.createdBy, uploadId: upload.id,
      ...(recognition?.textBlobKey ? { textBlobKey: recognition.textBlobKey } : {}),
    };
    const filedDocument: VaultDocument = target
      ? withCurrentVersion(target, version, now)
      : {
        id: documentId, ownerId: upload.ownerId, folderId, source: upload.source,
        title: recognition?.title ?? (upload.fileName.replace(/\.[^.]+$/, '') || upload.fileName), fileName: upload.fileName,
        contentType: upload.contentType, size, sha256, currentVersion: 1, versionCount: 1,
        createdAt: now, updatedAt: now, createdBy: upload.createdBy,
        ...(upload.source === 'issued' && upload.createdByUnit ? { issuingUnit: upload.createdByUnit } : {}),
      };
    const document = recognition?.type ? withRecognition(filedDocument, recognition) : filedDocument;
    await deps.repository.commit({
      ownerId: upload.ownerId,
      documents: [target ? { next: document, previous: target } : { next: document }],
      versions: [version],
      uploads: [{ next: { ...finished, status: 'DONE', documentId, versionNumber, updatedAt: now }, previous: upload }],
      ...(sealed ? { signatures: [{ next: sealRecord(upload, sealed, documentId, versionNumber) }] } : {}),
      audit: [auditEntry(deps, uploaderContext(upload), {
        ownerId: upload.ownerId,
        action: target ? 'document.add-version' : 'document.create',
        resourceType: 'document',
        resourceId: documentId,
        detail: { uploadId: upload.id, version: versionNumber, sha256, via: 'digitize-workflow', sealed: Boolean(sealed) },
      })],
    });
    return { uploadId: upload.id, documentId, versionNumber };
  });
  await deps.blobs.delete(objectKeys.incoming(filed.uploadId));
  if (sealed) await deps.blobs.delete(sealed.blobKey);
  return filed;
}

/** Reasons shown to users; anything unexpected becomes a generic reason (details stay in logs). */
function failureReason(error: { error: string; cause?: string }): string {
  if (error.error === 'ReviewRejected' && error.cause) return `Rejected at review: ${error.cause.slice(0, 500)}`;
  // Both carry a message written for people: what is wrong with the file, never its content.
  const message = lambdaErrorMessage(error.cause);
  if (message && error.error === 'UploadRejected') return message;
  if (message && error.error === 'OcrInputError') return `The scan could not be read: ${message}`;
  if (message && error.error === 'SealNotConfiguredError') return message;
  return 'The document could not be processed; please try again or contact support';
}

/** The message of a Lambda error as Step Functions reports it (a JSON cause). */
function lambdaErrorMessage(cause: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(cause ?? '{}') as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Workflow catch-all: the upload becomes FAILED with a reason and the object is moved to
 * quarantine, so nothing half-filed remains in the vault.
 */
export async function failUpload(deps: FilingDeps, input: { uploadId: string; error: string; cause?: string }): Promise<void> {
  const upload = await deps.repository.getUpload(input.uploadId);
  if (!upload || upload.status === 'DONE' || upload.status === 'FAILED') return;
  if (await deps.blobs.head(upload.blobKey)) {
    await deps.blobs.copy(upload.blobKey, objectKeys.quarantine(upload.id));
    await deps.blobs.delete(upload.blobKey);
  }
  const reason = failureReason(input);
  const now = deps.clock.now().toISOString();
  try {
    await deps.repository.commit({
      ownerId: upload.ownerId,
      uploads: [{ next: { ...upload, status: 'FAILED', failureReason: reason, updatedAt: now }, previous: upload }],
      audit: [auditEntry(deps, workflowContext, {
        ownerId: upload.ownerId, action: 'upload.fail', resourceType: 'upload', resourceId: upload.id,
        outcome: 'failed', detail: { reason, error: input.error },
      })],
    });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
}
