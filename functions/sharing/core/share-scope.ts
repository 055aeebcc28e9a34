import { auditEntry, type AuditFacts } from '../../audit/core/audit.ts';
import { InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { Folder, VaultDocument } from '../../vault/core/model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { FolderStore, DocumentStore, VersionStore } from '../../vault/core/vault-store.ts';
import type { VaultChanges } from '../../vault/core/unit-of-work.ts';
import type { SharedResource } from './share-model.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface ShareScopeDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy'> {
  repository: UnitOfWork & FolderStore & DocumentStore & VersionStore;
}

/** What a share or link covers: one owner's document, or a folder with everything below it. */
export interface Scope extends SharedResource {
  ownerId: string;
}

/**
 * The folder, if it is the shared folder or lies below it and every folder from it up to the
 * root is active. `folders` is the owner's tree, read at every access so a move takes effect at once.
 */
function folderInTree(deps: ShareScopeDeps, folders: Folder[], scope: Scope, folderId: string): Folder | undefined {
  if (scope.resourceType !== 'folder') return undefined;
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  let covered = false;
  let depth = 0;
  for (let id: string | null = folderId; id; id = byId.get(id)?.parentId ?? null) {
    const folder = byId.get(id);
    if (!folder || folder.trashedAt || depth > deps.policy.maxFolderDepth) return undefined;
    covered ||= folder.id === scope.resourceId;
    depth += 1;
  }
  return covered ? byId.get(folderId) : undefined;
}

/** The folder, if it is the shared folder or lies below it. */
export async function folderInScope(deps: ShareScopeDeps, scope: Scope, folderId: string): Promise<Folder | undefined> {
  if (scope.resourceType !== 'folder') return undefined;
  const { folders } = await deps.repository.getFolderTree(scope.ownerId);
  return folderInTree(deps, folders, scope, folderId);
}

/**
 * Whether the scope covers an active document already read: it is the shared document, or it sits below the shared
 * folder.
 */
export async function coversDocument(deps: ShareScopeDeps, scope: Scope, document: VaultDocument): Promise<boolean> {
  if (document.ownerId !== scope.ownerId || document.trashedAt) return false;
  if (scope.resourceType === 'document') return document.id === scope.resourceId;
  return (await folderInScope(deps, scope, document.folderId)) !== undefined;
}

/** The active document, if the scope covers it now. */
export async function documentInScope(
  deps: ShareScopeDeps,
  scope: Scope,
  documentId: string,
): Promise<VaultDocument | undefined> {
  const document = await deps.repository.getDocument(scope.ownerId, documentId);
  return document && (await coversDocument(deps, scope, document)) ? document : undefined;
}

/** The shared resource itself, while it is still active. */
export async function scopeRoot(
  deps: ShareScopeDeps,
  scope: Scope,
): Promise<{ document: VaultDocument } | { folder: Folder } | undefined> {
  if (scope.resourceType === 'document') {
    const document = await documentInScope(deps, scope, scope.resourceId);
    return document && { document };
  }
  const folder = await folderInScope(deps, scope, scope.resourceId);
  return folder && { folder };
}

export interface ScopeListing {
  folder: Folder;
  folders: Folder[];
  documents: Page<VaultDocument>;
}

/** One folder inside a shared folder (the shared folder by default): its subfolders and a page of its documents. */
export async function listScopeFolder(
  deps: ShareScopeDeps,
  scope: Scope,
  folderId: string | undefined,
  page: PageRequest,
): Promise<ScopeListing | undefined> {
  if (scope.resourceType !== 'folder') throw new InvalidInputError('Only a shared folder has items to list');
  // One read of the tree serves both the scope check and the subfolders.
  const { folders } = await deps.repository.getFolderTree(scope.ownerId);
  const folder = folderInTree(deps, folders, scope, folderId ?? scope.resourceId);
  if (!folder) return undefined;
  const documents = await deps.repository.listFolderDocuments(scope.ownerId, folder.id, page);
  const children = folders
    .filter((child) => child.parentId === folder.id && !child.trashedAt)
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return { folder, folders: children, documents };
}

/** Writes shares or links together with the audit of the act, in the owner's history of the shared resource. */
export function commitAudited(
  deps: ShareScopeDeps,
  context: RequestContext,
  scope: Scope,
  writes: Pick<VaultChanges, 'shares' | 'links'>,
  facts: Pick<AuditFacts, 'action' | 'detail'>,
): Promise<void> {
  return deps.repository.commit({
    ownerId: scope.ownerId,
    ...writes,
    audit: [
      auditEntry(deps, context, {
        ownerId: scope.ownerId,
        resourceType: scope.resourceType,
        resourceId: scope.resourceId,
        ...facts,
      }),
    ],
  });
}

/** A presigned download of a document's current version. */
export async function presignCurrentContent(
  deps: ShareScopeDeps,
  document: VaultDocument,
): Promise<{ url: string; version: number }> {
  const version = await deps.repository.getVersion(document.ownerId, document.id, document.currentVersion);
  if (!version) throw new NotFoundError('Version');
  const url = await deps.blobs.presignDownload({
    key: version.blobKey,
    fileName: version.fileName,
    contentType: version.contentType,
    expiresInSeconds: Math.min(deps.policy.downloadUrlTtlSeconds, 300),
  });
  return { url, version: version.number };
}

/** The recognised text of a document's current version. */
export async function readCurrentText(
  deps: ShareScopeDeps,
  document: VaultDocument,
): Promise<{ text: string; version: number }> {
  const version = await deps.repository.getVersion(document.ownerId, document.id, document.currentVersion);
  if (!version?.textBlobKey) throw new NotFoundError('Recognised text');
  return { text: new TextDecoder().decode(await deps.blobs.read(version.textBlobKey)), version: version.number };
}
