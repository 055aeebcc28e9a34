/**
 * Sync in the embedded runtime: the outbox records polled by the dispatcher into an in-process
 * queue (the same visibility, receive-count, dead-letter and backoff semantics as SQS), consumed by
 * the same use case the sync Lambda runs.
 */
import { dispatchPending, requeueLost } from '../../functions/sync/core/dispatch-sync.ts';
import type { SyncPolicyStore } from '../../functions/sync/core/sync-policy.ts';
import type { SyncRecordStore } from '../../functions/sync/core/sync-ports.ts';
import type { SyncEvent } from '../../functions/sync/core/sync-record.ts';
import { syncDocument, type SyncDeps, type SyncOutcome } from '../../functions/sync/core/sync-document.ts';
import type { DeadLetters } from '../../functions/sync/core/sync-admin.ts';
import { logger } from '../../functions/platform/observability.ts';
import { InProcessQueue, type ConsumerVerdict } from './in-process-queue.ts';

export interface LocalSyncOptions {
  /** As the CDK queue: the sync function's timeout and more. */
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  concurrency?: number;
  /** How often the dispatcher looks for pending records. */
  dispatchEveryMs?: number;
  /** Scales queue waits (the bench compresses backoff); 1000 is real time. */
  secondsToMs?: number;
  /** How long after a policy change held records are decided again (tests shorten it). */
  policySettleMs?: number;
}

/**
 * What `npm start` runs with: the pending records read every second, and eight syncs at once (a sync
 * mostly waits on the table and the portal; four left a burst queueing behind them, docs/performance.md).
 */
export const localSyncDefaults = { dispatchEveryMs: 1000, concurrency: 8 };

export interface LocalSync {
  queue: InProcessQueue<SyncEvent>;
  deadLetters: DeadLetters;
  /** One dispatcher pass now (tests; the poll does the same). */
  dispatch(): Promise<number>;
  /** Stops dispatching and consuming, and waits for what is running (it may still write). */
  stop(): Promise<void>;
}

/** The queue's answer to the use case's outcome: retries come back after their backoff. */
export function verdictOf(outcome: SyncOutcome): ConsumerVerdict {
  return outcome.outcome === 'retry' ? { retryAfterSeconds: outcome.delaySeconds } : { delete: true };
}

export function startLocalSync(
  deps: SyncDeps & { store: SyncRecordStore; policies: Pick<SyncPolicyStore, 'currentPolicy'> },
  options: LocalSyncOptions = {},
): LocalSync {
  const queue = new InProcessQueue<SyncEvent>({
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 60,
    maxReceiveCount: options.maxReceiveCount ?? deps.maxAttempts,
    concurrency: options.concurrency ?? localSyncDefaults.concurrency,
    ...(options.secondsToMs !== undefined ? { secondsToMs: options.secondsToMs } : {}),
  });
  const dispatchDeps = {
    store: deps.store,
    clock: deps.clock,
    policies: deps.policies,
    queue: { send: async (event: SyncEvent) => queue.send(event) },
    ...(options.policySettleMs !== undefined ? { policySettleMs: options.policySettleMs } : {}),
  };
  // A circuit breaker's half-open probe, with no extra request: while the portal fails, every
  // result waits out its own backoff (up to `backoff.maxSeconds`); the first push that succeeds
  // after failures (whichever result's backoff ended first) shows the portal is back and releases
  // the others now. A portal that flaps costs each waiting result at most one attempt per recovery.
  let portalFailing = false;
  queue.consume(async ({ body }) => {
    const outcome = await syncDocument(deps, body);
    if (outcome.outcome === 'retry') portalFailing = true;
    else if (outcome.outcome === 'synced' && portalFailing) {
      portalFailing = false;
      const released = queue.releaseRetries();
      logger.info('national warehouse answering again: results waiting for a retry released', { released });
    }
    return verdictOf(outcome);
  });

  // The in-process queue starts empty: records the last run left failed or queued get their message back.
  let running: Promise<number> | undefined = requeueLost(dispatchDeps)
    .catch((error: unknown) => {
      logger.error('sync requeue failed', { error });
      return 0;
    })
    .finally(() => {
      running = undefined;
    });
  const dispatch = () => {
    // One pass at a time: two would send the same record twice (harmless, but wasteful).
    running ??= dispatchPending(dispatchDeps).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    dispatch().catch((error: unknown) => logger.error('sync dispatch failed', { error }));
  }, options.dispatchEveryMs ?? localSyncDefaults.dispatchEveryMs);
  timer.unref();

  return {
    queue,
    deadLetters: { redrive: async () => ({ moved: queue.redriveDeadLetters() }) },
    dispatch,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await queue.stop();
    },
  };
}
