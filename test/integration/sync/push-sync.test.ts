/**
 * Pushing issued results to the national warehouse end to end on this machine: outbox records in
 * dynalite, the dispatcher, the in-process queue, the sync use case and the real HTTP adapter
 * against the simulator's failure modes. The simulator counts what it applied by identity, so
 * "exactly once" is asserted at the portal, not inferred from our records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { redriveSync, syncStatus } from '../../../functions/sync/core/sync-admin.ts';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import { randomIds, systemClock } from '../../../functions/platform/core/runtime.ts';
import { dispatchPending } from '../../../functions/sync/core/dispatch-sync.ts';
import { startLocalSync } from '../../../lib/local/local-sync.ts';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.ts';

const ownerId = '079203001234';
const admin = { principal: { sub: 'admin-0001', role: 'admin' as const }, sourceIp: '203.0.113.7', requestId: 'r1' };
const officer = {
  principal: { sub: 'officer-1', role: 'officer' as const, unit: 'PC06' },
  sourceIp: '203.0.113.8',
  requestId: 'r2',
};

describe('push to the national warehouse through the queue', () => {
  let harness: SyncHarness;
  before(async () => {
    harness = await startSyncHarness();
  });
  after(async () => {
    await harness.close();
  });

  /** Nothing queued or in flight: what a test counts at the simulator is its own. */
  const idle = () =>
    harness.waitFor(async () => {
      const depth = harness.sync.queue.depth();
      return depth.queued + depth.inFlight === 0;
    }, 15_000);

  const synced = (documents: { ownerId: string; id: string }[]) => async () => {
    const records = await Promise.all(documents.map((d) => harness.store.getSyncRecord(d.ownerId, d.id)));
    return records.every((record) => record?.state === 'synced');
  };

  test('results filed during an outage are all synced exactly once after recovery', async () => {
    const { simulator } = harness;
    await simulator.goDown();
    let documents: Awaited<ReturnType<SyncHarness['fileIssuedResult']>>[] = [];
    try {
      documents = await Promise.all(Array.from({ length: 20 }, (_, i) => harness.fileIssuedResult(ownerId, i)));
      // Every result tried and failed at least once: the outage was real for each of them.
      await harness.waitFor(async () => {
        const records = await Promise.all(documents.map((d) => harness.recordOf(d)));
        return records.every((record) => (record?.attempts ?? 0) >= 1);
      }, 30_000);
    } finally {
      await simulator.comeBack();
    }
    await harness.waitFor(synced(documents), 60_000);
    for (const document of documents) {
      assert.equal(simulator.timesApplied(document.id, document.id), 1, `${document.id} applied once`);
      const record = await harness.recordOf(document);
      assert.equal(record?.syncedVersion, 1);
      assert.ok((record?.attempts ?? 0) >= 2, 'the outage cost at least one attempt');
      assert.equal(record?.lastError, undefined);
    }
    const stored = simulator.dossier(documents[0]!.id);
    assert.equal(stored?.DanhSachGiayToKetQua[0]?.MaGiayToKetQua, 'KQ.G15.000031');
    // Our API's link (the base URL's trailing slash not doubled), one fresh token per document.
    const links = documents.map((d) => String(simulator.dossier(d.id)?.DanhSachGiayToKetQua[0]?.DuongDanTepTinKetQua));
    for (const link of links) assert.match(link, /^https:\/\/vault\.example\/v1\/portal-links\/[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set(links).size, documents.length);
    assert.equal(harness.sync.queue.depth().deadLetters, 0);
    assert.equal((await harness.countByState()).dead, 0);
  });

  test('a create whose reply was lost is not duplicated: the retry finds it and updates', async () => {
    const { simulator } = harness;
    await idle();
    const createsBefore = simulator.requestCount('createDossier');
    const updatesBefore = simulator.requestCount('updateDossier');
    simulator.loseRepliesAfterCreate(1);
    const document = await harness.fileIssuedResult(ownerId, 100);
    await harness.waitFor(synced([document]), 15_000);
    assert.equal(simulator.timesApplied(document.id, document.id), 1);
    assert.equal(simulator.requestCount('createDossier') - createsBefore, 1, 'one create only');
    assert.equal(simulator.requestCount('updateDossier') - updatesBefore, 1, 'the retry sent an update');
    assert.equal((await harness.recordOf(document))?.attempts, 2);
  });

  test('a duplicate message for a synced version does nothing', async () => {
    const { simulator } = harness;
    const document = await harness.fileIssuedResult(ownerId, 200);
    await harness.waitFor(synced([document]), 15_000);
    await idle();
    const record = await harness.recordOf(document);
    const requestsBefore = simulator.requestCount();
    harness.sync.queue.send(record!.event);
    harness.sync.queue.send(record!.event);
    await idle();
    assert.equal(simulator.requestCount(), requestsBefore, 'nothing sent to the portal');
    assert.deepEqual(await harness.recordOf(document), record);
  });

  test('a permanent failure is dead at once, listed in the status, and a redrive syncs it', async () => {
    const { simulator } = harness;
    await idle();
    simulator.failNext(1, 400, 'findDossier');
    const document = await harness.fileIssuedResult(ownerId, 300);
    await harness.waitFor(async () => (await harness.recordOf(document))?.state === 'dead', 15_000);
    const dead = await harness.recordOf(document);
    assert.equal(dead?.attempts, 1, 'a permanent failure is not retried');
    assert.match(dead?.lastError ?? '', /^rejected: /);
    assert.equal(simulator.timesApplied(document.id, document.id), 0);

    const audit: AuditEntry[] = [];
    const adminDeps = {
      store: harness.store,
      deadLetters: harness.sync.deadLetters,
      audit: { appendAudit: async (entry: AuditEntry) => void audit.push(entry) },
      clock: systemClock,
      ids: randomIds,
    };
    const status = await syncStatus(adminDeps, admin);
    assert.equal(status.counts.dead, 1);
    assert.deepEqual(
      status.dead.map((entry) => entry.documentId),
      [document.id],
    );

    await assert.rejects(redriveSync(adminDeps, officer), { name: 'ForbiddenRoleError' });
    assert.equal(audit.at(-1)?.outcome, 'denied');
    assert.equal((await harness.recordOf(document))?.state, 'dead', 'a refused redrive changes nothing');

    const redriven = await redriveSync(adminDeps, admin);
    assert.equal(redriven.reset, 1);
    assert.deepEqual(audit.at(-1) && { action: audit.at(-1)!.action, outcome: audit.at(-1)!.outcome }, {
      action: 'sync.redrive',
      outcome: 'success',
    });
    await harness.waitFor(synced([document]), 15_000);
    assert.equal(simulator.timesApplied(document.id, document.id), 1);
  });

  test('once a push succeeds after an outage, the results waiting out their backoff are retried at once', async () => {
    // Every retry waits 30 to 60 s of the harness's compressed time: far longer than the test allows.
    const slow = await startSyncHarness({ backoff: { baseSeconds: 600, maxSeconds: 600 } });
    try {
      await slow.simulator.goDown();
      const waiting = await Promise.all(Array.from({ length: 5 }, (_, i) => slow.fileIssuedResult(ownerId, 500 + i)));
      await slow.waitFor(async () => (await slow.countByState()).failed === waiting.length, 15_000);
      assert.equal(slow.sync.queue.depth().queued, waiting.length, 'each waits for its retry');

      await slow.simulator.comeBack();
      // A new result is the first push after the outage: its success shows the portal answering again.
      const probe = await slow.fileIssuedResult(ownerId, 510);
      const recovered = Date.now();
      await slow.waitFor(async () => (await slow.countByState()).synced === waiting.length + 1, 15_000);
      assert.ok(Date.now() - recovered < 15_000, 'released well before the shortest backoff of 30 s');
      for (const document of [...waiting, probe]) {
        assert.equal(slow.simulator.timesApplied(document.id, document.id), 1, `${document.id} applied once`);
      }
      for (const document of waiting) assert.equal((await slow.recordOf(document))?.attempts, 2);
    } finally {
      await slow.close();
    }
  });

  test('a result queued but not consumed before a restart is synced by the next run', async () => {
    const restarted = await startSyncHarness();
    try {
      await restarted.sync.stop();
      const document = await restarted.fileIssuedResult(ownerId, 450);
      // Handed to a queue that then died with the process: the record says dispatched, no message is left.
      const lostQueue = { send: async () => undefined };
      assert.equal(
        await dispatchPending({
          store: restarted.store,
          policies: restarted.policies,
          clock: systemClock,
          queue: lostQueue,
        }),
        1,
      );
      assert.ok((await restarted.recordOf(document))?.dispatchedAt);

      const next = startLocalSync(
        { ...restarted.deps, policies: restarted.policies },
        { dispatchEveryMs: 100, secondsToMs: 100 },
      );
      try {
        await restarted.waitFor(async () => (await restarted.recordOf(document))?.state === 'synced', 15_000);
      } finally {
        await next.stop();
      }
      assert.equal(restarted.simulator.timesApplied(document.id, document.id), 1);
    } finally {
      await restarted.close();
    }
  });

  test('too many retryable failures end dead, not retried forever', async () => {
    const limited = await startSyncHarness({ maxAttempts: 3 });
    try {
      await limited.simulator.goDown();
      const document = await limited.fileIssuedResult(ownerId, 400);
      await limited.waitFor(async () => (await limited.recordOf(document))?.state === 'dead', 15_000);
      const record = await limited.recordOf(document);
      assert.equal(record?.attempts, 3);
      assert.match(record?.lastError ?? '', /^unreachable: /);
    } finally {
      await limited.close();
    }
  });
});
