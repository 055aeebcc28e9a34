import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { heldRecord, pushesNow, redecidedRecord, releasedRecord } from '../../../functions/sync/core/held-sync.ts';
import { nextBatchRelease, type SyncRule } from '../../../functions/sync/core/sync-policy.ts';
import { pendingSyncRecord, type SyncRecord } from '../../../functions/sync/core/sync-record.ts';

const at = (iso: string) => new Date(iso);
const subject = { unit: 'A08', documentType: 'KQ.G15.000031' };
const pending = pendingSyncRecord(
  'document.filed',
  { ownerId: '079203001234', id: 'd1' },
  1,
  '2026-12-03T09:10:00.000Z',
);
const rule = (push: SyncRule['push']): SyncRule => ({ ...subject, push, shareWith: [], retention: 'keep' });

describe('the hourly batch release time', () => {
  test('is the next full hour, strictly after the moment held', () => {
    assert.equal(nextBatchRelease(at('2026-12-03T09:10:00.000Z')).toISOString(), '2026-12-03T10:00:00.000Z');
    assert.equal(nextBatchRelease(at('2026-12-03T09:59:59.999Z')).toISOString(), '2026-12-03T10:00:00.000Z');
    // Held exactly on the hour: that hour's batch has run (or is running); the next one takes it.
    assert.equal(nextBatchRelease(at('2026-12-03T10:00:00.000Z')).toISOString(), '2026-12-03T11:00:00.000Z');
    assert.equal(nextBatchRelease(at('2026-12-03T10:00:00.001Z')).toISOString(), '2026-12-03T11:00:00.000Z');
  });

  test('crosses days, months and years like any hour', () => {
    assert.equal(nextBatchRelease(at('2026-12-31T23:30:00.000Z')).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(nextBatchRelease(at('2028-02-28T23:00:00.000Z')).toISOString(), '2028-02-29T00:00:00.000Z');
  });

  test('falls on a full hour of Vietnam time too (UTC+7 all year, no daylight saving)', () => {
    const vietnamHour = (date: Date) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Ho_Chi_Minh',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(date);
    // 16:40 in Hà Nội is 09:40 UTC: released at 17:00 there. Summer and winter alike.
    assert.equal(vietnamHour(nextBatchRelease(at('2026-12-03T09:40:00.000Z'))), '17:00:00');
    assert.equal(vietnamHour(nextBatchRelease(at('2026-07-03T09:40:00.000Z'))), '17:00:00');
    // 06:59 in Hà Nội on 1 January is still 31 December in UTC.
    assert.equal(vietnamHour(nextBatchRelease(at('2026-12-31T23:59:00.000Z'))), '07:00:00');
  });
});

describe('holding and releasing a record', () => {
  const now = at('2026-12-03T09:10:00.000Z');

  test('immediate pushes; hourly only once its release time has come; never does not', () => {
    assert.equal(pushesNow('immediate', pending, now), true);
    assert.equal(pushesNow('hourly', pending, now), false);
    assert.equal(pushesNow('never', pending, now), false);
    const released = { ...pending, releaseAt: '2026-12-03T10:00:00.000Z' };
    assert.equal(pushesNow('hourly', released, at('2026-12-03T09:59:59.999Z')), false);
    assert.equal(pushesNow('hourly', released, at('2026-12-03T10:00:00.000Z')), true);
    // Released for the batch, then the rule became never: not pushed.
    assert.equal(pushesNow('never', released, at('2026-12-03T10:00:00.000Z')), false);
  });

  test('held hourly gets the next hour and keeps an earlier one; held never has none', () => {
    const hourly = heldRecord({ ...pending, dispatchedAt: 'x' }, subject, { push: 'hourly', policyVersion: 4 }, now);
    assert.equal(hourly.state, 'held');
    assert.equal(hourly.releaseAt, '2026-12-03T10:00:00.000Z');
    assert.deepEqual(hourly.hold, { ...subject, policyVersion: 4 });
    assert.equal(hourly.dispatchedAt, undefined);
    const later = heldRecord(hourly, subject, { push: 'hourly', policyVersion: 4 }, at('2026-12-03T10:20:00.000Z'));
    assert.equal(later.releaseAt, '2026-12-03T10:00:00.000Z');
    const never = heldRecord(hourly, subject, { push: 'never', policyVersion: 5 }, now);
    assert.equal(never.releaseAt, undefined);
    assert.equal(never.lastError, 'sync policy: never');
  });

  test('a released record is pending, not yet dispatched, with its release time', () => {
    const hourly = heldRecord(pending, subject, { push: 'hourly', policyVersion: 1 }, now);
    const released = releasedRecord(hourly, at('2026-12-03T10:00:30.000Z'));
    assert.equal(released.state, 'pending');
    assert.equal(released.dispatchedAt, undefined);
    assert.equal(released.lastError, undefined);
    assert.equal(released.releaseAt, '2026-12-03T10:00:00.000Z');
    assert.equal(released.updatedAt, '2026-12-03T10:00:30.000Z');
  });
});

describe('deciding held records again after a policy change', () => {
  const heldAt = at('2026-12-03T09:10:00.000Z');
  const changedAt = at('2026-12-03T09:30:00.000Z');
  const heldNever = heldRecord(pending, subject, { push: 'never', policyVersion: 1 }, heldAt);
  const heldHourly = heldRecord(pending, subject, { push: 'hourly', policyVersion: 1 }, heldAt);
  const policy = (version: number, push: SyncRule['push']) => ({ version, rules: [rule(push)] });

  test('never → immediate releases it now; never → hourly holds it for the next hour after the change', () => {
    const now = redecidedRecord(heldNever, policy(2, 'immediate'), changedAt) as SyncRecord;
    assert.equal(now.state, 'pending');
    assert.equal(now.releaseAt, undefined);
    const batch = redecidedRecord(heldNever, policy(2, 'hourly'), at('2026-12-03T10:05:00.000Z')) as SyncRecord;
    assert.equal(batch.state, 'held');
    assert.equal(batch.releaseAt, '2026-12-03T11:00:00.000Z');
    assert.equal(batch.hold?.policyVersion, 2);
  });

  test('hourly → never takes its release time away; hourly under a new version keeps its hour', () => {
    const never = redecidedRecord(heldHourly, policy(2, 'never'), changedAt) as SyncRecord;
    assert.equal(never.state, 'held');
    assert.equal(never.releaseAt, undefined);
    const still = redecidedRecord(heldHourly, policy(2, 'hourly'), changedAt) as SyncRecord;
    assert.equal(still.releaseAt, '2026-12-03T10:00:00.000Z');
  });

  test('a record already decided under the version is left alone; one without a decision is released', () => {
    assert.equal(redecidedRecord(heldNever, policy(1, 'immediate'), changedAt), undefined);
    const { hold: _hold, ...undecided } = heldNever;
    assert.equal(redecidedRecord(undecided, policy(2, 'never'), changedAt)?.state, 'pending');
  });
});
