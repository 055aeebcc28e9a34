import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiEvent } from '../../functions/platform/http/http-handler.ts';
import { lazyHandler } from '../../functions/platform/lazy-handler.ts';
import { logger } from '../../functions/platform/observability.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { createDynamoPullStore } from '../../functions/sync/adapters/dynamo-pull-store.ts';
import type { NationalWarehouseConfigInput } from '../../functions/sync/adapters/national-warehouse-config.ts';
import { createNationalWarehouseHttpClient } from '../../functions/sync/adapters/national-warehouse-http-client.ts';
import { deliverPull, pullMaxReceiveCount } from '../../functions/sync/core/pull-delivery.ts';
import { defaultPullRetryPolicy, type PullDeps, type PullRetryPolicy } from '../../functions/sync/core/pull-results.ts';
import { createPullsHandler } from '../../functions/sync/handlers/pulls.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';
import { InProcessQueue } from './in-process-queue.ts';

export interface LocalPulls {
  deps: PullDeps;
  handler: ReturnType<typeof lazyHandler<ApiEvent, APIGatewayProxyStructuredResultV2>>;
  /** The pulls queue, with SQS's receive counts and dead letters. */
  queue: InProcessQueue<{ pullId: string }>;
  /** Resolves when no pull is queued or running (tests wait on it). */
  idle(): Promise<void>;
  /** Stops taking pulls, and waits for those running (they may still write). */
  stop(): Promise<void>;
}

export interface LocalPullsOptions {
  /** How pulls retry the portal (tests shorten the backoff). */
  retry?: PullRetryPolicy;
  /** Scales the queue's waits (tests run the minutes of a retry in moments); 1000 is real time. */
  secondsToMs?: number;
}

/**
 * Pulls on the embedded runtime: the same use cases, and the same delivery as on AWS through an
 * in-process queue with the pulls queue's receive limit, so a run that throws is retried after
 * the same backoff and failed on its last receive here too.
 */
export function createLocalPulls(
  vault: Pick<VaultDeps, 'repository' | 'blobs' | 'clock' | 'ids' | 'policy'>,
  db: DynamoDBDocumentClient,
  tableName: string,
  warehouseConfig: NationalWarehouseConfigInput,
  options: LocalPullsOptions = {},
): LocalPulls {
  const queue = new InProcessQueue<{ pullId: string }>({
    // As the worker's timeout on AWS. Only a delivery that could not even fail its pull throws here;
    // it is seen again after this, past its last receive, and so lands in the dead letters.
    visibilityTimeoutSeconds: 600,
    maxReceiveCount: pullMaxReceiveCount,
    concurrency: 4,
    pollMs: 20,
    ...(options.secondsToMs !== undefined ? { secondsToMs: options.secondsToMs } : {}),
  });
  const deps: PullDeps = {
    repository: { ...vault.repository, ...createDynamoPullStore(new DynamoTable(db, tableName)) },
    blobs: vault.blobs,
    clock: vault.clock,
    ids: vault.ids,
    policy: vault.policy,
    warehouse: createNationalWarehouseHttpClient(warehouseConfig),
    retry: options.retry ?? defaultPullRetryPolicy,
    dispatcher: { dispatch: async (pullId) => queue.send({ pullId }) },
  };
  queue.consume(async ({ body: { pullId }, receiveCount }) => {
    const delivery = await deliverPull(deps, pullId, receiveCount);
    if (delivery.outcome === 'ran') return { delete: true };
    if (delivery.outcome === 'abandoned') {
      logger.error('pull failed on its last receive; marked failed', { pullId, receiveCount, error: delivery.error });
      return { delete: true };
    }
    logger.warn('pull run failed; it will be retried', { pullId, receiveCount, error: delivery.error });
    return { retryAfterSeconds: delivery.delaySeconds };
  });
  return {
    deps,
    handler: lazyHandler(() => createPullsHandler(deps)),
    queue,
    idle: async () => {
      for (;;) {
        const { queued, inFlight } = queue.depth();
        if (queued + inFlight === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: () => queue.stop(),
  };
}
