import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessQueue, type ConsumerVerdict } from '../../../lib/local/in-process-queue.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a message retried past maxReceiveCount goes to the dead-letter queue, and a redrive brings it back', async () => {
  const queue = new InProcessQueue<string>({
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 3,
    concurrency: 2,
    pollMs: 5,
    secondsToMs: 10,
  });
  const receives: number[] = [];
  let healthy = false;
  queue.consume(async ({ receiveCount }): Promise<ConsumerVerdict> => {
    receives.push(receiveCount);
    return healthy ? { delete: true } : { retryAfterSeconds: 1 };
  });
  queue.send('a');
  await settle(500);
  assert.deepEqual(receives, [1, 2, 3]);
  assert.deepEqual(queue.depth(), { queued: 0, inFlight: 0, deadLetters: 1 });

  healthy = true;
  assert.equal(queue.redriveDeadLetters(), 1);
  await settle(300);
  assert.deepEqual(receives, [1, 2, 3, 1], 'redriven with its receive count reset');
  assert.deepEqual(queue.depth(), { queued: 0, inFlight: 0, deadLetters: 0 });
  await queue.stop();
});

test('a throwing consumer leaves the message invisible for the visibility timeout; a delay is honoured', async () => {
  const queue = new InProcessQueue<string>({
    visibilityTimeoutSeconds: 10,
    maxReceiveCount: 5,
    concurrency: 1,
    pollMs: 5,
    secondsToMs: 10,
  });
  const seen: { body: string; at: number }[] = [];
  const start = Date.now();
  let thrown = false;
  queue.consume(async ({ body }) => {
    seen.push({ body, at: Date.now() - start });
    if (!thrown) {
      thrown = true;
      throw new Error('crashed');
    }
    return { delete: true };
  });
  queue.send('x');
  queue.send('later', 5);
  await settle(600);
  assert.deepEqual(
    seen.map(({ body }) => body),
    ['x', 'later', 'x'],
  );
  assert.ok(seen[1]!.at >= 45, `delayed message seen at ${seen[1]!.at} ms`);
  assert.ok(seen[2]!.at >= 95, `crashed message back after its visibility timeout, at ${seen[2]!.at} ms`);
  await queue.stop();
});

test('releasing retries shows the messages waiting out a backoff now, not new delays or crashed deliveries', async () => {
  const queue = new InProcessQueue<string>({
    visibilityTimeoutSeconds: 100,
    maxReceiveCount: 5,
    concurrency: 4,
    pollMs: 5,
    secondsToMs: 10,
  });
  const seen: string[] = [];
  queue.consume(async ({ body, receiveCount }): Promise<ConsumerVerdict> => {
    seen.push(`${body}#${receiveCount}`);
    if (receiveCount > 1) return { delete: true };
    if (body === 'crashes') throw new Error('crashed');
    return { retryAfterSeconds: 100 };
  });
  queue.send('retried');
  queue.send('crashes');
  queue.send('delayed', 100);
  await settle(50);
  assert.deepEqual(seen.sort(), ['crashes#1', 'retried#1']);
  assert.equal(queue.depth().queued, 3, 'all three wait about a second');

  assert.equal(queue.releaseRetries(), 1);
  await settle(50);
  assert.deepEqual(seen.sort(), ['crashes#1', 'retried#1', 'retried#2']);
  assert.equal(queue.depth().queued, 2, 'the new delay and the visibility timeout still run');
  await queue.stop();
});
