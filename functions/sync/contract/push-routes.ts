import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { portalLinkSeconds } from '../core/portal-links.ts';
import { portalLinkParams, syncRedrive, syncStatus } from './push-schemas.ts';

/** Administration of the push to the national warehouse (the sync Lambda's admin routes). */
export const pushSyncRoutes = [
  defineRoute({
    operationId: 'getSyncStatus',
    method: 'GET',
    path: '/v1/admin/sync/status',
    group: 'sync',
    summary: 'Sync records by state, and the dead ones with their last error (administrators)',
    status: 200,
    response: syncStatus,
  }),
  defineRoute({
    operationId: 'redriveSync',
    method: 'POST',
    path: '/v1/admin/sync/redrive',
    group: 'sync',
    summary: 'Retry every dead sync record and move the dead-letter queue back (administrators; audited)',
    description:
      'Dead records become pending again with their attempts reset (the dispatcher queues them), and the ' +
      "dead-letter queue's messages are moved back to the sync queue. Anyone else is refused with 403, audited.",
    status: 200,
    response: syncRedrive,
  }),
] as const;

/** The download link of a pushed result, fetched by the national warehouse (its own Lambda: public, least rights). */
export const portalLinkRoutes = [
  defineRoute({
    operationId: 'openPortalLink',
    method: 'GET',
    path: '/v1/portal-links/{token}',
    group: 'portalLinks',
    public: true,
    summary: "The national warehouse's download of a pushed result: a redirect to a 5-minute presigned GET",
    description:
      'The link a dossier pushed to the national warehouse carries (DuongDanTepTinKetQua); the token is the ' +
      `credential. Valid for ${portalLinkSeconds / 3600} hours from the push and fetchable again until then, ` +
      "each fetch audited in the owner's access log. Unknown, expired, revoked or deleted results answer the " +
      'same 404 (not-found).',
    params: portalLinkParams,
    status: 302,
  }),
] as const;
