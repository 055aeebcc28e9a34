import assert from 'node:assert/strict';
import type { Api } from './http-client.ts';
import type { AuditEntry, DocumentVersion, Folder, FolderNode, VaultDocument } from './test-vault.ts';

export async function getTree(api: Api, token: string): Promise<FolderNode[]> {
  const response = await api<{ folders: FolderNode[] }>('GET', '/v1/folders', { token });
  assert.equal(response.status, 200, response.text);
  return response.json.folders;
}

/** Every node of a tree, depth first, each with its parent's id as the tree shows it. */
export function flattenTree(
  nodes: FolderNode[],
  parentId: string | null = null,
): (Folder & { treeParentId: string | null })[] {
  return nodes.flatMap((node) => [{ ...node, treeParentId: parentId }, ...flattenTree(node.children, node.id)]);
}

export function findNode(nodes: FolderNode[], id: string): FolderNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const inner = findNode(node.children, id);
    if (inner) return inner;
  }
  return undefined;
}

/** Follows nextCursor through every page of a paged listing. */
export async function readAllPages<T>(
  api: Api,
  token: string,
  path: string,
  pick: (body: any) => { items: T[]; nextCursor?: string },
  limit = 100,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await api('GET', url, { token });
    assert.equal(response.status, 200, `${url}: ${response.text}`);
    const page = pick(response.json);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path} never ends`);
}

export const folderDocuments = (api: Api, token: string, folderId: string) =>
  readAllPages<VaultDocument>(api, token, `/v1/documents?folderId=${encodeURIComponent(folderId)}`, (body) => body);

export const documentHistory = (api: Api, token: string, documentId: string) =>
  readAllPages<AuditEntry>(api, token, `/v1/documents/${documentId}/history`, (body) => body);

export const folderHistory = (api: Api, token: string, folderId: string) =>
  readAllPages<AuditEntry>(api, token, `/v1/folders/${folderId}/history`, (body) => body);

export interface VaultSnapshot {
  tree: FolderNode[];
  trash: unknown;
  folders: Record<string, { documents: VaultDocument[]; history: AuditEntry[] }>;
  documents: Record<string, { document: unknown; versions: DocumentVersion[]; history: AuditEntry[] }>;
}

/**
 * Everything a bad request could have changed in one vault, read through the API: the tree,
 * the trash, and for each given folder and document its contents, versions and history.
 * None of these reads is audited, so taking a snapshot changes nothing.
 */
export async function snapshotVault(
  api: Api,
  token: string,
  ids: { folders?: string[]; documents?: string[] } = {},
): Promise<VaultSnapshot> {
  const tree = await getTree(api, token);
  const trash = await api('GET', '/v1/trash', { token });
  assert.equal(trash.status, 200, trash.text);
  const folders: VaultSnapshot['folders'] = {};
  for (const id of ids.folders ?? flattenTree(tree).map((folder) => folder.id)) {
    folders[id] = { documents: await folderDocuments(api, token, id), history: await folderHistory(api, token, id) };
  }
  const documents: VaultSnapshot['documents'] = {};
  for (const id of ids.documents ?? []) {
    const document = await api('GET', `/v1/documents/${id}`, { token });
    const versions = await api<{ items: DocumentVersion[] }>('GET', `/v1/documents/${id}/versions`, { token });
    assert.equal(document.status, 200, document.text);
    assert.equal(versions.status, 200, versions.text);
    documents[id] = {
      document: document.json,
      versions: versions.json.items,
      history: await documentHistory(api, token, id),
    };
  }
  return { tree, trash: trash.json, folders, documents };
}
