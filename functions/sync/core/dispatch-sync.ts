/**
 * The outbox's dispatcher: a pending record not yet handed to the queue is sent, then marked
 * dispatched. Sent before marked, so a crash in between sends the event twice (the consumer
 * dedupes) rather than never. It also releases the hourly batches whose hour has come and decides
 * held records again after a policy change. On AWS a schedule runs it every minute; locally a poll does.
 */
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { Clock } from '../../platform/core/runtime.ts';
import { redecidedRecord, releasedRecord, unlessChanged } from './held-sync.ts';
import type { SyncPolicyStore } from './sync-policy.ts';
import type { SyncQueue, SyncRecordStore } from './sync-ports.ts';
import { awaitsDispatch, type SyncRecord } from './sync-record.ts';

export interface DispatchDeps {
  store: SyncRecordStore;
  queue: SyncQueue;
  clock: Clock;
  policies: Pick<SyncPolicyStore, 'currentPolicy'>;
  /** How long after a policy change the held records are decided again (default `policySettleMs`). */
  policySettleMs?: number;
  /** How the held records are read when decided again (default `defaultReviewReads`). */
  reviewReads?: ReviewReads;
}

export interface ReviewReads {
  pageSize: number;
  /** Records read per pass at most, so a pass ends within its schedule; the next resumes. */
  perPass: number;
}

export const defaultReviewReads: ReviewReads = { pageSize: 500, perPass: 20_000 };

/**
 * A sync worker that read the previous policy version holds its record under it: one that writes
 * after the change reads the policy again and releases the record (sync-document.ts), one that
 * wrote before it is in the held records' index by the time this has passed.
 */
export const policySettleMs = 10_000;

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

async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<boolean>): Promise<number> {
  let done = 0;
  for (let start = 0; start < items.length; start += dispatchConcurrency) {
    const results = await Promise.all(items.slice(start, start + dispatchConcurrency).map(each));
    done += results.filter(Boolean).length;
  }
  return done;
}

/**
 * One pass (the local poll, the scheduled dispatcher on AWS): held records decided again if the
 * policy changed, the due hourly batch released, then the pending records sent. Answers how many
 * events were sent.
 */
export async function dispatchPending(deps: DispatchDeps, limit = 500): Promise<number> {
  const sentOnReview = await reviewHeldRecords(deps, limit);
  const sentOnRelease = await releaseDueBatch(deps, limit);
  const pending = await deps.store.listAwaitingDispatch(limit);
  return sentOnReview + sentOnRelease + (await inBatches(pending, (record) => dispatchSyncRecord(deps, record)));
}

/** Writes `next` over `record` and sends it if it is pending now; true when sent. */
async function moveAndSend(deps: DispatchDeps, record: SyncRecord, next: SyncRecord): Promise<boolean> {
  if (!(await unlessChanged(() => deps.store.putSyncRecord(next, record)))) return false;
  return next.state === 'pending' && dispatchSyncRecord(deps, next);
}

/** Held records whose batch's hour has come go back to pending and are sent at once. */
export async function releaseDueBatch(deps: DispatchDeps, limit: number): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.store.listDueBatch(now.toISOString(), limit);
  return inBatches(due, (record) => moveAndSend(deps, record, releasedRecord(record, now)));
}

/**
 * After a policy change (once per version, `policySettleMs` after it was stored), every held
 * record is decided again by the new rules: released, held for the next batch, or held. A pass
 * stops after `limit` changes or `reviewReads.perPass` reads and records where it stopped; the next
 * resumes there. The version counts as reviewed once the last page was read.
 */
export async function reviewHeldRecords(deps: DispatchDeps, limit: number): Promise<number> {
  const policy = await deps.policies.currentPolicy();
  const review = await deps.store.heldReview();
  if (!policy || policy.version <= review.reviewedVersion) return 0;
  const now = deps.clock.now();
  if (now.getTime() - Date.parse(policy.createdAt) < (deps.policySettleMs ?? policySettleMs)) return 0;
  const reads = deps.reviewReads ?? defaultReviewReads;
  let after = review.resume?.policyVersion === policy.version ? review.resume.after : undefined;
  let changes = 0;
  let read = 0;
  let sent = 0;
  for (;;) {
    const page = await deps.store.syncRecordPage('held', reads.pageSize, after);
    const moves = page.records.flatMap((record) => {
      const next = redecidedRecord(record, policy, now);
      return next ? [{ record, next }] : [];
    });
    sent += await inBatches(moves, ({ record, next }) => moveAndSend(deps, record, next));
    changes += moves.length;
    read += page.records.length;
    if (!page.next) {
      await deps.store.saveHeldReview({ reviewedVersion: policy.version });
      return sent;
    }
    after = page.next;
    if (changes >= limit || read >= reads.perPass) {
      await deps.store.saveHeldReview({
        reviewedVersion: review.reviewedVersion,
        resume: { policyVersion: policy.version, after },
      });
      return sent;
    }
  }
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
