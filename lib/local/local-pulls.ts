import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiEvent } from '../../functions/platform/http/http-handler.ts';
import { lazyHandler } from '../../functions/platform/lazy-handler.ts';
import { logger } from '../../functions/platform/observability.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { createDynamoPullStore } from '../../functions/sync/adapters/dynamo-pull-store.ts';
import type { NationalWarehouseConfigInput } from '../../functions/sync/adapters/national-warehouse-config.ts';
import { createNationalWarehouseHttpClient } from '../../functions/sync/adapters/national-warehouse-http-client.ts';
import {
  defaultPullRetryPolicy,
  runPull,
  type PullDeps,
  type PullRetryPolicy,
} from '../../functions/sync/core/pull-results.ts';
import { createPullsHandler } from '../../functions/sync/handlers/pulls.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';

export interface LocalPulls {
  deps: PullDeps;
  handler: ReturnType<typeof lazyHandler<ApiEvent, APIGatewayProxyStructuredResultV2>>;
  /** Resolves when no pull is running (tests wait on it; close() too). */
  idle(): Promise<void>;
}

/** Pulls on the embedded runtime: the same use cases, the worker run in process instead of by Step Functions. */
export function createLocalPulls(
  vault: VaultDeps,
  db: DynamoDBDocumentClient,
  tableName: string,
  warehouseConfig: NationalWarehouseConfigInput,
  retry: PullRetryPolicy = defaultPullRetryPolicy,
): LocalPulls {
  const running = new Set<Promise<void>>();
  const deps: PullDeps = {
    repository: { ...vault.repository, ...createDynamoPullStore(new DynamoTable(db, tableName)) },
    blobs: vault.blobs,
    clock: vault.clock,
    ids: vault.ids,
    policy: vault.policy,
    warehouse: createNationalWarehouseHttpClient(warehouseConfig),
    retry,
    dispatcher: {
      dispatch: async (pullId) => {
        const run = runPull(deps, pullId)
          .catch((error: unknown) => logger.error('pull worker failed', { pullId, error }))
          .finally(() => running.delete(run));
        running.add(run);
      },
    },
  };
  return {
    deps,
    handler: lazyHandler(() => createPullsHandler(deps)),
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
