import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { awsPullWorkerDeps, type AwsPullWorkerDeps } from '../../composition/aws-pull-deps.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { logger } from '../../platform/observability.ts';
import { deliverPull } from '../core/pull-delivery.ts';

/** The dispatcher's message (functions/sync/adapters/sqs-pull-dispatcher.ts). */
const pullMessage = z.strictObject({ pullId: z.string().min(1).max(64) });

function parseMessage(body: string) {
  try {
    return pullMessage.safeParse(JSON.parse(body));
  } catch {
    return { success: false as const };
  }
}

/**
 * The pulls queue's consumer (batches of one: a pull may take minutes). A pull that ran, or was
 * failed on the message's last receive, is deleted; a run that threw is reported failed and kept
 * invisible for its backoff, so SQS delivers it again then. A crash or a timeout is reported by
 * nobody: the message comes back after the queue's visibility timeout, and past its
 * maxReceiveCount waits in the dead-letter queue.
 */
export function createPullWorker(deps: AwsPullWorkerDeps) {
  /** The message's id when SQS must deliver it again, undefined when it is settled. */
  const settle = async (message: SQSRecord): Promise<string | undefined> => {
    const parsed = parseMessage(message.body);
    if (!parsed.success) {
      // No pull is named, so no retry can succeed: dropped, with the id to find it by.
      logger.error('pull message is not a pull; dropped', { messageId: message.messageId });
      return undefined;
    }
    const { pullId } = parsed.data;
    // Absent only if not from SQS: counted as a first receive, so the dead-letter queue still bounds it.
    const receiveCount = Number(message.attributes?.ApproximateReceiveCount) || 1;
    let delivery;
    try {
      delivery = await deliverPull(deps.pulls, pullId, receiveCount);
    } catch (error) {
      logger.error('pull could not be failed after its last run; it goes to the dead-letter queue', {
        pullId,
        receiveCount,
        error,
      });
      return message.messageId;
    }
    if (delivery.outcome === 'ran') return undefined;
    if (delivery.outcome === 'abandoned') {
      logger.error('pull failed on its last receive; marked failed', { pullId, receiveCount, error: delivery.error });
      return undefined;
    }
    logger.warn('pull run failed; it will be retried', {
      pullId,
      receiveCount,
      delaySeconds: delivery.delaySeconds,
      error: delivery.error,
    });
    try {
      await deps.retryAfter(message.receiptHandle, delivery.delaySeconds);
    } catch (error) {
      // Reported failed all the same: it comes back after the visibility timeout instead.
      logger.error('pull retry delay could not be set', { pullId, error });
    }
    return message.messageId;
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = await Promise.all(event.Records.map(settle));
    return {
      batchItemFailures: failures.filter((id) => id !== undefined).map((itemIdentifier) => ({ itemIdentifier })),
    };
  };
}

export const handler = lazyHandler(() => createPullWorker(awsPullWorkerDeps()), {
  correlationIdPath: 'Records[0].messageId',
});
