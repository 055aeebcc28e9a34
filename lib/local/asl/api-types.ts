import type { HistoryEvent } from './history.ts';

/** Public types of the local Step Functions API. */

export interface TaskInvocation {
  /** FunctionName (lambda:invoke) or the Resource ARN/name (bare Lambda task), after substitution. */
  functionName: string;
  payload: unknown;
  /** Set for .waitForTaskToken tasks: the token that sendTaskSuccess/Failure must quote. */
  taskToken?: string;
}

export interface LocalStepFunctionsOptions {
  /** Runs a Lambda handler by name; a rejection is the function's error, as Lambda reports it. */
  invokeFunction(invocation: TaskInvocation): Promise<unknown>;
  /** Injectable so tests don't wait for Retry and timeouts. */
  sleep?(ms: number): Promise<void>;
  now?(): Date;
  /** Injectable randomness for JitterStrategy FULL and States.MathRandom. */
  random?(): number;
  /**
   * Run asl-validator on every createStateMachine (default true). It costs ~100 ms a call, so
   * unit tests that build many small machines may turn it off; our own checks always run.
   */
  aslValidation?: boolean;
  /** Used in ARNs (default us-east-1 / 123456789012). */
  region?: string;
  accountId?: string;
}

export interface StateMachineHandle {
  readonly name: string;
  readonly stateMachineArn: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StartExecutionInput {
  /** Defaults to a random UUID, as on AWS. */
  name?: string;
  /** Any JSON value; defaults to {}. */
  input?: unknown;
}

export interface StartExecutionResult {
  executionArn: string;
  startDate: Date;
  /** True when an execution with this name and the same input already existed (running or finished). */
  alreadyStarted: boolean;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export type { HistoryEvent };
