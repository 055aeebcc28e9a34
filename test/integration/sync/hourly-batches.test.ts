/**
 * The sync policy's `hourly` and `never` on the embedded runtime's push (dynalite, the dispatcher
 * poll, the in-process queue, the real HTTP adapter and the simulator), on a clock the test moves:
 * a record held for the hourly batch is pushed once when its hour comes and not before, and a
 * policy change applies to the records already held. The simulator counts what it applied by
 * identity, so "once" and "not pushed" are asserted at the portal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reviewHeldRecords } from '../../../functions/sync/core/dispatch-sync.ts';
import { putSyncRule } from '../../../functions/sync/core/manage-sync-policy.ts';
import { syncDocument } from '../../../functions/sync/core/sync-document.ts';
import { storedSyncPolicy, type PushMode, type SyncPolicy } from '../../../functions/sync/core/sync-policy.ts';
import { randomIds } from '../../../functions/platform/core/runtime.ts';
import type { VaultDocument } from '../../../functions/vault/core/model.ts';
import { issuingUnit, startSyncHarness, type SyncHarness } from '../../support/sync-harness.ts';

const ownerId = '079203001234';
const documentType = 'KQ.G15.000031';
const admin = { principal: { sub: 'admin-0001', role: 'admin' as const }, sourceIp: '203.0.113.7', requestId: 'r1' };

/** The clock the use case and the dispatcher read; the test sets it. */
const clock = { at: Date.parse('2026-12-03T09:10:00.000Z'), now: () => new Date(clock.at) };
const setClock = (iso: string) => {
  clock.at = Date.parse(iso);
};

describe('hourly batches and policy changes on held records', () => {
  let harness: SyncHarness;
  before(async () => {
    harness = await startSyncHarness({ clock, queue: { policySettleMs: 0 } });
  });
  after(async () => {
    await harness.close();
  });

  const setPush = (push: PushMode) =>
    putSyncRule({ syncPolicies: harness.policies, repository: harness.repository, clock, ids: randomIds }, admin, {
      unit: issuingUnit,
      documentType,
      push,
      shareWith: [],
      retention: 'keep',
    });
  const stateOf = async (document: VaultDocument) => (await harness.recordOf(document))?.state;
  const applied = (document: VaultDocument) => harness.simulator.timesApplied(document.id, document.id);
  /** Several dispatcher passes and everything they queued settled: what would have been pushed, was. */
  const settle = async () => {
    for (let pass = 0; pass < 3; pass += 1) await harness.sync.dispatch();
    await harness.waitFor(async () => {
      const depth = harness.sync.queue.depth();
      return depth.queued + depth.inFlight === 0;
    }, 15_000);
  };

  test('a record held for the hourly batch is not pushed before the hour, and once after it', async () => {
    await setPush('hourly');
    setClock('2026-12-03T09:10:00.000Z');
    const document = await harness.fileIssuedResult(ownerId, 1);
    await harness.waitFor(async () => (await stateOf(document)) === 'held', 15_000);
    const held = await harness.recordOf(document);
    assert.equal(held?.releaseAt, '2026-12-03T10:00:00.000Z');
    assert.equal(held?.lastError, 'sync policy: hourly');

    setClock('2026-12-03T09:59:59.999Z');
    await settle();
    assert.equal(await stateOf(document), 'held');
    assert.equal(applied(document), 0, 'nothing reached the portal before the hour');

    setClock('2026-12-03T10:00:00.000Z');
    await harness.waitFor(async () => (await stateOf(document)) === 'synced', 15_000);
    assert.equal(applied(document), 1);
    const synced = await harness.recordOf(document);
    assert.equal(synced?.releaseAt, undefined);
    assert.equal(synced?.hold, undefined);

    // A redelivered message and more passes do not push it again: the record says synced.
    harness.sync.queue.send(synced!.event);
    harness.sync.queue.send(synced!.event);
    setClock('2026-12-03T11:00:00.000Z');
    await settle();
    assert.equal(applied(document), 1);
    assert.deepEqual(await harness.recordOf(document), synced);
  });

  test('filed during the batch hour, a record waits for the next one', async () => {
    setClock('2026-12-03T11:00:00.000Z');
    const document = await harness.fileIssuedResult(ownerId, 2);
    await harness.waitFor(async () => (await stateOf(document)) === 'held', 15_000);
    assert.equal((await harness.recordOf(document))?.releaseAt, '2026-12-03T12:00:00.000Z');
    setClock('2026-12-03T12:00:05.000Z');
    await harness.waitFor(async () => (await stateOf(document)) === 'synced', 15_000);
    assert.equal(applied(document), 1);
  });

  test('never → immediate releases the held records at once; never → hourly at the next hour', async () => {
    await setPush('never');
    setClock('2026-12-03T13:20:00.000Z');
    const first = await harness.fileIssuedResult(ownerId, 3);
    await harness.waitFor(async () => (await stateOf(first)) === 'held', 15_000);
    assert.equal((await harness.recordOf(first))?.releaseAt, undefined);
    setClock('2026-12-04T13:20:00.000Z');
    await settle();
    assert.equal(await stateOf(first), 'held', 'never is held whatever the hour');
    assert.equal(applied(first), 0);

    await setPush('immediate');
    await harness.waitFor(async () => (await stateOf(first)) === 'synced', 15_000);
    assert.equal(applied(first), 1);

    await setPush('never');
    const second = await harness.fileIssuedResult(ownerId, 4);
    await harness.waitFor(async () => (await stateOf(second)) === 'held', 15_000);
    setClock('2026-12-04T13:40:00.000Z');
    await setPush('hourly');
    await harness.waitFor(async () => (await harness.recordOf(second))?.releaseAt !== undefined, 15_000);
    const batched = await harness.recordOf(second);
    assert.equal(batched?.state, 'held');
    assert.equal(batched?.releaseAt, '2026-12-04T14:00:00.000Z');
    await settle();
    assert.equal(applied(second), 0);
    setClock('2026-12-04T14:00:00.000Z');
    await harness.waitFor(async () => (await stateOf(second)) === 'synced', 15_000);
    assert.equal(applied(second), 1);
    assert.equal(applied(first), 1, 'the record released earlier was not pushed again');
  });

  test('a record held for the batch whose rule became never is not pushed at the hour', async () => {
    await setPush('hourly');
    setClock('2026-12-04T15:10:00.000Z');
    const document = await harness.fileIssuedResult(ownerId, 5);
    await harness.waitFor(async () => (await harness.recordOf(document))?.releaseAt !== undefined, 15_000);
    const version = (await setPush('never')).version;
    await harness.waitFor(async () => (await harness.recordOf(document))?.hold?.policyVersion === version, 15_000);
    const held = await harness.recordOf(document);
    assert.equal(held?.state, 'held');
    assert.equal(held?.releaseAt, undefined);
    setClock('2026-12-04T16:00:00.000Z');
    await settle();
    assert.equal(await stateOf(document), 'held');
    assert.equal(applied(document), 0);
  });
});

