import { awsVaultDeps } from '../../composition/aws-deps.ts';
import {
  getContentUrl,
  getDocument,
  getRecognisedText,
  listTrash,
  restoreFromTrash,
  trashDocument,
  updateDocument,
} from '../core/documents.ts';
import { getHistory } from '../../audit/core/history.ts';
import { requestUpload, ticketResponse } from '../../digitize/core/uploads.ts';
import type { VaultDeps } from '../core/vault-deps.ts';
import { findDocuments } from '../core/search.ts';
import { listVersions, restoreVersion } from '../core/versions.ts';
import { documentRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { historyPage } from '../../audit/contract/schemas.ts';
import { refusedLookupAudit } from '../../audit/core/audit.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { uploadTicket } from '../../digitize/contract/schemas.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createDocumentsHandler(deps: VaultDeps) {
  return createHttpHandler(
    documentRoutes,
    {
      listDocuments: async ({ context, query }) => ({
        body: present(s.documentPage, await findDocuments(deps, context, query)),
      }),
      getDocument: async ({ context, params: { id } }) => ({
        body: present(s.vaultDocument, await getDocument(deps, context, id)),
      }),
      updateDocument: async ({ context, params: { id }, body }) => ({
        body: present(s.vaultDocument, await updateDocument(deps, context, id, body)),
      }),
      deleteDocument: async ({ context, params: { id } }) => {
        await trashDocument(deps, context, id);
        return {};
      },
      getDocumentContent: async ({ context, params: { id }, query: { version } }) => {
        const { url } = await getContentUrl(deps, context, id, version);
        return { headers: { location: url } };
      },
      getDocumentText: async ({ context, params: { id }, query: { version } }) => ({
        rawBody: await getRecognisedText(deps, context, id, version),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
      listVersions: async ({ context, params: { id } }) => ({
        body: present(s.versionList, { items: await listVersions(deps, context, id) }),
      }),
      createVersion: async ({ context, params: { id }, body }) => ({
        body: present(uploadTicket, ticketResponse(await requestUpload(deps, context, { ...body, documentId: id }))),
      }),
      restoreVersion: async ({ context, params: { id, n } }) => ({
        body: present(s.restoredVersion, await restoreVersion(deps, context, id, n)),
      }),
      getDocumentHistory: async ({ context, params: { id }, query }) => ({
        body: present(historyPage, await getHistory(deps, context, { type: 'document', id }, query)),
      }),
      listTrash: async ({ context, query }) => ({
        body: present(s.trashListing, await listTrash(deps, context, query)),
      }),
      restoreFromTrash: async ({ context, params: { id } }) => ({
        body: present(s.restoredItem, await restoreFromTrash(deps, context, id)),
      }),
    },
    { onNotFound: refusedLookupAudit(deps, 'document') },
  );
}

export const handler = lazyHandler(() => createDocumentsHandler(awsVaultDeps()));
