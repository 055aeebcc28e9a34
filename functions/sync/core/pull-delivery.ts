/**
 * One delivery of a pull's queue message to the worker, the same on SQS and in the embedded
 * runtime's in-process queue. A worker that throws (storage unavailable, a bug; the portal's own
 * failures never throw, they settle files or the pull) is retried by the queue after a backoff,
 * and on the last receive the pull is failed instead, so no pull stays `running`. A rerun only
 * does what is left: the worker settles every file once.
 */
import { abandonPull, runPull, type PullDeps } from './pull-results.ts';

/** Receives of one message before the queue gives it to the dead-letter queue: the run and two retries. */
export const pullMaxReceiveCount = 3;

/** The wait before a failed run is received again: 30 s, then 60 s. */
const pullRetryBaseSeconds = 30;

export type PullDelivery =
  | { outcome: 'ran' }
  | { outcome: 'retry'; delaySeconds: number; error: unknown }
  | { outcome: 'abandoned'; error: unknown };

/**
 * Runs the pull; `receiveCount` is the message's (1 on the first receive). Throws only when even
 * failing the pull failed: the queue then delivers it again, or moves it to the dead-letter queue.
 */
export async function deliverPull(deps: PullDeps, pullId: string, receiveCount: number): Promise<PullDelivery> {
  try {
    await runPull(deps, pullId);
    return { outcome: 'ran' };
  } catch (error) {
    if (receiveCount < pullMaxReceiveCount) {
      return { outcome: 'retry', delaySeconds: pullRetryBaseSeconds * 2 ** (Math.max(1, receiveCount) - 1), error };
    }
    await abandonPull(deps, pullId);
    return { outcome: 'abandoned', error };
  }
}
