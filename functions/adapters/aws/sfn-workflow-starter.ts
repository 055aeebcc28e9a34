import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../../core/workflow-starter.ts';

/** Starts the digitize state machine; the execution name is the upload id, which makes starts idempotent. */
export function createSfnWorkflowStarter(deps: { sfn: SFNClient; stateMachineArn: string }): WorkflowStarter {
  return {
    async startDigitization({ uploadId }) {
      try {
        await deps.sfn.send(new StartExecutionCommand({
          stateMachineArn: deps.stateMachineArn,
          name: uploadId,
          input: JSON.stringify({ uploadId }),
        }));
        return { alreadyStarted: false };
      } catch (error) {
        // Same name and same input: Step Functions returns the running execution instead; a
        // finished one (within 90 days) answers ExecutionAlreadyExists. Either way it ran once.
        if (error instanceof ExecutionAlreadyExists) return { alreadyStarted: true };
        throw error;
      }
    },
  };
}
