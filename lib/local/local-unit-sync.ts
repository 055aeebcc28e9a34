import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logger } from '../../functions/platform/observability.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { createDynamoSyncStore } from '../../functions/sync/adapters/dynamo-sync-store.ts';
import { createAesWebhookSecrets } from '../../functions/sync/adapters/aes-webhook-secrets.ts';
import { resolveWithDns, sendToVettedAddress } from '../../functions/sync/adapters/webhook-http.ts';
import { defaultFeedSettings, type FeedSettings } from '../../functions/sync/core/change-feed.ts';
import type { HostResolver, WebhookTargetRules } from '../../functions/sync/core/webhook-target.ts';
import { defaultDeliverySettings, type WebhookDeliverySettings } from '../../functions/sync/core/webhooks.ts';
import { createWebhookDeliveryHandler } from '../../functions/sync/handlers/deliver-webhooks.ts';
import type { UnitSyncDeps } from '../../functions/sync/handlers/unit-sync.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';

export interface LocalUnitSyncOptions {
  /** Where webhooks may point: by default http and loopback too, so tests can run a receiver here. */
  webhookTargets?: WebhookTargetRules;
  /** How webhook host names resolve (the system resolver by default); tests answer what they need. */
  resolveHost?: HostResolver;
  feedSettings?: Partial<FeedSettings>;
  deliverySettings?: Partial<WebhookDeliverySettings>;
  /** How often the delivery worker runs (a schedule on AWS). */
  deliveryPollMs?: number;
}

const localWebhookTargets: WebhookTargetRules = { requireHttps: false, allowLoopback: true };

/**
 * The sync feature's dependencies on the embedded runtime, and its webhook worker on a timer.
 * Webhook secrets are sealed with AES-256-GCM under `webhookSecretKey` (kept in the data folder).
 */
export function startLocalUnitSync(
  vault: VaultDeps,
  db: DynamoDBDocumentClient,
  tableName: string,
  webhookSecretKey: Uint8Array,
  options: LocalUnitSyncOptions = {},
): { deps: UnitSyncDeps; stop(): Promise<void> } {
  const store = createDynamoSyncStore(new DynamoTable(db, tableName));
  const deps: UnitSyncDeps = {
    repository: vault.repository,
    clock: vault.clock,
    ids: vault.ids,
    syncPolicies: store,
    changeFeed: store,
    webhooks: store,
    feedSettings: { ...defaultFeedSettings, ...options.feedSettings },
    resolveHost: options.resolveHost ?? resolveWithDns,
    webhookTargets: options.webhookTargets ?? localWebhookTargets,
    sendWebhook: sendToVettedAddress,
    deliverySettings: { ...defaultDeliverySettings, ...options.deliverySettings },
    webhookSecrets: createAesWebhookSecrets(webhookSecretKey),
  };
  const deliver = createWebhookDeliveryHandler(deps);
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(deliver).catch((error: unknown) => logger.error('webhook delivery round failed', { error }));
  }, options.deliveryPollMs ?? 1_000);
  timer.unref();
  return {
    deps,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
