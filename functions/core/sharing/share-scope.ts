import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { Folder, Page, PageRequest, VaultDocument } from '../model.ts';
import type { VaultDeps } from '../vault-deps.ts';
import type { SharedResource } from './share-model.ts';

/** What a share or link covers: one owner's document, or a folder with everything below it. */
export interface Scope extends SharedResource {
  ownerId: string;
}

/**
 * The chain of active folders from `folderId` up to the root, or undefined when a folder on
 * the way is missing or in the trash. Read at every access, so a move takes effect at once.
 */
async function activeAncestry(deps: VaultDeps, ownerId: string, folderId: string): Promise<Folder[] | undefined> {
  const { folders } = await deps.repository.getFolderTree(ownerId);
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const chain: Folder[] = [];
  for (let id: string | null = folderId; id; id = byId.get(id)?.parentId ?? null) {
    const folder = byId.get(id);
    if (!folder || folder.trashedAt || chain.length > deps.policy.maxFolderDepth) return undefined;
    chain.push(folder);
  }
  return chain;
}

/** The folder, if it is the shared folder or lies below it. */
export async function folderInScope(deps: VaultDeps, scope: Scope, folderId: string): Promise<Folder | undefined> {
  if (scope.resourceType !== 'folder') return undefined;
  const chain = await activeAncestry(deps, scope.ownerId, folderId);
  return chain?.some((folder) => folder.id === scope.resourceId) ? chain[0] : undefined;
}

/** The active document, if the scope covers it now: it is the shared document, or it sits below the shared folder. */
export async function documentInScope(deps: VaultDeps, scope: Scope, documentId: string): Promise<VaultDocument | undefined> {
  const document = await deps.repository.getDocument(scope.ownerId, documentId);
  if (!document || document.trashedAt) return undefined;
  if (scope.resourceType === 'document') return document.id === scope.resourceId ? document : undefined;
  return (await folderInScope(deps, scope, document.folderId)) ? document : undefined;
}

/** The shared resource itself, while it is still active. */
export async function scopeRoot(deps: VaultDeps, scope: Scope): Promise<{ document: VaultDocument } | { folder: Folder } | undefined> {
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
export async function listScopeFolder(deps: VaultDeps, scope: Scope, folderId: string | undefined, page: PageRequest): Promise<ScopeListing | undefined> {
  if (scope.resourceType !== 'folder') throw new InvalidInputError('Only a shared folder has items to list');
  const folder = await folderInScope(deps, scope, folderId ?? scope.resourceId);
  if (!folder) return undefined;
  const [{ folders }, documents] = await Promise.all([
    deps.repository.getFolderTree(scope.ownerId),
    deps.repository.listFolderDocuments(scope.ownerId, folder.id, page),
  ]);
  const children = folders
    .filter((child) => child.parentId === folder.id && !child.trashedAt)
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return { folder, folders: children, documents };
}

/** A presigned download of a document's current version. */
export async function presignCurrentContent(deps: VaultDeps, document: VaultDocument): Promise<{ url: string; version: number }> {
  const version = await deps.repository.getVersion(document.ownerId, document.id, document.currentVersion);
  if (!version) throw new NotFoundError('Version');
  const url = await deps.blobs.presignDownload({
    key: version.blobKey, fileName: version.fileName, contentType: version.contentType,
    expiresInSeconds: Math.min(deps.policy.downloadUrlTtlSeconds, 300),
  });
  return { url, version: version.number };
}

/** The recognised text of a document's current version. */
export async function readCurrentText(deps: VaultDeps, document: VaultDocument): Promise<{ text: string; version: number }> {
  const version = await deps.repository.getVersion(document.ownerId, document.id, document.currentVersion);
  if (!version?.textBlobKey) throw new NotFoundError('Recognised text');
  return { text: new TextDecoder().decode(await deps.blobs.read(version.textBlobKey)), version: version.number };
}
