/**
 * Two kinds of errors: StatesError travels inside an execution (Retry/Catch see it, it can fail
 * the execution), LocalStepFunctionsError is thrown to callers of the API, named like the AWS
 * service exceptions so code written against the SDK can branch on `error.name`.
 */

export const STATES_RUNTIME = 'States.Runtime';
export const STATES_TIMEOUT = 'States.Timeout';

export interface StatesErrorOptions {
  /** Raised by a Task's work (the function, or a token failure): States.TaskFailed matches it. */
  fromTask?: boolean;
  /** A HeartbeatSeconds expiry, which ErrorEquals "States.HeartbeatTimeout" also matches. */
  heartbeat?: boolean;
}

export class StatesError extends Error {
  readonly error: string | undefined;
  readonly errorCause: string | undefined;
  readonly fromTask: boolean;
  readonly heartbeat: boolean;

  constructor(error: string | undefined, cause: string | undefined, options: StatesErrorOptions = {}) {
    super(cause ? `${error ?? '(no error)'}: ${cause}` : (error ?? '(no error)'));
    this.name = 'StatesError';
    this.error = error;
    this.errorCause = cause;
    this.fromTask = options.fromTask ?? false;
    this.heartbeat = options.heartbeat ?? false;
  }

  /** The `{Error, Cause}` object a Catch hands to its ResultPath. */
  toErrorOutput(): { Error?: string; Cause?: string } {
    const output: { Error?: string; Cause?: string } = {};
    if (this.error !== undefined) output.Error = this.error;
    if (this.errorCause !== undefined) output.Cause = this.errorCause;
    return output;
  }
}

/**
 * States.Runtime: bad paths, wrong types. As the spec says, it is never
 * retried and "a retry or catch on States.ALL will NOT catch" it: it always fails the execution.
 */
export function runtimeError(message: string): StatesError {
  return new StatesError(STATES_RUNTIME, message);
}

export function isRuntimeError(error: unknown): boolean {
  return error instanceof StatesError && error.error === STATES_RUNTIME;
}

/** Thrown inside a branch that was stopped because a sibling failed or the execution ended. */
export class BranchAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'BranchAborted';
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new BranchAborted();
}

/**
 * What a Lambda function's exception becomes, as the Node.js Lambda runtime reports it:
 * the error name is `err.name` (so an error class must set `this.name`, exactly as on AWS),
 * the cause is `{"errorType","errorMessage"}` as JSON text.
 */
export function errorFromHandler(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  let errorType = 'Error';
  let errorMessage: string;
  if (typeof thrown === 'object' && thrown !== null) {
    const { name, message } = thrown as { name?: unknown; message?: unknown };
    if (typeof name === 'string' && name !== '') errorType = name;
    errorMessage = typeof message === 'string' ? message : String(thrown);
  } else {
    errorMessage = String(thrown);
  }
  return new StatesError(errorType, JSON.stringify({ errorType, errorMessage }), { fromTask: true });
}

export type LocalStepFunctionsErrorName =
  | 'InvalidDefinition'
  | 'InvalidName'
  | 'InvalidExecutionInput'
  | 'InvalidOutput'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'TaskDoesNotExist';

export class LocalStepFunctionsError extends Error {
  override readonly name: LocalStepFunctionsErrorName;

  constructor(name: LocalStepFunctionsErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export function invalidDefinition(message: string): LocalStepFunctionsError {
  return new LocalStepFunctionsError('InvalidDefinition', message);
}
