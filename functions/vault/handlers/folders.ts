import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { createFolder, listFolderItems, listFolderTree, trashFolder, updateFolder } from '../core/folders.ts';
import { getHistory } from '../../audit/core/history.ts';
import type { VaultDeps } from '../core/vault-deps.ts';
import { folderRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { historyPage } from '../../audit/contract/schemas.ts';
import { refusedLookupAudit } from '../../audit/core/audit.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createFoldersHandler(deps: VaultDeps) {
  return createHttpHandler(
    folderRoutes,
    {
      listFolders: async ({ context }) => ({
        body: present(s.folderTree, { folders: await listFolderTree(deps, context) }),
      }),
      createFolder: async ({ context, body }) => ({ body: present(s.folder, await createFolder(deps, context, body)) }),
      updateFolder: async ({ context, params: { id }, body }) => ({
        body: present(s.folder, await updateFolder(deps, context, id, body)),
      }),
      deleteFolder: async ({ context, params: { id } }) => {
        await trashFolder(deps, context, id);
        return {};
      },
      listFolderItems: async ({ context, params: { id }, query }) => ({
        body: present(s.folderItems, await listFolderItems(deps, context, id, query)),
      }),
      getFolderHistory: async ({ context, params: { id }, query }) => ({
        body: present(historyPage, await getHistory(deps, context, { type: 'folder', id }, query)),
      }),
    },
    { onNotFound: refusedLookupAudit(deps, 'folder') },
  );
}

export const handler = lazyHandler(() => createFoldersHandler(awsVaultDeps()));
