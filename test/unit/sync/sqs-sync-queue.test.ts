/**
 * The SQS adapters' request shapes and error paths. The queue's behaviour (visibility, receive
 * counts, dead letters, backoff) is tested with the in-process queue and the real use case in
 * test/integration/sync; here only what is sent to SQS, and what comes of its answers, is.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSqsDeadLetters,
  createSqsRetryDelay,
  createSqsSyncQueue,
} from '../../../functions/sync/adapters/sqs-sync-queue.ts';
import type { SyncEvent } from '../../../functions/sync/core/sync-record.ts';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'ap-southeast-1' });
const queueUrl = 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/khoso-dev-sync';
const queueArn = 'arn:aws:sqs:ap-southeast-1:123456789012:khoso-dev-sync';
const deadLetterQueueUrl = `${queueUrl}-dlq`;
const deadLetterQueueArn = `${queueArn}-dlq`;
const event: SyncEvent = {
  type: 'document.filed',
  ownerId: '079203001234',
  documentId: 'd-1',
  versionNumber: 2,
  eventId: 'document.filed:d-1:2',
};

describe('SQS sync queue adapters', () => {
  afterEach(() => {
    sqsMock.reset();
  });

  test('send puts the event as the JSON body on the sync queue, with no delay', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await createSqsSyncQueue({ sqs, queueUrl }).send(event);
    const calls = sqsMock.commandCalls(SendMessageCommand);
    assert.equal(calls.length, 1);
    const input = calls[0]!.args[0].input;
    assert.equal(input.QueueUrl, queueUrl);
    assert.deepEqual(JSON.parse(input.MessageBody!), event);
    assert.equal(input.DelaySeconds, undefined);
  });

  test('a send SQS refuses fails the dispatch, so the record stays pending for the next pass', async () => {
    sqsMock.on(SendMessageCommand).rejects(new QueueDoesNotExist({ message: 'no queue', $metadata: {} }));
    await assert.rejects(createSqsSyncQueue({ sqs, queueUrl }).send(event), QueueDoesNotExist);
  });

  test('a retry keeps the message invisible for the backoff, within SQS 12-hour cap', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    const retryAfter = createSqsRetryDelay({ sqs, queueUrl });
    await retryAfter('receipt-1', 37);
    await retryAfter('receipt-2', 13 * 3600);
    const inputs = sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
    assert.deepEqual(inputs, [
      { QueueUrl: queueUrl, ReceiptHandle: 'receipt-1', VisibilityTimeout: 37 },
      { QueueUrl: queueUrl, ReceiptHandle: 'receipt-2', VisibilityTimeout: 12 * 3600 },
    ]);
  });

  test('redrive starts a message move from the dead-letter queue back to the sync queue', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0' } });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const deadLetters = createSqsDeadLetters({ sqs, deadLetterQueueUrl, deadLetterQueueArn, queueArn });
    assert.deepEqual(await deadLetters.redrive(), { moved: 'started' });
    assert.equal(sqsMock.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input.QueueUrl, deadLetterQueueUrl);
    assert.deepEqual(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input, {
      SourceArn: deadLetterQueueArn,
      DestinationArn: queueArn,
    });
  });

  test('an empty dead-letter queue moves nothing and starts no task', async () => {
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
    const deadLetters = createSqsDeadLetters({ sqs, deadLetterQueueUrl, deadLetterQueueArn, queueArn });
    assert.deepEqual(await deadLetters.redrive(), { moved: 0 });
    assert.equal(sqsMock.commandCalls(StartMessageMoveTaskCommand).length, 0);
  });

  test('a refused move task fails the redrive rather than reporting it started', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    sqsMock.on(StartMessageMoveTaskCommand).rejects(new Error('a message movement task is already running'));
    const deadLetters = createSqsDeadLetters({ sqs, deadLetterQueueUrl, deadLetterQueueArn, queueArn });
    await assert.rejects(deadLetters.redrive(), /already running/);
  });
});
