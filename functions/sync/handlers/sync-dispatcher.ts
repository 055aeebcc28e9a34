import { awsSyncDispatchDeps } from '../../composition/aws-sync-deps.ts';
import { logger } from '../../platform/observability.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { dispatchPending, type DispatchDeps } from '../core/dispatch-sync.ts';

/**
 * More than a minute's filings at the busiest: the pass reads the oldest pending records not yet
 * queued (through the by-state index; those already queued are filtered out by the table).
 */
const recordsPerPass = 2000;

/**
 * Run every minute by an EventBridge schedule: decides held records again after a policy change,
 * releases the hourly batch whose hour has come, and hands the outbox's pending records to the sync queue.
 */
export function createSyncDispatcher(deps: DispatchDeps) {
  return async (): Promise<{ sent: number }> => {
    const sent = await dispatchPending(deps, recordsPerPass);
    if (sent > 0) logger.info('sync records dispatched', { sent });
    return { sent };
  };
}

export const handler = lazyHandler(() => createSyncDispatcher(awsSyncDispatchDeps()), { correlationIdPath: 'id' });
