import { auditEntry } from '../../audit/core/audit.ts';
import { ConcurrentUpdateError, ConflictError, InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { Folder, VaultDocument } from './model.ts';
import { normaliseName } from './names.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from './vault-deps.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { FolderStore, DocumentStore } from './vault-store.ts';
import type { Write } from './unit-of-work.ts';
import { ensureVault, systemFolderId, type ProvisioningDeps } from './vault-provisioning.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface FolderDeps extends Pick<VaultDeps, 'clock' | 'ids' | 'policy'> {
  repository: UnitOfWork & FolderStore & DocumentStore;
}

export interface FolderNode extends Folder {
  children: FolderNode[];
}

const byName = (a: Folder, b: Folder) => a.name.localeCompare(b.name, 'vi');

/** The caller's folder tree, default folders first, each level sorted by name. */
export async function listFolderTree(deps: FolderDeps, context: RequestContext): Promise<FolderNode[]> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const { folders } = await deps.repository.getFolderTree(ownerId);
  const nodes = new Map<string, FolderNode>(
    folders.filter((folder) => !folder.trashedAt).map((folder) => [folder.id, { ...folder, children: [] }]),
  );
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sortLevel = (level: FolderNode[]): FolderNode[] => {
    level.sort((a, b) => Number(Boolean(b.system)) - Number(Boolean(a.system)) || byName(a, b));
    level.forEach((node) => sortLevel(node.children));
    return level;
  };
  return sortLevel(roots);
}

/** An active folder of the owner, or NotFoundError (also for another owner's id). */
export async function requireActiveFolder(
  deps: { repository: Pick<FolderStore, 'getFolder'> },
  ownerId: string,
  folderId: string,
): Promise<Folder> {
  const folder = await deps.repository.getFolder(ownerId, folderId);
  if (!folder || folder.trashedAt) throw new NotFoundError('Folder');
  return folder;
}

function depthOf(folderId: string | null, byId: Map<string, Folder>): number {
  let depth = 0;
  for (let id = folderId; id; id = byId.get(id)?.parentId ?? null) depth += 1;
  return depth;
}

/** Height of the subtree under a folder, the folder itself counting 1. */
function subtreeHeight(folderId: string, folders: Folder[]): number {
  const children = folders.filter((folder) => folder.parentId === folderId && !folder.trashedAt);
  return 1 + Math.max(0, ...children.map((child) => subtreeHeight(child.id, folders)));
}

export async function createFolder(
  deps: FolderDeps,
  context: RequestContext,
  input: { name: string; parentId?: string | null },
): Promise<Folder> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const name = normaliseName(input.name, 'Folder name');
  const parentId = input.parentId ?? null;
  return retryOnConcurrentUpdate(async () => {
    const { folders, treeVersion } = await deps.repository.getFolderTree(ownerId);
    const byId = new Map(folders.filter((folder) => !folder.trashedAt).map((folder) => [folder.id, folder]));
    if (parentId && !byId.has(parentId)) throw new NotFoundError('Parent folder');
    if (byId.size >= deps.policy.maxFoldersPerOwner) {
      throw new InvalidInputError(`A vault holds at most ${deps.policy.maxFoldersPerOwner} folders`);
    }
    if (depthOf(parentId, byId) + 1 > deps.policy.maxFolderDepth) {
      throw new InvalidInputError(`Folders nest at most ${deps.policy.maxFolderDepth} levels deep`);
    }
    const now = deps.clock.now().toISOString();
    const folder: Folder = { id: deps.ids.newId(), ownerId, name, parentId, createdAt: now, updatedAt: now };
    // Checked against the tree version, so the parent cannot be trashed or moved meanwhile.
    await deps.repository.commit({
      ownerId,
      folders: [{ next: folder }],
      ...(parentId ? { expectedTreeVersion: treeVersion } : {}),
      audit: [
        auditEntry(deps, context, {
          ownerId,
          action: 'folder.create',
          resourceType: 'folder',
          resourceId: folder.id,
          detail: { name, parentId: parentId ?? 'root' },
        }),
      ],
    });
    return folder;
  });
}

/**
 * Renames and/or moves a folder. A move re-reads the tree and checks, against that same
 * tree version, that the new parent is not inside the folder; the commit fails if any
 * other move landed in between, so two concurrent moves can never build a cycle.
 */
