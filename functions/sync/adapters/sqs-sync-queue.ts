import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../core/sync-admin.ts';
import type { SyncQueue } from '../core/sync-ports.ts';

/** The sync queue on SQS: a message is the event as JSON, so the consumer reads the record it names. */
export function createSqsSyncQueue(deps: { sqs: SQSClient; queueUrl: string }): SyncQueue {
  return {
    async send(event) {
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: JSON.stringify(event) }));
    },
  };
}

/** SQS caps a visibility timeout at 12 hours. */
const maxVisibilitySeconds = 12 * 3600;

/**
 * The backoff on SQS: a message the consumer will retry stays invisible for the delay, then is
 * received again (one more receive towards the dead-letter queue's maxReceiveCount).
 */
export function createSqsRetryDelay(deps: { sqs: SQSClient; queueUrl: string }) {
  return async (receiptHandle: string, delaySeconds: number): Promise<void> => {
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: deps.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(maxVisibilitySeconds, Math.max(0, Math.round(delaySeconds))),
      }),
    );
  };
}

/**
 * The dead-letter queue's redrive: an asynchronous SQS message move task back to the sync queue,
 * started only when there is something to move (SQS refuses a second task while one runs).
 */
export function createSqsDeadLetters(deps: {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
  queueArn: string;
}): DeadLetters {
  return {
    async redrive() {
      const { Attributes } = await deps.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: deps.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const waiting =
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      if (waiting === 0) return { moved: 0 };
      await deps.sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: deps.deadLetterQueueArn, DestinationArn: deps.queueArn }),
      );
      return { moved: 'started' };
    },
  };
}
