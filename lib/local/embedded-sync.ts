/**
 * The push to the national warehouse in the embedded runtime: the outbox dispatcher and the
 * in-process queue running the sync use case, against the runtime's one national warehouse
 * (local-national-warehouse.ts: the configured portal, or the built-in simulator), so
 * `npm start` shows sync working with nothing else running.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoSyncStoreWithDocuments } from '../../functions/composition/dynamo-sync-store.ts';
import { randomIds, systemClock } from '../../functions/platform/core/runtime.ts';
import { createNationalWarehouseHttpClient } from '../../functions/sync/adapters/national-warehouse-http-client.ts';
import { defaultBackoff, defaultMaxAttempts } from '../../functions/sync/core/backoff.ts';
import type { DossierDefaults } from '../../functions/sync/core/dossier-defaults.ts';
import { storedSyncPolicy } from '../../functions/sync/core/sync-policy.ts';
import { createDynamoPortalLinkStore } from '../../functions/sync/adapters/dynamo-portal-link-store.ts';
import { createDynamoSyncStore } from '../../functions/sync/adapters/dynamo-sync-store.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import type { SyncAdminDeps } from '../../functions/sync/core/sync-admin.ts';
import type { UnitOfWork } from '../../functions/vault/core/unit-of-work.ts';
import type { LocalNationalWarehouse } from './local-national-warehouse.ts';
import { startLocalSync } from './local-sync.ts';

export interface EmbeddedSync {
  /** The portal pushed to, and whether it is the built-in simulator. */
  nationalWarehouse: { url: string; simulated: boolean };
  admin: SyncAdminDeps;
  stop(): Promise<void>;
}

export function startEmbeddedSync(options: {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** This server's own origin: the portal's download links point at its /v1/portal-links route. */
  apiUrl: string;
  dossierDefaults: DossierDefaults;
  repository: Pick<UnitOfWork, 'appendAudit'>;
  nationalWarehouse: LocalNationalWarehouse;
}): EmbeddedSync {
  const { config, simulator } = options.nationalWarehouse;
  const store = createDynamoSyncStoreWithDocuments(options.db, options.tableName);
  const table = new DynamoTable(options.db, options.tableName);
  const policies = createDynamoSyncStore(table);
  const sync = startLocalSync({
    store,
    portalLinks: { store: createDynamoPortalLinkStore(table), baseUrl: options.apiUrl },
    warehouse: createNationalWarehouseHttpClient(config),
    // The administrators' stored policy; with none stored, every issued result is pushed at once.
    policy: storedSyncPolicy(policies),
    policies,
    clock: systemClock,
    defaults: options.dossierDefaults,
    maxAttempts: defaultMaxAttempts,
    backoff: defaultBackoff,
  });
  return {
    nationalWarehouse: { url: config.baseUrl, simulated: Boolean(simulator) },
    admin: { store, deadLetters: sync.deadLetters, audit: options.repository, clock: systemClock, ids: randomIds },
    stop: () => sync.stop(),
  };
}
