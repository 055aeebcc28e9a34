import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ReviewNotPendingError, type DigitizeWorkflow } from '../core/digitize-workflow.ts';
import { workflowErrors } from '../core/workflow-errors.ts';

/** The digitize state machine on Step Functions; executions are named after their upload. */
export function createSfnDigitizeWorkflow(deps: { sfn: SFNClient; stateMachineArn: string }): DigitizeWorkflow {
  return {
    async startDigitization({ uploadId }) {
      try {
        await deps.sfn.send(
          new StartExecutionCommand({
            stateMachineArn: deps.stateMachineArn,
            name: uploadId,
            input: JSON.stringify({ uploadId }),
          }),
        );
        return { alreadyStarted: false };
      } catch (error) {
        // Same name and same input: Step Functions returns the running execution instead; a
        // finished one (within 90 days) answers ExecutionAlreadyExists. Either way it ran once.
        if (error instanceof ExecutionAlreadyExists) return { alreadyStarted: true };
        throw error;
      }
    },
    async resumeAfterReview(taskToken, decision) {
      try {
        if (decision.approved)
          await deps.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
        else {
          const failure = { taskToken, error: workflowErrors.reviewRejected, cause: decision.reason };
          await deps.sfn.send(new SendTaskFailureCommand(failure));
        }
      } catch (error) {
        if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) {
          throw new ReviewNotPendingError();
        }
        throw error;
      }
    },
  };
}
