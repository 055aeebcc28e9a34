import { abortGuard, deadlineGuard, raceGuards, resettableDeadlineGuard, type Guard } from './clock.ts';
import type { TaskState } from './definition-model.ts';
import { BranchAborted, errorFromHandler, runtimeError, STATES_TIMEOUT, StatesError } from './errors.ts';
import type { HistoryEventDetails } from './history.ts';
import { applyInputPath, applyOutputPath, applyResultPath, readRequired } from './input-output.ts';
import { hasOwn, isJsonObject, jsonText, toJson, type JsonObject, type JsonValue } from './json.ts';
import type { JsonPath } from './json-path.ts';
import { evaluateTemplate } from './payload-template.ts';
import type { RunScope, StateRun } from './run-scope.ts';
import type { OpenToken } from './task-tokens.ts';

/**
 * One attempt of a Task state: InputPath → Parameters → invoke → ResultSelector → ResultPath →
 * OutputPath. Retry/Catch around it live in run-states.ts. A timeout or an abort stops waiting
 * for the function; the function itself cannot be cancelled and its late result is ignored.
 */
export async function runTaskAttempt(
  state: TaskState,
  input: JsonValue,
  run: StateRun,
  retryCount: number,
): Promise<JsonValue> {
  const token =
    state.resource.kind === 'lambda:invoke' && state.resource.waitForTaskToken ? run.scope.tokens.create() : undefined;
  try {
    const context = run.context({ retryCount, ...(token ? { taskToken: token.token } : {}) });
    const effective = applyInputPath(state.inputPath, input, context);
    const parameters = state.parameters ? evaluateTemplate(state.parameters, run.env(effective, context)) : effective;
    const limits = {
      timeoutSeconds: seconds(state.timeoutSeconds, 'TimeoutSecondsPath', effective, context),
      heartbeatSeconds: seconds(state.heartbeatSeconds, 'HeartbeatSecondsPath', effective, context),
    };
    const result = await invoke(state, parameters, run.scope, token, limits);
    const selected = state.resultSelector ? evaluateTemplate(state.resultSelector, run.env(result, context)) : result;
    return applyOutputPath(state.outputPath, applyResultPath(state.resultPath, input, selected), context);
  } finally {
    token?.close();
  }
}

function seconds(
  value: number | JsonPath | undefined,
  field: string,
  input: JsonValue,
  context: JsonObject,
): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const resolved = readRequired(value, input, context, field);
  if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 1) {
    throw runtimeError(`${field} '${value.text}' must point to a positive integer, got ${jsonText(resolved)}`);
  }
  return resolved;
}

interface Limits {
  timeoutSeconds: number | undefined;
  heartbeatSeconds: number | undefined;
}

/** History event names and details differ between the Lambda integration and a bare function ARN. */
interface TaskEvents {
  scheduled(parameters: JsonValue, limits: Limits): HistoryEventDetails;
  succeeded(output: JsonValue): HistoryEventDetails;
  failed(error: StatesError): HistoryEventDetails;
}

