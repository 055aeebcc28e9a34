import { auditEntry } from '../../audit/core/audit.ts';
import { InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import { hasTrashedContents, requireActiveFolder, restoreFolder, withoutTrash } from './folders.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { DocumentMetadata, Folder, VaultDocument } from './model.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { normaliseText } from './names.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from './vault-deps.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { FolderStore, DocumentStore, VersionStore } from './vault-store.ts';
import { ensureVault, systemFolderId } from './vault-provisioning.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface DocumentDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy'> {
  repository: UnitOfWork & FolderStore & DocumentStore & VersionStore;
}

/** One of the caller's documents, active or in the trash. */
export async function getDocument(
  deps: DocumentDeps,
  context: RequestContext,
  documentId: string,
): Promise<VaultDocument> {
  const ownerId = ownVault(context.principal);
  const document = await deps.repository.getDocument(ownerId, documentId);
  if (!document) throw new NotFoundError('Document');
  return document;
}

async function requireActiveDocument(deps: DocumentDeps, ownerId: string, documentId: string): Promise<VaultDocument> {
  const document = await deps.repository.getDocument(ownerId, documentId);
  if (!document || document.trashedAt) throw new NotFoundError('Document');
  return document;
}

export type DocumentChanges = { [K in keyof DocumentMetadata]?: DocumentMetadata[K] | null } & { folderId?: string };

/** The only fields a metadata edit may touch; everything else about a document is the system's to set. */
const editableFields = ['title', 'type', 'number', 'summary', 'issuer', 'issueDate', 'expiryDate'] as const;

/** Edits metadata; a new folderId moves the document. Both are audited separately. */
export async function updateDocument(
  deps: DocumentDeps,
  context: RequestContext,
  documentId: string,
  changes: DocumentChanges,
): Promise<VaultDocument> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  return retryOnConcurrentUpdate(async () => {
    const document = await requireActiveDocument(deps, ownerId, documentId);
    const { folderId } = changes;
    const moving = folderId !== undefined && folderId !== document.folderId;
    if (moving) await requireActiveFolder(deps, ownerId, folderId);
    const next: VaultDocument = { ...document, updatedAt: deps.clock.now().toISOString() };
    const changedFields: string[] = [];
    for (const field of editableFields) {
      const raw = changes[field];
      if (raw === undefined) continue;
      if (raw === null && field === 'title') throw new InvalidInputError('A document must keep a title');
      const value = raw === null ? undefined : normaliseText(raw, field);
      if (value === document[field]) continue;
      changedFields.push(field);
      if (value === undefined) delete next[field];
      else next[field] = value;
    }
    if (moving) next.folderId = folderId;
    const audit: AuditEntry[] = [];
    if (changedFields.length > 0) {
      audit.push(
        auditEntry(deps, context, {
          ownerId,
          action: 'document.update',
          resourceType: 'document',
          resourceId: documentId,
          detail: { fields: changedFields.join(',') },
        }),
      );
    }
    if (moving) {
      audit.push(
        auditEntry(deps, context, {
          ownerId,
          action: 'document.move',
          resourceType: 'document',
          resourceId: documentId,
          detail: { fromFolderId: document.folderId, toFolderId: next.folderId },
        }),
      );
    }
    if (audit.length === 0) return document;
    await deps.repository.commit({ ownerId, documents: [{ next, previous: document }], audit });
    return next;
  });
}

export async function trashDocument(deps: DocumentDeps, context: RequestContext, documentId: string): Promise<void> {
  const ownerId = ownVault(context.principal);
  await retryOnConcurrentUpdate(async () => {
    const document = await requireActiveDocument(deps, ownerId, documentId);
    const trashedAt = deps.clock.now().toISOString();
    await deps.repository.commit({
      ownerId,
      documents: [
        { next: { ...document, trashedAt, trashedWith: documentId, updatedAt: trashedAt }, previous: document },
      ],
      audit: [
        auditEntry(deps, context, {
          ownerId,
          action: 'document.delete',
          resourceType: 'document',
          resourceId: documentId,
        }),
      ],
    });
  });
}

