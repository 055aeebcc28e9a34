import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { loadLambdaConfig } from '../../composition/config.ts';
import { dynamoDocumentClient, kmsClient } from '../../platform/adapters/aws-clients.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { createDynamoSyncStore } from '../adapters/dynamo-sync-store.ts';
import { createKmsWebhookSecrets } from '../adapters/kms-webhook-secrets.ts';
import { resolveWithDns, sendToVettedAddress } from '../adapters/webhook-http.ts';
import { unitSyncRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { defaultFeedSettings, readChangeFeed } from '../core/change-feed.ts';
import {
  currentSyncPolicy,
  deleteSyncRule,
  getSyncRule,
  putSyncRule,
  syncPolicyVersions,
  type SyncPolicyDeps,
} from '../core/manage-sync-policy.ts';
import { deployedWebhookTargets } from '../core/webhook-target.ts';
import {
  defaultDeliverySettings,
  deleteWebhook,
  enableWebhook,
  listWebhookDeliveries,
  listWebhooks,
  publicWebhook,
  registerWebhook,
  type WebhookDeps,
} from '../core/webhooks.ts';

export type UnitSyncDeps = SyncPolicyDeps & WebhookDeps;

export function createUnitSyncHandler(deps: UnitSyncDeps) {
  return createHttpHandler(unitSyncRoutes, {
    listSyncPolicies: async ({ context }) => ({ body: present(s.syncPolicy, await currentSyncPolicy(deps, context)) }),
    listSyncPolicyVersions: async ({ context }) => ({
      body: present(s.syncPolicyVersionList, { items: await syncPolicyVersions(deps, context) }),
    }),
    getSyncPolicy: async ({ context, params: { unit, documentType } }) => ({
      body: present(s.syncRule, await getSyncRule(deps, context, unit, documentType)),
    }),
    putSyncPolicy: async ({ context, params: { unit, documentType }, body }) => {
      const version = await putSyncRule(deps, context, { unit, documentType, ...body });
      const rule = version.rules.find((r) => r.unit === unit && r.documentType === documentType);
      return { body: present(s.syncRule, rule) };
    },
    deleteSyncPolicy: async ({ context, params: { unit, documentType } }) => {
      await deleteSyncRule(deps, context, unit, documentType);
      return {};
    },
    readChanges: async ({ context, query }) => ({
      body: present(s.changesPage, await readChangeFeed(deps, context, query)),
    }),
    registerWebhook: async ({ context, body }) => {
      const { webhook, secret } = await registerWebhook(deps, context, body);
      return { body: present(s.registeredWebhook, { ...publicWebhook(webhook), secret }) };
    },
    listWebhooks: async ({ context }) => ({
      body: present(s.webhookList, { items: (await listWebhooks(deps, context)).map(publicWebhook) }),
    }),
    enableWebhook: async ({ context, params: { id } }) => ({
      body: present(s.webhook, publicWebhook(await enableWebhook(deps, context, id))),
    }),
    deleteWebhook: async ({ context, params: { id } }) => {
      await deleteWebhook(deps, context, id);
      return {};
    },
    listWebhookDeliveries: async ({ context, params: { id }, query }) => ({
      body: present(s.webhookDeliveryPage, await listWebhookDeliveries(deps, context, id, query)),
    }),
  });
}

/**
 * The sync dependencies on AWS: deployed stages deliver to public HTTPS addresses only, and
 * webhook secrets are sealed by the stage's webhook-secrets KMS key.
 */
export function awsUnitSyncDeps(): UnitSyncDeps {
  const vault = awsVaultDeps();
  const config = loadLambdaConfig();
  if (!config.WEBHOOK_SECRET_KEY_ID) throw new Error('Invalid Lambda configuration: WEBHOOK_SECRET_KEY_ID is not set');
  const store = createDynamoSyncStore(new DynamoTable(dynamoDocumentClient(), config.TABLE_NAME));
  return {
    repository: vault.repository,
    clock: vault.clock,
    ids: vault.ids,
    syncPolicies: store,
    changeFeed: store,
    webhooks: store,
    feedSettings: defaultFeedSettings,
    resolveHost: resolveWithDns,
    webhookTargets: deployedWebhookTargets,
    sendWebhook: sendToVettedAddress,
    deliverySettings: defaultDeliverySettings,
    webhookSecrets: createKmsWebhookSecrets(kmsClient(), config.WEBHOOK_SECRET_KEY_ID),
  };
}

export const handler = lazyHandler(() => createUnitSyncHandler(awsUnitSyncDeps()));
