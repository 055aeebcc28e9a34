import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PullDispatcher } from '../core/pull-results.ts';

/**
 * Pulls are handed to their worker as messages on the pulls queue (the pull's id only; the worker
 * reads the rest). A message sent twice runs the pull twice, which files nothing twice.
 */
export function createSqsPullDispatcher(deps: { sqs: SQSClient; queueUrl: string }): PullDispatcher {
  return {
    async dispatch(pullId) {
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: JSON.stringify({ pullId }) }));
    },
  };
}