/** A rule for the test's unit and document type that pushes `push` and keeps what it shares. */
const rule = (push: PushMode) => ({ unit: issuingUnit, documentType, push, shareWith: [], retention: 'keep' as const });

describe('a policy change racing the sync use case', () => {
  let harness: SyncHarness;
  before(async () => {
    // No poll: the test runs the use case and the dispatcher's steps itself, in the racing order.
    harness = await startSyncHarness({ clock, queue: { policySettleMs: 0, dispatchEveryMs: 3_600_000 } });
  });
  after(async () => {
    await harness.close();
  });

  test('a record held under the old version after the held records were reviewed goes back to pending', async () => {
    const policyDeps = { syncPolicies: harness.policies, repository: harness.repository, clock, ids: randomIds };
    const dispatchDeps = {
      store: harness.store,
      clock,
      policies: harness.policies,
      policySettleMs: 0,
      queue: { send: async () => undefined },
    };
    setClock('2026-12-05T09:10:00.000Z');
    await putSyncRule(policyDeps, admin, rule('never'));
    const document = await harness.fileIssuedResult(ownerId, 10);
    const record = await harness.recordOf(document);

    // The use case reads `never`; before it writes, an administrator sets `immediate` and the
    // dispatcher reviews the held records (ours is not held yet, so the review passes it by).
    const stored = storedSyncPolicy(harness.policies);
    let raced = false;
    const racing: SyncPolicy = {
      async pushFor(subject) {
        const decision = await stored.pushFor(subject);
        if (!raced) {
          raced = true;
          await putSyncRule(policyDeps, admin, rule('immediate'));
          assert.equal(await reviewHeldRecords(dispatchDeps, 100), 0);
        }
        return decision;
      },
    };
    const outcome = await syncDocument({ ...harness.deps, policy: racing }, record!.event);
    assert.deepEqual(outcome, { outcome: 'skipped', detail: 'the sync policy changed meanwhile' });
    const pending = await harness.recordOf(document);
    assert.equal(pending?.state, 'pending');
    assert.equal(pending?.dispatchedAt, undefined);

    await harness.sync.dispatch();
    await harness.waitFor(async () => (await harness.recordOf(document))?.state === 'synced', 15_000);
    assert.equal(harness.simulator.timesApplied(document.id, document.id), 1);
  });

  test('a review that stops at its per-pass budget resumes where it stopped, and each record is sent once', async () => {
    const policyDeps = { syncPolicies: harness.policies, repository: harness.repository, clock, ids: randomIds };
    setClock('2026-12-06T09:10:00.000Z');
    await putSyncRule(policyDeps, admin, rule('never'));
    const documents: VaultDocument[] = [];
    for (let i = 0; i < 5; i += 1) documents.push(await harness.fileIssuedResult(ownerId, 20 + i));
    await harness.sync.dispatch();
    await harness.waitFor(
      async () => (await Promise.all(documents.map(stateOfIn(harness)))).every((state) => state === 'held'),
      15_000,
    );
    // A budget of two reads per pass: the five held records take three passes.
    const sent: string[] = [];
    const dispatchDeps = {
      store: harness.store,
      clock,
      policies: harness.policies,
      policySettleMs: 0,
      reviewReads: { pageSize: 2, perPass: 2 },
      queue: { send: async (event: { documentId: string }) => void sent.push(event.documentId) },
    };
    const version = (await putSyncRule(policyDeps, admin, rule('immediate'))).version;
    const previous = (await harness.store.heldReview()).reviewedVersion;
    assert.equal(await reviewHeldRecords(dispatchDeps, 100), 2);
    assert.equal((await harness.store.heldReview()).resume?.policyVersion, version);
    assert.equal((await harness.store.heldReview()).reviewedVersion, previous);
    assert.equal(await reviewHeldRecords(dispatchDeps, 100), 2);
    assert.equal(await reviewHeldRecords(dispatchDeps, 100), 1);
    assert.deepEqual(await harness.store.heldReview(), { reviewedVersion: version });
    assert.equal(await reviewHeldRecords(dispatchDeps, 100), 0);
    assert.deepEqual([...sent].sort(), documents.map((d) => d.id).sort());
  });
});

const stateOfIn = (harness: SyncHarness) => async (document: VaultDocument) =>
  (await harness.recordOf(document))?.state;
