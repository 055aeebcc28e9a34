import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PullDispatcher } from '../core/pull-results.ts';

/**
 * Pulls run as Step Functions executions named after the pull: starting one twice starts it
 * once, a crashed or timed-out worker is retried by the state machine, and a pull whose
 * retries are spent is marked failed by its catch (lib/constructs/national-warehouse-pulls.ts).
 */
export function createSfnPullDispatcher(deps: { sfn: SFNClient; stateMachineArn: string }): PullDispatcher {
  return {
    async dispatch(pullId) {
      try {
        await deps.sfn.send(
          new StartExecutionCommand({
            stateMachineArn: deps.stateMachineArn,
            name: pullId,
            input: JSON.stringify({ pullId }),
          }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}
