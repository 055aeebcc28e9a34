import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { syncRedrive, syncStatus } from './push-schemas.ts';

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
