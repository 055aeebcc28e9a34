import { awsVaultDeps } from '../../composition/aws-deps.ts';
import {
  getContentUrl, getDocument, getRecognisedText, listTrash, restoreFromTrash, trashDocument, updateDocument, type DocumentChanges,
} from '../core/documents.ts';
import { getHistory } from '../../audit/core/history.ts';
import { requestUpload } from '../../digitize/core/uploads.ts';
import type { VaultDeps } from '../core/vault-deps.ts';
import { findDocuments, type DocumentQuery } from '../core/search.ts';
import { listVersions, restoreVersion } from '../core/versions.ts';
import * as s from '../../platform/http/contract/schemas.ts';
import { createHttpHandler, refusedLookupAudit } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';
import { presentUploadTicket } from '../../digitize/handlers/uploads.ts';

type Id = { id: string };
type PageQuery = { limit: number; cursor?: string };

export function createDocumentsHandler(deps: VaultDeps) {
  return createHttpHandler('documents', {
    listDocuments: async ({ context, query }) => ({ body: present(s.documentPage, await findDocuments(deps, context, query as unknown as DocumentQuery)) }),
    getDocument: async ({ context, params }) => ({ body: present(s.vaultDocument, await getDocument(deps, context, (params as Id).id)) }),
    updateDocument: async ({ context, params, body }) =>
      ({ body: present(s.vaultDocument, await updateDocument(deps, context, (params as Id).id, body as DocumentChanges)) }),
    deleteDocument: async ({ context, params }) => {
      await trashDocument(deps, context, (params as Id).id);
      return {};
    },
    getDocumentContent: async ({ context, params, query }) => {
      const { version } = query as { version?: number };
      const { url } = await getContentUrl(deps, context, (params as Id).id, version);
      return { headers: { location: url } };
    },
    getDocumentText: async ({ context, params, query }) => {
      const { version } = query as { version?: number };
      return {
        rawBody: await getRecognisedText(deps, context, (params as Id).id, version),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      };
    },
    listVersions: async ({ context, params }) =>
      ({ body: present(s.versionList, { items: await listVersions(deps, context, (params as Id).id) }) }),
    createVersion: async ({ context, params, body }) => {
      const input = body as { fileName: string; contentType: string; size: number };
      return { body: presentUploadTicket(await requestUpload(deps, context, { ...input, documentId: (params as Id).id })) };
    },
    restoreVersion: async ({ context, params }) => {
      const { id, n } = params as Id & { n: number };
      return { body: present(s.restoredVersion, await restoreVersion(deps, context, id, n)) };
    },
    getDocumentHistory: async ({ context, params, query }) =>
      ({ body: present(s.historyPage, await getHistory(deps, context, { type: 'document', id: (params as Id).id }, query as PageQuery)) }),
    listTrash: async ({ context, query }) => ({ body: present(s.trashListing, await listTrash(deps, context, query as PageQuery)) }),
    restoreFromTrash: async ({ context, params }) =>
      ({ body: present(s.restoredItem, await restoreFromTrash(deps, context, (params as Id).id)) }),
  }, { onNotFound: refusedLookupAudit(deps, 'document') });
}

export const handler = lazyHandler(() => createDocumentsHandler(awsVaultDeps()));
