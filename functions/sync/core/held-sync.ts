/**
 * Records the sync policy holds back: `hourly` waits for the next full hour's batch, `never` for
 * a policy change. A held record carries its decision (unit, type, policy version, release time),
 * so the dispatcher finds what to release by Query and decides held records again after a policy
 * change without reading their documents. Every change is a conditional write of the record: a
 * retried pass or a duplicate message finds it moved on, and nothing is pushed twice or lost.
 */
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import { effectiveRule, nextBatchRelease, type PushDecision, type PushMode, type PushSubject } from './sync-policy.ts';
import type { SyncRecord } from './sync-record.ts';

/** Whether a record is pushed now: `immediate`, or `hourly` once its batch's hour has come. */
export function pushesNow(push: PushMode, record: SyncRecord, now: Date): boolean {
  if (push === 'immediate') return true;
  return push === 'hourly' && record.releaseAt !== undefined && Date.parse(record.releaseAt) <= now.getTime();
}

/** The record held as the policy says: with the batch's release time for `hourly` (an earlier one kept). */
export function heldRecord(record: SyncRecord, subject: PushSubject, decision: PushDecision, now: Date): SyncRecord {
  const { releaseAt, dispatchedAt: _dispatched, ...rest } = record;
  return {
    ...rest,
    state: 'held',
    hold: { ...subject, policyVersion: decision.policyVersion },
    ...(decision.push === 'hourly' ? { releaseAt: releaseAt ?? nextBatchRelease(now).toISOString() } : {}),
    lastError: `sync policy: ${decision.push}`,
    updatedAt: now.toISOString(),
  };
}

/**
 * Back to pending and not yet dispatched: the dispatcher sends it and the sync use case decides
 * with the policy of that moment. The release time stays, so a released batch is pushed.
 */
export function releasedRecord(record: SyncRecord, now: Date): SyncRecord {
  const { dispatchedAt: _dispatched, lastError: _reason, ...rest } = record;
  return { ...rest, state: 'pending', updatedAt: now.toISOString() };
}

/**
 * A held record decided again under a new policy version: released when the rule now says
 * `immediate` (or it predates the stored decision), held for the next batch when it says
 * `hourly`, held without a release time when `never`. Undefined when already decided under it.
 */
export function redecidedRecord(
  record: SyncRecord,
  policy: { version: number; rules: Parameters<typeof effectiveRule>[0] },
  now: Date,
): SyncRecord | undefined {
  if (!record.hold) return releasedRecord(record, now);
  if (record.hold.policyVersion >= policy.version) return undefined;
  const { unit, documentType } = record.hold;
  const push = effectiveRule(policy.rules, { unit, documentType }).push;
  if (push === 'immediate') {
    const { releaseAt: _release, ...rest } = record;
    return releasedRecord(rest, now);
  }
  const { releaseAt: _release, ...withoutRelease } = record;
  // A record that was already waiting for a batch keeps its hour; one that was `never` gets the next.
  return heldRecord(
    push === 'hourly' ? record : withoutRelease,
    { unit, documentType },
    { push, policyVersion: policy.version },
    now,
  );
}

/** A conditional write that lost to another change: that change carries the record on. */
export async function unlessChanged(write: () => Promise<void>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return false;
    throw error;
  }
}
