import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getAccessLog } from '../core/access-log.ts';
import {
  getSharedDocument,
  getSharedDocumentContentUrl,
  getSharedDocumentText,
  getSharedResource,
  listSharedItems,
} from '../core/grantee-access.ts';
import { createLink, getLinkContentUrl, listLinks, openLink, revokeLink, type LinkCredentials } from '../core/links.ts';
import { getDocumentContentForProcedure, getDocumentForProcedure } from '../core/officer-access.ts';
import type { ShareLink } from '../core/share-model.ts';
import { grantShare, listShares, revokeShare, type ListedShare } from '../core/shares.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { sharingRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { historyPage } from '../../audit/contract/schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

/** The grantee's view of a share: its terms and the resource's name, not who else holds it. */
const incomingView = ({ share, active, resourceName }: ListedShare) =>
  present(s.incomingShare, { ...share, active, resourceName });
const linkSummary = (link: ShareLink) => present(s.link, { ...link, pinProtected: link.pin !== undefined });
/** A public link route's credentials: the token in the path and, when the link has one, the PIN header. */
const linkCredentials = (token: string, headers: Record<string, string | undefined>): LinkCredentials => {
  const pin = headers['x-link-pin'];
  return { token, ...(pin !== undefined ? { pin } : {}) };
};

export function createSharingHandler(deps: VaultDeps) {
  return createHttpHandler(sharingRoutes, {
    createShare: async ({ context, body }) => ({ body: present(s.share, await grantShare(deps, context, body)) }),
    listShares: async ({ context, query }) => {
      const page = await listShares(deps, context, query);
      const items =
        query.direction === 'incoming'
          ? page.items.map(incomingView)
          : page.items.map(({ share, active }) => present(s.share, { ...share, active }));
      return { body: present(s.shareList, { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }) };
    },
    getShare: async ({ context, params: { id } }) => {
      const { share, document, folder } = await getSharedResource(deps, context, id);
      const resourceName = document?.title ?? folder?.name;
      const incoming = incomingView({ share, active: true, ...(resourceName ? { resourceName } : {}) });
      return { body: present(s.sharedResource, { share: incoming, document, folder }) };
    },
    revokeShare: async ({ context, params: { id } }) => {
      await revokeShare(deps, context, id);
      return {};
    },
    listSharedItems: async ({ context, params: { id }, query: { folderId, ...page } }) => ({
      body: present(s.sharedItems, await listSharedItems(deps, context, id, folderId, page)),
    }),
    getSharedDocument: async ({ context, params: { id, documentId } }) => ({
      body: present(s.sharedDocument, await getSharedDocument(deps, context, id, documentId)),
    }),
    getSharedDocumentText: async ({ context, params: { id, documentId } }) => ({
      rawBody: await getSharedDocumentText(deps, context, id, documentId),
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    }),
    getSharedDocumentContent: async ({ context, params: { id, documentId } }) => ({
      headers: { location: await getSharedDocumentContentUrl(deps, context, id, documentId) },
    }),
    createLink: async ({ context, body }) => {
      const { link, token } = await createLink(deps, context, body);
      return { body: present(s.createdLink, { link: linkSummary(link), token, path: `/v1/shared-links/${token}` }) };
    },
    listLinks: async ({ context, query }) => {
      const page = await listLinks(deps, context, query);
      const items = page.items.map(linkSummary);
      return { body: present(s.linkList, { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }) };
    },
    revokeLink: async ({ context, params: { linkId } }) => {
      await revokeLink(deps, context, linkId);
      return {};
    },
    openLink: async ({ context, params, headers, query: { folderId, ...page } }) => {
      const credentials = linkCredentials(params.token, headers);
      const { link, view } = await openLink(deps, context, credentials, { ...(folderId ? { folderId } : {}), page });
      return {
        body: present(s.linkView, {
          ...link,
          ...(link.maxUses !== undefined ? { remainingUses: link.maxUses - link.uses } : {}),
          ...view,
        }),
      };
    },
    getLinkContent: async ({ context, params, headers, query: { documentId } }) => {
      const location = await getLinkContentUrl(deps, context, linkCredentials(params.token, headers), documentId);
      return { headers: { location } };
    },
    getDocumentForProcedure: async ({ context, params: { ownerId, documentId }, query }) => ({
      body: present(s.sharedDocument, await getDocumentForProcedure(deps, context, ownerId, documentId, query)),
    }),
    getDocumentContentForProcedure: async ({ context, params: { ownerId, documentId }, query }) => {
      const location = await getDocumentContentForProcedure(deps, context, ownerId, documentId, query);
      return { headers: { location } };
    },
    getAccessLog: async ({ context, query }) => ({
      body: present(historyPage, await getAccessLog(deps, context, query)),
    }),
  });
}

export const handler = lazyHandler(() => createSharingHandler(awsVaultDeps()));
