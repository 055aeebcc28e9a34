/** Local Step Functions: runs the workflow's ASL definition in process (see local-step-functions.ts). */
export { LocalStepFunctions } from './local-step-functions.ts';
export type {
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  LocalStepFunctionsOptions,
  StartExecutionInput,
  StartExecutionResult,
  StateMachineHandle,
  TaskInvocation,
} from './api-types.ts';
export type { HistoryEvent, HistoryEventType } from './history.ts';
export { LocalStepFunctionsError, type LocalStepFunctionsErrorName } from './errors.ts';
