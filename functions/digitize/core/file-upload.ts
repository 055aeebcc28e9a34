import { objectKeys } from '../../platform/storage/schema.ts';
import { auditEntry } from '../../audit/core/audit.ts';
import { describeCertificate } from '../../pdf-pki/certificates.ts';
import { fromBase64 } from '../../pdf-pki/encoding.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import { detachedSignatureKey } from '../../signing/core/signatures.ts';
import { pendingSyncRecord } from '../../sync/core/sync-record.ts';
import type { DocumentVersion, VaultDocument } from '../../vault/core/model.ts';
import type { DocumentSignature } from '../../signing/core/signature-model.ts';
import type { Recognition, Upload } from './upload-model.ts';
import { systemFolderId } from '../../vault/core/vault-provisioning.ts';
import { withCurrentVersion } from '../../vault/core/versions.ts';
import type { SealedUpload } from './seal-upload.ts';
import type { ValidatedUpload } from './validate-upload.ts';
import { UploadRejectedError, UploadStateError } from './workflow-errors.ts';
import { loadUpload, recordStep, uploaderContext, type FilingDeps } from './workflow-upload.ts';

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
function sealRecord(
  upload: Upload,
  sealed: SealedUpload,
  documentId: string,
  versionNumber: number,
): DocumentSignature {
  const [leaf] = sealed.certificateChain;
  return {
    id: sealed.signatureId,
    ownerId: upload.ownerId,
    documentId,
    provider: 'agency-seal',
    format: sealed.format,
    status: 'completed',
    versionNumber,
    ...(sealed.format === 'pades'
      ? { signedVersionNumber: versionNumber }
      : { signatureBlobKey: detachedSignatureKey(upload.ownerId, documentId, sealed.signatureId) }),
    requestedBy: {
      sub: upload.createdBy,
      role: upload.createdByRole,
      ...(upload.createdByUnit ? { unit: upload.createdByUnit } : {}),
    },
    requestedAt: sealed.signedAt,
    completedAt: sealed.signedAt,
    expiresAt: sealed.signedAt,
    digestAlgorithm: 'SHA-256',
    contentDigest: sealed.contentDigest,
    signedAttributesDigest: sealed.signedAttributesDigest,
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
  const { sealed } = input;
  const filed = await retryOnConcurrentUpdate(async () => {
    let upload = await loadUpload(deps, input.uploadId);
    // A business system's result is filed with the type and fields it gave.
    const recognition = upload.given?.recognition ?? input.recognition;
    if (upload.status === 'DONE' && upload.documentId && upload.versionNumber) {
      return { uploadId: upload.id, documentId: upload.documentId, versionNumber: upload.versionNumber };
    }
    if (upload.status !== 'PROCESSING') throw new UploadStateError(`upload ${upload.id} is ${upload.status}`);
    upload = await recordStep(deps, upload, 'file');
    const { reviewTaskToken: _token, proposed: _proposed, ...finished } = upload;
    const target = upload.targetDocumentId
      ? await deps.repository.getDocument(upload.ownerId, upload.targetDocumentId)
      : undefined;
    if (upload.targetDocumentId && (!target || target.trashedAt)) {
      throw new UploadRejectedError('The document this version belongs to no longer exists');
    }
    const documentId = target?.id ?? upload.id;
    // The chosen folder may have been deleted while the scan was processed: file into the default folder then.
    const home = target ? undefined : await deps.repository.getFolder(upload.ownerId, upload.folderId);
    const folderId =
      !target && (!home || home.trashedAt)
        ? systemFolderId(upload.source === 'issued' ? 'results' : 'self')
        : upload.folderId;
    const versionNumber = (target?.versionCount ?? 0) + 1;
    const blobKey = objectKeys.documentBlob(upload.ownerId, documentId, upload.id);
    const sealedPdf = sealed?.format === 'pades';
    await deps.blobs.copy(sealedPdf ? sealed.blobKey : upload.blobKey, blobKey);
    if (sealed && !sealedPdf)
      await deps.blobs.copy(sealed.blobKey, detachedSignatureKey(upload.ownerId, documentId, sealed.signatureId));
    const [size, sha256] = sealedPdf ? [sealed.size, sealed.sha256] : [input.size, input.sha256];
    const now = deps.clock.now().toISOString();
    const version: DocumentVersion = {
      documentId,
      ownerId: upload.ownerId,
      number: versionNumber,
      blobKey,
      fileName: upload.fileName,
      contentType: upload.contentType,
      size,
      sha256,
      createdAt: now,
      createdBy: upload.createdBy,
      uploadId: upload.id,
      ...(recognition?.textBlobKey ? { textBlobKey: recognition.textBlobKey } : {}),
    };
    const filedDocument: VaultDocument = target
      ? withCurrentVersion(target, version, now)
      : {
          id: documentId,
          ownerId: upload.ownerId,
          folderId,
          source: upload.source,
          title: recognition?.title ?? (upload.fileName.replace(/\.[^.]+$/, '') || upload.fileName),
          fileName: upload.fileName,
          contentType: upload.contentType,
          size,
          sha256,
          currentVersion: 1,
          versionCount: 1,
          createdAt: now,
          updatedAt: now,
          createdBy: upload.createdBy,
          ...(upload.source === 'issued' && upload.createdByUnit ? { issuingUnit: upload.createdByUnit } : {}),
        };
    const document = recognition?.type ? withRecognition(filedDocument, recognition) : filedDocument;
    await deps.repository.commit({
      ownerId: upload.ownerId,
      documents: [target ? { next: document, previous: target } : { next: document }],
      versions: [version],
      uploads: [{ next: { ...finished, status: 'DONE', documentId, versionNumber, updatedAt: now }, previous: upload }],
      ...(sealed ? { signatures: [{ next: sealRecord(upload, sealed, documentId, versionNumber) }] } : {}),
      // The outbox: an issued result's push to the national warehouse is announced with the filing itself.
      ...(document.source === 'issued'
        ? { syncRecords: [pendingSyncRecord('document.filed', document, versionNumber, now)] }
        : {}),
      audit: [
        auditEntry(deps, uploaderContext(upload), {
          ownerId: upload.ownerId,
          action: target ? 'document.add-version' : 'document.create',
          resourceType: 'document',
          resourceId: documentId,
          detail: {
            uploadId: upload.id,
            version: versionNumber,
            sha256,
            via: 'digitize-workflow',
            sealed: Boolean(sealed),
          },
        }),
        // Notifications (a later issue) start from this event in the owner's chain.
        ...(upload.given
          ? [
              auditEntry(deps, uploaderContext(upload), {
                ownerId: upload.ownerId,
                action: 'document.filed',
                resourceType: 'document',
                resourceId: documentId,
                detail: {
                  source: 'issued',
                  resultId: upload.given.resultId,
                  type: upload.given.recognition.type ?? '',
                  version: versionNumber,
                },
              }),
            ]
          : []),
      ],
    });
    return { uploadId: upload.id, documentId, versionNumber };
  });
  await deps.blobs.delete(objectKeys.incoming(filed.uploadId));
  if (sealed) await deps.blobs.delete(sealed.blobKey);
  return filed;
}
