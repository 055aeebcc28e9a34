import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { createFolder, listFolderItems, listFolderTree, trashFolder, updateFolder } from '../core/folders.ts';
import { getHistory } from '../../audit/core/history.ts';
import type { VaultDeps } from '../core/vault-deps.ts';
import * as s from '../../platform/http/contract/schemas.ts';
import { createHttpHandler, refusedLookupAudit } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

type Id = { id: string };
type PageQuery = { limit: number; cursor?: string };

export function createFoldersHandler(deps: VaultDeps) {
  return createHttpHandler('folders', {
    listFolders: async ({ context }) => ({ body: present(s.folderTree, { folders: await listFolderTree(deps, context) }) }),
    createFolder: async ({ context, body }) => {
      const input = body as { name: string; parentId?: string | null };
      return { body: present(s.folder, await createFolder(deps, context, input)) };
    },
    updateFolder: async ({ context, params, body }) => {
      const input = body as { name?: string; parentId?: string | null };
      return { body: present(s.folder, await updateFolder(deps, context, (params as Id).id, input)) };
    },
    deleteFolder: async ({ context, params }) => {
      await trashFolder(deps, context, (params as Id).id);
      return {};
    },
    listFolderItems: async ({ context, params, query }) =>
      ({ body: present(s.folderItems, await listFolderItems(deps, context, (params as Id).id, query as PageQuery)) }),
    getFolderHistory: async ({ context, params, query }) =>
      ({ body: present(s.historyPage, await getHistory(deps, context, { type: 'folder', id: (params as Id).id }, query as PageQuery)) }),
  }, { onNotFound: refusedLookupAudit(deps, 'folder') });
}

export const handler = lazyHandler(() => createFoldersHandler(awsVaultDeps()));