export async function updateFolder(
  deps: FolderDeps,
  context: RequestContext,
  folderId: string,
  input: { name?: string; parentId?: string | null },
): Promise<Folder> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const name = input.name === undefined ? undefined : normaliseName(input.name, 'Folder name');
  const moving = input.parentId !== undefined;
  return retryOnConcurrentUpdate(async () => {
    const { folders, treeVersion } = await deps.repository.getFolderTree(ownerId);
    const byId = new Map(folders.filter((folder) => !folder.trashedAt).map((folder) => [folder.id, folder]));
    const folder = byId.get(folderId);
    if (!folder) throw new NotFoundError('Folder');
    if (folder.system) throw new ConflictError('protected-folder', 'Default folders cannot be renamed or moved');
    const parentId = moving ? (input.parentId ?? null) : folder.parentId;
    if (moving && parentId !== folder.parentId) {
      if (parentId && !byId.has(parentId)) throw new NotFoundError('Target folder');
      for (let id = parentId; id; id = byId.get(id)?.parentId ?? null) {
        if (id === folderId)
          throw new ConflictError('folder-cycle', 'A folder cannot be moved into itself or one of its subfolders');
      }
      if (depthOf(parentId, byId) + subtreeHeight(folderId, folders) > deps.policy.maxFolderDepth) {
        throw new InvalidInputError(`Folders nest at most ${deps.policy.maxFolderDepth} levels deep`);
      }
    }
    const next: Folder = { ...folder, name: name ?? folder.name, parentId, updatedAt: deps.clock.now().toISOString() };
    await deps.repository.commit({
      ownerId,
      folders: [{ next, previous: folder }],
      expectedTreeVersion: treeVersion,
      audit: [
        auditEntry(deps, context, {
          ownerId,
          action: parentId !== folder.parentId ? 'folder.move' : 'folder.rename',
          resourceType: 'folder',
          resourceId: folderId,
          detail: { name: next.name, fromParentId: folder.parentId ?? 'root', toParentId: parentId ?? 'root' },
        }),
      ],
    });
    return next;
  });
}

/** The folder and every active folder below it, the folder first. */
function subtreeOf(folderId: string, folders: Folder[]): Folder[] {
  const result: Folder[] = [];
  const queue = folders.filter((folder) => folder.id === folderId);
  while (queue.length > 0) {
    const folder = queue.shift() as Folder;
    result.push(folder);
    queue.push(...folders.filter((child) => child.parentId === folder.id && !child.trashedAt));
  }
  return result;
}

/**
 * Moves a folder, its subfolders and their documents to the trash. Contents go first, in
 * chunks; the folder itself goes last, in a commit checked against the tree version of a
 * final read that found nothing left inside, so a subfolder created meanwhile is never
 * left behind, and repeating an interrupted delete finishes it.
 */
export async function trashFolder(deps: FolderDeps, context: RequestContext, folderId: string): Promise<void> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const folder = await requireActiveFolder(deps, ownerId, folderId);
  if (folder.system) throw new ConflictError('protected-folder', 'Default folders cannot be deleted');
  const trashedAt = deps.clock.now().toISOString();
  const trash = <T extends Folder | VaultDocument>(record: T): Write<T> => ({
    next: { ...record, trashedAt, trashedWith: folderId, updatedAt: trashedAt },
    previous: record,
  });
  let moved = { subfolders: 0, documents: 0 };
  await retryOnConcurrentUpdate(async () => {
    for (;;) {
      const { folders, treeVersion } = await deps.repository.getFolderTree(ownerId);
      const current = folders.find((f) => f.id === folderId);
      if (!current || current.trashedAt) throw new NotFoundError('Folder');
      const subtree = subtreeOf(folderId, folders);
      const documents: VaultDocument[] = [];
      for (const member of subtree)
        documents.push(...(await deps.repository.listAllFolderDocuments(ownerId, member.id)));
      const subfolders = subtree.slice(1);
      if (subfolders.length === 0 && documents.length === 0) {
        await deps.repository.commit({
          ownerId,
          folders: [trash(current)],
          expectedTreeVersion: treeVersion,
          audit: [
            auditEntry(deps, context, {
              ownerId,
              action: 'folder.delete',
              resourceType: 'folder',
              resourceId: folderId,
              detail: moved,
            }),
          ],
        });
        return;
      }
      await commitInChunks(deps, ownerId, {
        documents: documents.map(trash),
        folders: subfolders.reverse().map(trash),
      });
      moved = { subfolders: moved.subfolders + subfolders.length, documents: moved.documents + documents.length };
    }
  });
}

/**
 * Restores a trashed folder with everything its deletion took along; to the root if its
 * parent is gone. The folder comes back first (its name may clash, which stops the restore
 * before anything moved); its contents follow in chunks, and repeating the restore
 * finishes one that was interrupted.
 */