async function invoke(
  state: TaskState,
  parameters: JsonValue,
  scope: RunScope,
  token: OpenToken | undefined,
  limits: Limits,
): Promise<JsonValue> {
  const { resource } = state;
  const lambdaInvoke = resource.kind === 'lambda:invoke';
  const prefix = lambdaInvoke ? 'Task' : 'LambdaFunction';
  const events = lambdaInvoke
    ? integrationEvents(resource.waitForTaskToken, scope.execution.region)
    : functionEvents(resource.resource);
  const guards: Guard[] = [abortGuard(scope.signal)];
  if (limits.timeoutSeconds !== undefined) {
    const timeout = limits.timeoutSeconds;
    guards.push(
      deadlineGuard(
        scope.clock,
        timeout * 1000,
        () =>
          new StatesError(STATES_TIMEOUT, `The task did not finish within TimeoutSeconds (${timeout})`, {
            fromTask: true,
          }),
      ),
    );
  }
  if (limits.heartbeatSeconds !== undefined) {
    const interval = limits.heartbeatSeconds;
    const heartbeat = resettableDeadlineGuard(
      scope.clock,
      interval * 1000,
      () =>
        new StatesError(STATES_TIMEOUT, `No heartbeat within HeartbeatSeconds (${interval})`, {
          fromTask: true,
          heartbeat: true,
        }),
    );
    token?.onHeartbeat(() => heartbeat.reset());
    guards.push(heartbeat);
  }
  scope.history.add(scope.trail, `${prefix}Scheduled`, events.scheduled(parameters, limits));
  scope.history.add(
    scope.trail,
    `${prefix}Started`,
    lambdaInvoke ? { taskStartedEventDetails: taskBase(resource.waitForTaskToken) } : {},
  );
  try {
    let output: JsonValue;
    if (!lambdaInvoke) {
      output = await raceGuards(callFunction(scope, { functionName: resource.resource, payload: parameters }), guards);
    } else {
      if (!isJsonObject(parameters) || typeof parameters.FunctionName !== 'string') {
        throw runtimeError(`lambda:invoke needs Parameters.FunctionName to be a string, got ${jsonText(parameters)}`);
      }
      const payload = hasOwn(parameters, 'Payload') ? (parameters.Payload as JsonValue) : {};
      const invocation = {
        functionName: parameters.FunctionName,
        payload,
        ...(token ? { taskToken: token.token } : {}),
      };
      const response = {
        ExecutedVersion: '$LATEST',
        Payload: await raceGuards(callFunction(scope, invocation), guards),
        StatusCode: 200,
      };
      if (token) {
        scope.history.add(scope.trail, 'TaskSubmitted', {
          taskSubmittedEventDetails: { ...taskBase(true), output: jsonText(response) },
        });
        output = await raceGuards(token.outcome, guards);
      } else {
        output = response;
      }
    }
    scope.history.add(scope.trail, `${prefix}Succeeded`, events.succeeded(output));
    return output;
  } catch (error) {
    if (error instanceof StatesError && error.fromTask) {
      scope.history.add(
        scope.trail,
        error.error === STATES_TIMEOUT ? `${prefix}TimedOut` : `${prefix}Failed`,
        events.failed(error),
      );
    }
    throw error instanceof BranchAborted || error instanceof StatesError ? error : runtimeError(String(error));
  } finally {
    for (const guard of guards) guard.dispose();
  }
}

/** Calls the handler like Lambda would: JSON in, JSON out, a thrown error becomes the task's error. */
async function callFunction(
  scope: RunScope,
  invocation: { functionName: string; payload: JsonValue; taskToken?: string },
): Promise<JsonValue> {
  let result: unknown;
  try {
    result = await scope.invokeFunction({ ...invocation, payload: structuredClone(invocation.payload) });
  } catch (error) {
    throw errorFromHandler(error);
  }
  try {
    return toJson(result);
  } catch (error) {
    const errorMessage = `Unable to marshal the function result to JSON: ${(error as Error).message}`;
    throw new StatesError('Runtime.MarshalError', JSON.stringify({ errorType: 'Runtime.MarshalError', errorMessage }), {
      fromTask: true,
    });
  }
}

function taskBase(waitForTaskToken: boolean) {
  return { resourceType: 'lambda', resource: waitForTaskToken ? 'invoke.waitForTaskToken' : 'invoke' };
}

function integrationEvents(waitForTaskToken: boolean, region: string): TaskEvents {
  const base = taskBase(waitForTaskToken);
  return {
    scheduled: (parameters, limits) => ({
      taskScheduledEventDetails: {
        ...base,
        region,
        parameters: jsonText(parameters),
        ...(limits.timeoutSeconds !== undefined ? { timeoutInSeconds: limits.timeoutSeconds } : {}),
        ...(limits.heartbeatSeconds !== undefined ? { heartbeatInSeconds: limits.heartbeatSeconds } : {}),
      },
    }),
    succeeded: (output) => ({ taskSucceededEventDetails: { ...base, output: jsonText(output) } }),
    failed: (error) =>
      error.error === STATES_TIMEOUT
        ? { taskTimedOutEventDetails: { ...base, ...errorDetails(error) } }
        : { taskFailedEventDetails: { ...base, ...errorDetails(error) } },
  };
}

function functionEvents(resource: string): TaskEvents {
  return {
    scheduled: (parameters, limits) => ({
      lambdaFunctionScheduledEventDetails: {
        resource,
        input: jsonText(parameters),
        ...(limits.timeoutSeconds !== undefined ? { timeoutInSeconds: limits.timeoutSeconds } : {}),
      },
    }),
    succeeded: (output) => ({ lambdaFunctionSucceededEventDetails: { output: jsonText(output) } }),
    failed: (error) =>
      error.error === STATES_TIMEOUT
        ? { lambdaFunctionTimedOutEventDetails: errorDetails(error) }
        : { lambdaFunctionFailedEventDetails: errorDetails(error) },
  };
}

function errorDetails(error: StatesError): { error?: string; cause?: string } {
  return {
    ...(error.error !== undefined ? { error: error.error } : {}),
    ...(error.errorCause !== undefined ? { cause: error.errorCause } : {}),
  };
}
