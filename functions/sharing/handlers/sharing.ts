import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getAccessLog } from '../core/access-log.ts';
import {
  getSharedDocument, getSharedDocumentContentUrl, getSharedDocumentText, getSharedResource, listSharedItems,
} from '../core/grantee-access.ts';
import { createLink, getLinkContentUrl, listLinks, openLink, revokeLink, type LinkCredentials, type LinkRequest } from '../core/links.ts';
import { getDocumentContentForProcedure, getDocumentForProcedure, type ReadPurpose } from '../core/officer-access.ts';
import type { ShareLink } from '../core/share-model.ts';
import { grantShare, listShares, revokeShare, type ListedShare, type ShareListQuery, type ShareRequest } from '../core/shares.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { sharingRoutes } from './routes.ts';
import * as s from './schemas.ts';
import { historyPage } from '../../audit/handlers/schemas.ts';
import { createHttpHandler, type ApiRequest } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

type Id = { id: string };
type SharedDocumentId = { id: string; documentId: string };
type OfficerDocument = { ownerId: string; documentId: string };
type PageQuery = { limit: number; cursor?: string };
type FolderPageQuery = PageQuery & { folderId?: string };

/** The grantee's view of a share: its terms and the resource's name, not who else holds it. */
const incomingView = ({ share, active, resourceName }: ListedShare) => present(s.incomingShare, { ...share, active, resourceName });
const linkSummary = (link: ShareLink) => present(s.link, { ...link, pinProtected: link.pin !== undefined });
const linkCredentials = ({ params, headers }: ApiRequest): LinkCredentials => {
  const pin = headers['x-link-pin'];
  return { token: (params as { link: string }).link, ...(pin !== undefined ? { pin } : {}) };
};

export function createSharingHandler(deps: VaultDeps) {
  return createHttpHandler(sharingRoutes, {
    createShare: async ({ context, body }) => ({ body: present(s.share, await grantShare(deps, context, body as ShareRequest)) }),
    listShares: async ({ context, query }) => {
      const request = query as unknown as ShareListQuery;
      const page = await listShares(deps, context, request);
      const items = request.direction === 'incoming'
        ? page.items.map(incomingView)
        : page.items.map(({ share, active }) => present(s.share, { ...share, active }));
      return { body: present(s.shareList, { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }) };
    },
    getShare: async ({ context, params }) => {
      const { share, document, folder } = await getSharedResource(deps, context, (params as Id).id);
      const resourceName = document?.title ?? folder?.name;
      return { body: present(s.sharedResource, { share: incomingView({ share, active: true, ...(resourceName ? { resourceName } : {}) }), document, folder }) };
    },
    revokeShare: async ({ context, params }) => {
      await revokeShare(deps, context, (params as Id).id);
      return {};
    },
    listSharedItems: async ({ context, params, query }) => {
      const { folderId, ...page } = query as FolderPageQuery;
      return { body: present(s.sharedItems, await listSharedItems(deps, context, (params as Id).id, folderId, page)) };
    },
    getSharedDocument: async ({ context, params }) => {
      const { id, documentId } = params as SharedDocumentId;
      return { body: present(s.sharedDocument, await getSharedDocument(deps, context, id, documentId)) };
    },
    getSharedDocumentText: async ({ context, params }) => {
      const { id, documentId } = params as SharedDocumentId;
      return { rawBody: await getSharedDocumentText(deps, context, id, documentId), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    },
    getSharedDocumentContent: async ({ context, params }) => {
      const { id, documentId } = params as SharedDocumentId;
      return { headers: { location: await getSharedDocumentContentUrl(deps, context, id, documentId) } };
    },
    createLink: async ({ context, body }) => {
      const { link, token } = await createLink(deps, context, body as LinkRequest);
      return { body: present(s.createdLink, { link: linkSummary(link), token, path: `/v1/links/${token}` }) };
    },
    listLinks: async ({ context, query }) => {
      const page = await listLinks(deps, context, query as PageQuery);
      return { body: present(s.linkList, { items: page.items.map(linkSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }) };
    },
    revokeLink: async ({ context, params }) => {
      await revokeLink(deps, context, (params as { link: string }).link);
      return {};
    },
    openLink: async (request) => {
      const { folderId, ...page } = request.query as FolderPageQuery;
      const { link, view } = await openLink(deps, request.context, linkCredentials(request), { ...(folderId ? { folderId } : {}), page });
      return {
        body: present(s.linkView, {
          ...link,
          ...(link.maxUses !== undefined ? { remainingUses: link.maxUses - link.uses } : {}),
          ...view,
        }),
      };
    },
    getLinkContent: async (request) => {
      const { documentId } = request.query as { documentId?: string };
      return { headers: { location: await getLinkContentUrl(deps, request.context, linkCredentials(request), documentId) } };
    },
    getDocumentForProcedure: async ({ context, params, query }) => {
      const { ownerId, documentId } = params as OfficerDocument;
      return { body: present(s.sharedDocument, await getDocumentForProcedure(deps, context, ownerId, documentId, query as unknown as ReadPurpose)) };
    },
    getDocumentContentForProcedure: async ({ context, params, query }) => {
      const { ownerId, documentId } = params as OfficerDocument;
      return { headers: { location: await getDocumentContentForProcedure(deps, context, ownerId, documentId, query as unknown as ReadPurpose) } };
    },
    getAccessLog: async ({ context, query }) => ({ body: present(historyPage, await getAccessLog(deps, context, query as PageQuery)) }),
  });
}

export const handler = lazyHandler(() => createSharingHandler(awsVaultDeps()));
