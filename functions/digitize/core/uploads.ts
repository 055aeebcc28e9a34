import { auditEntry } from '../../audit/core/audit.ts';
import { objectKeys, objectPrefixes } from '../../platform/storage/schema.ts';
import { ForbiddenRoleError, InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import { requireActiveFolder } from '../../vault/core/folders.ts';
import type { Upload } from './upload-model.ts';
import type { DocumentSource } from '../../vault/core/model.ts';
import { normaliseName } from '../../vault/core/names.ts';
import { isOwnerId, type Principal, type RequestContext } from '../../platform/core/principal.ts';
import type { PresignedUpload } from '../../platform/core/blob-store.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { DocumentStore, FolderStore } from '../../vault/core/vault-store.ts';
import type { UploadStore } from './upload-store.ts';
import { ensureVault, systemFolderId } from '../../vault/core/vault-provisioning.ts';
import { requireSealReady } from '../../signing/core/seal-readiness.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface UploadDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'signing'> {
  repository: UnitOfWork & FolderStore & DocumentStore & UploadStore;
}

export interface UploadRequest {
  fileName: string;
  contentType: string;
  size: number;
  folderId?: string;
  /** An officer uploads for this owner; citizens and organisations always upload to their own vault. */
  ownerId?: string;
  /** Upload a new version of this document instead of a new document. */
  documentId?: string;
}

export interface UploadTicket {
  upload: Upload;
  presigned: PresignedUpload;
}

/** What the API answers for a ticket (new document or new version): the id, the POST to make, the upload's status. */
export function ticketResponse(ticket: UploadTicket) {
  return { uploadId: ticket.upload.id, upload: ticket.presigned, status: ticket.upload };
}

const incomingPrefix = objectPrefixes.incoming;

/** The upload an object key belongs to, or undefined for keys we never handed out. */
export function uploadIdFromKey(key: string): string | undefined {
  const id = key.startsWith(incomingPrefix) ? key.slice(incomingPrefix.length) : '';
  return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

function resolveOwner(
  principal: Principal,
  requested: string | undefined,
): { ownerId: string; source: DocumentSource } {
  if (principal.role === 'officer') {
    if (!requested || !isOwnerId(requested)) {
      throw new InvalidInputError(
        'An officer upload must name the owner: a 12-digit personal ID or an enterprise code',
      );
    }
    return { ownerId: requested, source: 'issued' };
  }
  if ((principal.role === 'citizen' || principal.role === 'organization') && principal.ownerId) {
    if (requested !== undefined && requested !== principal.ownerId) {
      throw new InvalidInputError('ownerId may only name your own vault');
    }
    return { ownerId: principal.ownerId, source: 'self' };
  }
  throw new ForbiddenRoleError('This role cannot upload documents');
}

/**
 * Registers an upload and returns a presigned POST pinned to its key, type and exact size.
 * An officer's upload for an owner is an act on that owner's vault and is audited there.
 */
export async function requestUpload(
  deps: UploadDeps,
  context: RequestContext,
  request: UploadRequest,
): Promise<UploadTicket> {
  const { principal } = context;
  if (request.documentId && principal.role !== 'citizen' && principal.role !== 'organization') {
    throw new ForbiddenRoleError('Only the owner adds versions to a document');
  }
  const { ownerId, source } = resolveOwner(principal, request.ownerId);
  const fileName = normaliseName(request.fileName, 'File name');
  if (!deps.policy.allowedContentTypes.includes(request.contentType)) {
    throw new InvalidInputError(`Content type must be one of ${deps.policy.allowedContentTypes.join(', ')}`);
  }
  if (!Number.isInteger(request.size) || request.size < 1 || request.size > deps.policy.maxUploadBytes) {
    throw new InvalidInputError(`Size must be between 1 and ${deps.policy.maxUploadBytes} bytes`);
  }
  if (principal.role === 'officer' && (request.folderId || request.documentId)) {
    throw new InvalidInputError(
      "Officers file into the owner's procedure-results folder and cannot choose a folder or document",
    );
  }
  // What an officer files is sealed: refused now rather than failed after OCR, while the officer still holds the paper.
  if (source === 'issued') await requireSealReady(deps.signing.settings, deps.clock.now());
  await ensureVault(deps, context, ownerId);
  let folderId = request.folderId ?? systemFolderId(source === 'issued' ? 'results' : 'self');
  if (request.documentId) {
    const document = await deps.repository.getDocument(ownerId, request.documentId);
    if (!document || document.trashedAt) throw new NotFoundError('Document');
    folderId = document.folderId;
  } else {
    await requireActiveFolder(deps, ownerId, folderId);
  }
  const id = deps.ids.newId();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.policy.uploadUrlTtlSeconds * 1000).toISOString();
  const upload: Upload = {
    id,
    ownerId,
    createdBy: principal.sub,
    createdByRole: principal.role,
    ...(principal.unit ? { createdByUnit: principal.unit } : {}),
    requestedFromIp: context.sourceIp,
    ...(request.documentId ? { targetDocumentId: request.documentId } : {}),
    folderId,
    source,
    fileName,
    contentType: request.contentType,
    declaredSize: request.size,
    blobKey: objectKeys.incoming(id),
    status: 'PENDING_UPLOAD',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt,
  };
  const presigned = await deps.blobs.presignUpload({
    key: upload.blobKey,
    contentType: upload.contentType,
    minBytes: upload.declaredSize,
    maxBytes: upload.declaredSize,
    expiresInSeconds: deps.policy.uploadUrlTtlSeconds,
  });
  await deps.repository.commit({
    ownerId,
    uploads: [{ next: upload }],
    audit: [
      auditEntry(deps, context, {
        ownerId,
        action: principal.role === 'officer' ? 'upload.create-for-owner' : 'upload.create',
        // A version upload is an act on the document, so it shows in the document's history.
        ...(request.documentId
          ? { resourceType: 'document' as const, resourceId: request.documentId }
          : { resourceType: 'upload' as const, resourceId: id }),
        detail: { uploadId: id, fileName, contentType: upload.contentType, size: upload.declaredSize },
      }),
    ],
  });
  return { upload, presigned };
}

/** An upload is visible to the owner of its vault and to whoever requested it. */
export async function getUpload(deps: UploadDeps, context: RequestContext, uploadId: string): Promise<Upload> {
  const upload = await deps.repository.getUpload(uploadId);
  const { principal } = context;
  const isOwner =
    upload !== undefined &&
    principal.role !== 'officer' &&
    principal.role !== 'admin' &&
    principal.ownerId === upload.ownerId;
  const isRequester =
    upload !== undefined && upload.createdBy === principal.sub && upload.createdByRole === principal.role;
  if (!upload || !(isOwner || isRequester)) throw new NotFoundError('Upload');
  return upload;
}
