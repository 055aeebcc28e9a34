import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { idParams } from '../../platform/http/contract/schemas.ts';
import {
  changesPage,
  changesQuery,
  deliveriesQuery,
  registeredWebhook,
  registerWebhookBody,
  syncPolicy,
  syncPolicyVersionList,
  syncRule,
  syncRuleBody,
  syncRuleParams,
  webhook,
  webhookDeliveryPage,
  webhookList,
  createPullBody,
  pull,
  pullParams,
  pullReport,
} from './schemas.ts';

const rulePath = '/v1/admin/sync/policies/{unit}/{documentType}';

/** The sync policy (administrators), the units' change feed and their webhooks (units' systems, sync:read). */
export const unitSyncRoutes = [
  defineRoute({
    operationId: 'listSyncPolicies',
    method: 'GET',
    path: '/v1/admin/sync/policies',
    group: 'unitSync',
    summary: 'The current sync policy: every rule and the version (administrators)',
    status: 200,
    response: syncPolicy,
  }),
  defineRoute({
    operationId: 'listSyncPolicyVersions',
    method: 'GET',
    path: '/v1/admin/sync/policies/versions',
    group: 'unitSync',
    summary: 'Every version of the sync policy, oldest first (administrators)',
    status: 200,
    response: syncPolicyVersionList,
  }),
  defineRoute({
    operationId: 'getSyncPolicy',
    method: 'GET',
    path: rulePath,
    group: 'unitSync',
    summary: 'The rule for a unit and a document type (* for any), as set (administrators)',
    params: syncRuleParams,
    status: 200,
    response: syncRule,
  }),
  defineRoute({
    operationId: 'putSyncPolicy',
    method: 'PUT',
    path: rulePath,
    group: 'unitSync',
    summary: 'Set the rule for a unit and a document type: a new policy version, audited (administrators)',
    description:
      'The most specific rule applies: unit and type, then unit and *, then * and type, then * and *; with none, ' +
      'immediate push, no sharing, kept. Sharing is applied when the feed is read, so a change applies to later reads.',
    params: syncRuleParams,
    body: syncRuleBody,
    status: 200,
    response: syncRule,
  }),
  defineRoute({
    operationId: 'deleteSyncPolicy',
    method: 'DELETE',
    path: rulePath,
    group: 'unitSync',
    summary: 'Remove the rule for a unit and a document type: a new policy version, audited (administrators)',
    params: syncRuleParams,
    status: 204,
  }),
  defineRoute({
    operationId: 'readChanges',
    method: 'GET',
    path: '/v1/integration/changes',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary: "Issued documents filed or revoked that the policy shares with the caller's unit (metadata only)",
    description:
      "Units' systems with sync:read only (403 otherwise). In feed order (time, then owner), at least once: keep " +
      'nextCursor and read from it later; the read stops at the present minus a few seconds so nothing committing ' +
      'is passed. A cursor not from this feed is refused with 422 (invalid-input).',
    query: changesQuery,
    status: 200,
    response: changesPage,
  }),
  defineRoute({
    operationId: 'registerWebhook',
    method: 'POST',
    path: '/v1/integration/webhooks',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary: "Register a webhook for the caller's unit; the signing secret is answered once",
    description:
      'Refused with 400 (webhook-target-refused): not https (deployed stages), credentials in the URL, or a host resolving to a private, ' +
      'loopback, link-local or metadata address. Deliveries start at the present end of the feed.',
    body: registerWebhookBody,
    status: 201,
    response: registeredWebhook,
  }),
  defineRoute({
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/v1/integration/webhooks',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary: "The caller's unit's webhooks (never their secrets)",
    status: 200,
    response: webhookList,
  }),
  defineRoute({
    operationId: 'enableWebhook',
    method: 'POST',
    path: '/v1/integration/webhooks/{id}/enable',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary:
      'Enable a webhook again: failures are forgotten and what it missed is delivered from its place in the feed',
    params: idParams,
    status: 200,
    response: webhook,
  }),
  defineRoute({
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/integration/webhooks/{id}',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary: "Remove one of the unit's webhooks",
    params: idParams,
    status: 204,
  }),
  defineRoute({
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/integration/webhooks/{id}/deliveries',
    group: 'unitSync',
    machineScope: 'sync:read',
    summary: 'Every delivery attempt of a webhook of the unit, newest first: status, attempt, latency',
    params: idParams,
    query: deliveriesQuery,
    status: 200,
    response: webhookDeliveryPage,
  }),
] as const;

/** Pulls of an owner's papers from the national warehouse (the pulls Lambda). */
export const pullRoutes = [
  defineRoute({
    operationId: 'createPull',
    method: 'POST',
    path: '/v1/national-warehouse/pulls',
    group: 'pulls',
    summary: "Pull papers for a procedure from the national warehouse into the owner's vault (own, or with consent)",
    description:
      'Citizens and organisations pull their own papers. An officer names the owner and the case file, and is refused ' +
      "(403 permission-denied, audited in the owner's access log) unless the owner gave the officer's unit an active " +
      'consent on that folder. ' +
      'Answers at once; the pull runs in the background. Each file is checked like an upload, filed once in the ' +
      'folder "Từ kho dữ liệu quốc gia" (source imported, never sealed by us), and reported already-in-vault when ' +
      'the vault holds the same paper (type, number, issuing body) or the same content.',
    body: createPullBody,
    status: 202,
    response: pull,
  }),
  defineRoute({
    operationId: 'getPull',
    method: 'GET',
    path: '/v1/national-warehouse/pulls/{id}',
    group: 'pulls',
    summary: "A pull's state and each file's outcome (only the requester and the owner see it)",
    params: pullParams,
    status: 200,
    response: pullReport,
  }),
];
