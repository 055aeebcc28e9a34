/**
 * The outbox's dispatcher: a pending record not yet handed to the queue is sent, then marked
 * dispatched. Sent before marked, so a crash in between sends the event twice (the consumer
 * dedupes) rather than never. On AWS a schedule runs it every minute; locally a poll does.
 */
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { Clock } from '../../platform/core/runtime.ts';
import type { SyncQueue, SyncRecordStore } from './sync-ports.ts';
import { awaitsDispatch, type SyncRecord } from './sync-record.ts';

export interface DispatchDeps {
  store: SyncRecordStore;
  queue: SyncQueue;
  clock: Clock;
}

/** Sends the record's event if it still awaits dispatch; true when it was sent. */
export async function dispatchSyncRecord(deps: DispatchDeps, record: SyncRecord): Promise<boolean> {
  if (!awaitsDispatch(record)) return false;
  await deps.queue.send(record.event);
  try {
    await deps.store.putSyncRecord({ ...record, dispatchedAt: deps.clock.now().toISOString() }, record);
  } catch (error) {
    // The record moved on (a newer filing, the consumer already ran): the event is sent all the same.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
  return true;
}

/** Records handed over at once: each is a send and a conditional write, so a pass is not one long chain. */
const dispatchConcurrency = 16;

/** One pass over the pending records (the local poll, the scheduled dispatcher on AWS). */
export async function dispatchPending(deps: DispatchDeps, limit = 500): Promise<number> {
  const pending = await deps.store.listAwaitingDispatch(limit);
  let sent = 0;
  for (let start = 0; start < pending.length; start += dispatchConcurrency) {
    const batch = pending.slice(start, start + dispatchConcurrency);
    const results = await Promise.all(batch.map((record) => dispatchSyncRecord(deps, record)));
    sent += results.filter(Boolean).length;
  }
  return sent;
}

/**
 * Re-sends the events whose messages a restart lost: at the start of a runtime whose queue did not
 * survive it (the embedded one), records waiting for a retry, and pending records already handed
 * to the queue, still wait while their messages are gone.
 */
export async function requeueLost(deps: DispatchDeps, limit = 500): Promise<number> {
  const failed = await deps.store.listSyncRecords('failed', limit);
  const queued = (await deps.store.listSyncRecords('pending', limit)).filter((record) => !awaitsDispatch(record));
  for (const record of [...failed, ...queued]) await deps.queue.send(record.event);
  return failed.length + queued.length;
}