export interface TrashListing {
  folders: Folder[];
  documents: Page<VaultDocument>;
}

/** What the caller deleted: folders and documents deleted on their own (contents come back with their folder). */
export async function listTrash(deps: DocumentDeps, context: RequestContext, page: PageRequest): Promise<TrashListing> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const [tree, documents] = await Promise.all([
    page.cursor ? undefined : deps.repository.getFolderTree(ownerId),
    deps.repository.listTrashedDocuments(ownerId, page),
  ]);
  return {
    folders: (tree?.folders ?? []).filter((folder) => folder.trashedWith === folder.id),
    documents,
  };
}

/**
 * Restores a deleted folder or document by id. A document whose folder is gone returns to
 * the default folder of its source.
 */
export async function restoreFromTrash(
  deps: DocumentDeps,
  context: RequestContext,
  id: string,
): Promise<{ resourceType: 'folder'; folder: Folder } | { resourceType: 'document'; document: VaultDocument }> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const folder = await deps.repository.getFolder(ownerId, id);
  if (folder && (folder.trashedAt ? folder.trashedWith === folder.id : await hasTrashedContents(deps, folder))) {
    return { resourceType: 'folder', folder: await restoreFolder(deps, context, folder) };
  }
  return retryOnConcurrentUpdate(async () => {
    const document = await deps.repository.getDocument(ownerId, id);
    if (!document?.trashedAt || document.trashedWith !== document.id) throw new NotFoundError('Trashed item');
    const home = await deps.repository.getFolder(ownerId, document.folderId);
    const folderId =
      home && !home.trashedAt ? home.id : systemFolderId(document.source === 'issued' ? 'results' : 'self');
    const next: VaultDocument = { ...withoutTrash(document), folderId, updatedAt: deps.clock.now().toISOString() };
    await deps.repository.commit({
      ownerId,
      documents: [{ next, previous: document }],
      audit: [
        auditEntry(deps, context, {
          ownerId,
          action: 'document.restore',
          resourceType: 'document',
          resourceId: id,
          detail: { folderId },
        }),
      ],
    });
    return { resourceType: 'document' as const, document: next };
  });
}

/** A presigned GET for one version (the current one by default); every such read is audited. */
export async function getContentUrl(
  deps: DocumentDeps,
  context: RequestContext,
  documentId: string,
  versionNumber?: number,
): Promise<{ url: string; expiresInSeconds: number }> {
  const ownerId = ownVault(context.principal);
  const document = await requireActiveDocument(deps, ownerId, documentId);
  const version = await deps.repository.getVersion(ownerId, documentId, versionNumber ?? document.currentVersion);
  if (!version) throw new NotFoundError('Version');
  const expiresInSeconds = Math.min(deps.policy.downloadUrlTtlSeconds, 300);
  const url = await deps.blobs.presignDownload({
    key: version.blobKey,
    fileName: version.fileName,
    contentType: version.contentType,
    expiresInSeconds,
  });
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId,
      action: 'document.read-content',
      resourceType: 'document',
      resourceId: documentId,
      detail: { version: version.number },
    }),
  );
  return { url, expiresInSeconds };
}

/** The text the workflow recognised in one version (the current one by default); audited as a read. */
export async function getRecognisedText(
  deps: DocumentDeps,
  context: RequestContext,
  documentId: string,
  versionNumber?: number,
): Promise<string> {
  const ownerId = ownVault(context.principal);
  const document = await requireActiveDocument(deps, ownerId, documentId);
  const version = await deps.repository.getVersion(ownerId, documentId, versionNumber ?? document.currentVersion);
  if (!version?.textBlobKey) throw new NotFoundError('Recognised text');
  const text = new TextDecoder().decode(await deps.blobs.read(version.textBlobKey));
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId,
      action: 'document.read-text',
      resourceType: 'document',
      resourceId: documentId,
      detail: { version: version.number },
    }),
  );
  return text;
}
