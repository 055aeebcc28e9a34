import { z } from 'zod';
import { awsPullDeps } from '../../composition/aws-pull-deps.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { abandonPull, runPull, type PullDeps } from '../core/pull-results.ts';

/** The state machine's input: the pull to run, or (from its catch) the pull to give up on. */
const workerEvent = z.strictObject({
  pullId: z.string().min(1).max(64),
  giveUp: z.literal(true).optional(),
});

export function createPullWorker(deps: PullDeps) {
  return async (event: unknown): Promise<void> => {
    const { pullId, giveUp } = workerEvent.parse(event);
    if (giveUp) await abandonPull(deps, pullId);
    else await runPull(deps, pullId);
  };
}

export const handler = lazyHandler(() => createPullWorker(awsPullDeps()), { correlationIdPath: 'pullId' });
