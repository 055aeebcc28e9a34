import { awsSyncDeadLetters } from '../../composition/aws-sync-deps.ts';
import { loadLambdaConfig } from '../../composition/config.ts';
import { createDynamoRepository } from '../../composition/dynamo-repository.ts';
import { dynamoDocumentClient } from '../../platform/adapters/aws-clients.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { present } from '../../platform/http/present.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { randomIds, systemClock } from '../../platform/core/runtime.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { createDynamoSyncRecordStore } from '../adapters/dynamo-sync-record-store.ts';
import { pushSyncRoutes } from '../contract/push-routes.ts';
import * as s from '../contract/push-schemas.ts';
import { redriveSync, syncStatus, type SyncAdminDeps } from '../core/sync-admin.ts';

/** The sync administration routes: status and redrive. */
export function createSyncAdminHandler(deps: SyncAdminDeps) {
  return createHttpHandler(pushSyncRoutes, {
    getSyncStatus: async ({ context }) => ({ body: present(s.syncStatus, await syncStatus(deps, context)) }),
    redriveSync: async ({ context }) => ({ body: present(s.syncRedrive, await redriveSync(deps, context)) }),
  });
}

export const handler = lazyHandler(() => {
  const { TABLE_NAME } = loadLambdaConfig();
  const db = dynamoDocumentClient();
  return createSyncAdminHandler({
    store: createDynamoSyncRecordStore(new DynamoTable(db, TABLE_NAME)),
    deadLetters: awsSyncDeadLetters(),
    audit: createDynamoRepository(db, TABLE_NAME),
    clock: systemClock,
    ids: randomIds,
  });
});
