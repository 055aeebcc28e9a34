/**
 * The sync Lambdas' handlers as SQS and EventBridge invoke them, over the real use case: outbox
 * records in dynalite, the real HTTP adapter and the national warehouse simulator. Only SQS itself
 * is absent: the consumer's visibility change is recorded, and the dispatcher's queue collects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { systemClock } from '../../../functions/platform/core/runtime.ts';
import { createSyncConsumer } from '../../../functions/sync/handlers/sync-consumer.ts';
import { createSyncDispatcher } from '../../../functions/sync/handlers/sync-dispatcher.ts';
import { dispatchPending } from '../../../functions/sync/core/dispatch-sync.ts';
import type { SyncEvent } from '../../../functions/sync/core/sync-record.ts';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.ts';

const ownerId = '079203001234';

const message = (id: string, body: string): SQSRecord =>
  ({ messageId: id, receiptHandle: `receipt-${id}`, body, attributes: {}, eventSource: 'aws:sqs' }) as SQSRecord;
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('sync handlers on AWS (consumer and dispatcher)', () => {
  let harness: SyncHarness;
  const delays: { receiptHandle: string; delaySeconds: number }[] = [];
  let consume: ReturnType<typeof createSyncConsumer>;

  before(async () => {
    harness = await startSyncHarness();
    // The in-process queue and its dispatcher stay out of it: the handlers here are the only consumers.
    await harness.sync.stop();
    consume = createSyncConsumer({
      sync: harness.deps,
      retryAfter: async (receiptHandle, delaySeconds) => {
        delays.push({ receiptHandle, delaySeconds });
      },
    });
  });
  after(async () => {
    await harness.close();
  });

  test('a retryable failure stays invisible for its backoff and is reported; the next delivery syncs it once', async () => {
    const document = await harness.fileIssuedResult(ownerId, 1);
    const event = (await harness.recordOf(document))!.event;
    await harness.simulator.goDown();
    let response;
    try {
      response = await consume(batch(message('m-1', JSON.stringify(event))));
    } finally {
      await harness.simulator.comeBack();
    }
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm-1' }]);
    assert.equal(delays.length, 1);
    assert.equal(delays[0]!.receiptHandle, 'receipt-m-1');
    assert.ok(delays[0]!.delaySeconds >= 1);
    const failed = await harness.recordOf(document);
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.attempts, 1);

    assert.deepEqual((await consume(batch(message('m-1', JSON.stringify(event))))).batchItemFailures, []);
    const synced = await harness.recordOf(document);
    assert.equal(synced?.state, 'synced');
    assert.equal(harness.simulator.timesApplied(document.id, document.id), 1);

    // A duplicate delivery (at-least-once) changes nothing at the portal.
    assert.deepEqual((await consume(batch(message('m-2', JSON.stringify(event))))).batchItemFailures, []);
    assert.equal(harness.simulator.timesApplied(document.id, document.id), 1);
  });

  test('each message of a batch is settled on its own; a body that is no sync event is dropped', async () => {
    const [first, second] = await Promise.all([
      harness.fileIssuedResult(ownerId, 2),
      harness.fileIssuedResult(ownerId, 3),
    ]);
    const events = await Promise.all([first!, second!].map(async (d) => (await harness.recordOf(d))!.event));
    const forged: SyncEvent = { ...events[0]!, eventId: 'document.filed:other:1' };
    const response = await consume(
      batch(
        message('a', JSON.stringify(events[0])),
        message('b', 'not json'),
        message('c', JSON.stringify({ ...events[1], extra: true })),
        message('d', JSON.stringify(events[1])),
        message('e', JSON.stringify(forged)),
      ),
    );
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal((await harness.recordOf(first!))?.state, 'synced');
    assert.equal((await harness.recordOf(second!))?.state, 'synced');
    assert.equal(harness.simulator.timesApplied(second!.id, second!.id), 1);
  });

  test('two messages about one document in a batch run one after the other: one push, not two', async () => {
    const document = await harness.fileIssuedResult(ownerId, 6);
    const body = JSON.stringify((await harness.recordOf(document))!.event);
    const creates = harness.simulator.requestCount('createDossier');
    const updates = harness.simulator.requestCount('updateDossier');
    const response = await consume(batch(message('x-1', body), message('x-2', body)));
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(harness.simulator.requestCount('createDossier') - creates, 1);
    assert.equal(harness.simulator.requestCount('updateDossier') - updates, 0);
    assert.equal(harness.simulator.timesApplied(document.id, document.id), 1);
  });

  test('a failed visibility change leaves the message reported, to come back after the visibility timeout', async () => {
    const document = await harness.fileIssuedResult(ownerId, 4);
    const event = (await harness.recordOf(document))!.event;
    const failing = createSyncConsumer({
      sync: harness.deps,
      retryAfter: () => Promise.reject(new Error('sqs unavailable')),
    });
    await harness.simulator.goDown();
    try {
      const response = await failing(batch(message('v-1', JSON.stringify(event))));
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'v-1' }]);
    } finally {
      await harness.simulator.comeBack();
    }
    assert.equal((await harness.recordOf(document))?.state, 'failed');
  });

  test('the scheduled dispatcher queues each pending record once', async () => {
    const sent: SyncEvent[] = [];
    const dispatch = createSyncDispatcher({
      store: harness.store,
      clock: systemClock,
      policies: harness.policies,
      queue: { send: async (event) => void sent.push(event) },
    });
    const document = await harness.fileIssuedResult(ownerId, 5);
    const first = await dispatch();
    assert.ok(first.sent >= 1);
    assert.ok(sent.some((event) => event.documentId === document.id));
    assert.ok((await harness.recordOf(document))?.dispatchedAt);
    assert.deepEqual(await dispatch(), { sent: 0 });
  });

  test('records already queued and still pending do not use up a pass: the newer ones are sent', async () => {
    const sent: SyncEvent[] = [];
    const deps = {
      store: harness.store,
      policies: harness.policies,
      clock: systemClock,
      queue: { send: async (event: SyncEvent) => void sent.push(event) },
    };
    await dispatchPending(deps);
    const documents = [];
    for (let i = 0; i < 3; i += 1) documents.push(await harness.fileIssuedResult(ownerId, 10 + i));
    // No consumer runs: the first pass's records stay pending, older than the third.
    assert.equal(await dispatchPending(deps, 2), 2);
    assert.equal(await dispatchPending(deps, 2), 1);
    assert.deepEqual(
      sent.slice(-3).map((event) => event.documentId),
      documents.map((document) => document.id),
    );
    assert.equal((await harness.store.listSyncRecords('pending', 100)).filter((r) => !r.dispatchedAt).length, 0);
  });
});