export async function restoreFolder(deps: FolderDeps, context: RequestContext, folder: Folder): Promise<Folder> {
  const ownerId = folder.ownerId;
  const { folders } = await deps.repository.getFolderTree(ownerId);
  const updatedAt = deps.clock.now().toISOString();
  let restored = folder;
  if (folder.trashedAt) {
    const parentActive = folder.parentId !== null && folders.some((f) => f.id === folder.parentId && !f.trashedAt);
    restored = { ...withoutTrash(folder), parentId: parentActive ? folder.parentId : null, updatedAt };
    await deps.repository.commit({
      ownerId,
      folders: [{ next: restored, previous: folder }],
      audit: [
        auditEntry(deps, context, { ownerId, action: 'folder.restore', resourceType: 'folder', resourceId: folder.id }),
      ],
    });
  }
  const members = folders.filter((f) => f.trashedWith === folder.id && f.id !== folder.id);
  const carried = await deps.repository.listDocumentsTrashedWith(ownerId, folder.id);
  await commitInChunks(deps, ownerId, {
    folders: members.map((member) => ({ next: { ...withoutTrash(member), updatedAt }, previous: member })),
    documents: carried.map((document) => ({ next: { ...withoutTrash(document), updatedAt }, previous: document })),
  });
  return restored;
}

/** Whether a folder still has contents in the trash from its own deletion (an interrupted restore). */
export async function hasTrashedContents(deps: FolderDeps, folder: Folder): Promise<boolean> {
  const { folders } = await deps.repository.getFolderTree(folder.ownerId);
  if (folders.some((f) => f.trashedWith === folder.id && f.id !== folder.id)) return true;
  return (await deps.repository.listDocumentsTrashedWith(folder.ownerId, folder.id)).length > 0;
}

/** The folder papers pulled from the national warehouse are filed in, named as citizens know it. */
export const importedFolderName = 'Từ kho dữ liệu quốc gia';

/**
 * The imported-papers folder, created when first needed (a vault that never pulled, nor
 * consented to an officer's pull, does not show it) and brought back from the trash. A folder of
 * the owner's own with its name in the way is a ConflictError.
 */
export async function ensureImportedFolder(
  deps: ProvisioningDeps & { repository: UnitOfWork & Pick<FolderStore, 'getFolder' | 'isProvisioned'> },
  context: RequestContext,
  ownerId: string,
): Promise<string> {
  await ensureVault(deps, context, ownerId);
  const id = systemFolderId('imported');
  for (let attempt = 1; ; attempt += 1) {
    const existing = await deps.repository.getFolder(ownerId, id);
    if (existing && !existing.trashedAt) return id;
    const at = deps.clock.now().toISOString();
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
      // A concurrent pull or consent created or restored it first.
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
    }
  }
}

export function withoutTrash<T extends { trashedAt?: string; trashedWith?: string }>(record: T): T {
  const { trashedAt: _trashedAt, trashedWith: _trashedWith, ...rest } = record;
  return rest as T;
}

async function commitInChunks(
  deps: FolderDeps,
  ownerId: string,
  writes: { documents: Write<VaultDocument>[]; folders: Write<Folder>[] },
): Promise<void> {
  // Each folder write may also move a name claim, so it counts for up to three writes.
  const size = Math.floor(deps.repository.maxWritesPerCommit / 3);
  const { documents, folders } = writes;
  for (let start = 0; start < documents.length; start += size) {
    await deps.repository.commit({ ownerId, documents: documents.slice(start, start + size), audit: [] });
  }
  for (let start = 0; start < folders.length; start += size) {
    await deps.repository.commit({ ownerId, folders: folders.slice(start, start + size), audit: [] });
  }
}

export interface FolderItems {
  folder: Folder;
  folders: Folder[];
  documents: Page<VaultDocument>;
}

/** A folder's subfolders (on the first page) and one page of its documents. */
export async function listFolderItems(
  deps: FolderDeps,
  context: RequestContext,
  folderId: string,
  page: PageRequest,
): Promise<FolderItems> {
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  const folder = await requireActiveFolder(deps, ownerId, folderId);
  const [tree, documents] = await Promise.all([
    page.cursor ? undefined : deps.repository.getFolderTree(ownerId),
    deps.repository.listFolderDocuments(ownerId, folderId, page),
  ]);
  const folders = (tree?.folders ?? []).filter((f) => f.parentId === folderId && !f.trashedAt).sort(byName);
  return { folder, folders, documents };
}
