import { deliverDueWebhooks } from '../core/webhooks.ts';
import { awsUnitSyncDeps, type UnitSyncDeps } from './unit-sync.ts';

/** One round of webhook deliveries (a schedule on AWS, a timer in the embedded runtime). */
export function createWebhookDeliveryHandler(deps: UnitSyncDeps) {
  return async (): Promise<void> => {
    await deliverDueWebhooks(deps);
  };
}

let deps: UnitSyncDeps | undefined;
export const handler = () => createWebhookDeliveryHandler((deps ??= awsUnitSyncDeps()))();
