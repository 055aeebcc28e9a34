import type { ChoiceState, CompiledState, FailState, PassState, StateGraph } from './definition-model.ts';
import { BranchAborted, isRuntimeError, runtimeError, STATES_RUNTIME, StatesError, throwIfAborted } from './errors.ts';
import { evaluateChoiceRule } from './choice-rules.ts';
import { applyInputPath, applyOutputPath, applyResultPath } from './input-output.ts';
import { jsonText, jsonTypeName, type JsonValue } from './json.ts';
import { NOT_FOUND, readPath } from './json-path.ts';
import { evaluateTemplate } from './payload-template.ts';
import { errorMatches, retryDelayMs } from './retry-policy.ts';
import { runMapAttempt } from './run-map.ts';
import { StateRun, type RunScope } from './run-scope.ts';
import { runTaskAttempt } from './run-task.ts';

/** The interpreter loop: run states from StartAt until one ends the graph; errors propagate as StatesError. */
export async function runGraph(graph: StateGraph, input: JsonValue, scope: RunScope): Promise<JsonValue> {
  let state = graph.states.get(graph.startAt) as CompiledState;
  let value = input;
  for (;;) {
    throwIfAborted(scope.signal);
    const { output, next } = await runState(state, value, scope);
    if (next === undefined) return output;
    state = graph.states.get(next) as CompiledState;
    value = output;
  }
}

interface StepResult {
  output: JsonValue;
  next: string | undefined;
}

/** Runtime errors already prefixed with the state they happened in (a branch's error crosses several states). */
const located = new WeakSet<StatesError>();

async function runState(state: CompiledState, input: JsonValue, scope: RunScope): Promise<StepResult> {
  const run = new StateRun(scope, state.name, scope.clock.now());
  const enteredId = scope.history.add(scope.trail, `${state.type}StateEntered`, {
    stateEnteredEventDetails: { name: state.name, input: jsonText(input) },
  });
  try {
    const step = await dispatch(state, input, run);
    throwIfAborted(scope.signal);
    if (state.type !== 'Fail') {
      scope.history.add(scope.trail, `${state.type}StateExited`, {
        stateExitedEventDetails: { name: state.name, output: jsonText(step.output) },
      });
    }
    return step;
  } catch (error) {
    if (
      error instanceof BranchAborted ||
      (error instanceof StatesError && (!isRuntimeError(error) || located.has(error)))
    )
      throw error;
    // A States.Runtime error, or a bug of ours: report it like AWS, naming the state.
    const message = error instanceof StatesError ? (error.errorCause ?? '') : `internal error: ${String(error)}`;
    const wrapped = new StatesError(
      STATES_RUNTIME,
      `An error occurred while executing the state '${state.name}' (entered at the event id #${enteredId}). ${message}`,
    );
    located.add(wrapped);
    throw wrapped;
  }
}

function dispatch(state: CompiledState, input: JsonValue, run: StateRun): Promise<StepResult> | StepResult {
  switch (state.type) {
    case 'Pass':
      return runPass(state, input, run);
    case 'Choice':
      return runChoice(state, input, run);
    case 'Succeed': {
      const context = run.context();
      return {
        output: applyOutputPath(state.outputPath, applyInputPath(state.inputPath, input, context), context),
        next: undefined,
      };
    }
    case 'Fail':
      return runFail(state, input, run);
    case 'Task':
      return withRetryAndCatch(state, input, run, (retryCount) => runTaskAttempt(state, input, run, retryCount));
    case 'Map':
      return withRetryAndCatch(state, input, run, (retryCount) =>
        runMapAttempt(state, input, run, retryCount, runGraph),
      );
  }
}

function runPass(state: PassState, input: JsonValue, run: StateRun): StepResult {
  const context = run.context();
  const effective = applyInputPath(state.inputPath, input, context);
  const parameters = state.parameters ? evaluateTemplate(state.parameters, run.env(effective, context)) : effective;
  const result = state.result ? state.result.value : parameters;
  return {
    output: applyOutputPath(state.outputPath, applyResultPath(state.resultPath, input, result), context),
    next: state.next,
  };
}

function runChoice(state: ChoiceState, input: JsonValue, run: StateRun): StepResult {
  const context = run.context();
  const effective = applyInputPath(state.inputPath, input, context);
  const match = state.choices.find((choice) => evaluateChoiceRule(choice.rule, effective, context));
  const next = match?.next ?? state.default;
  if (next === undefined) {
    throw new StatesError(
      'States.NoChoiceMatched',
      `No Choice Rules matched the input '${jsonText(effective)}' and no Default was given in state '${state.name}'`,
    );
  }
  return { output: applyOutputPath(state.outputPath, effective, context), next };
}

function runFail(state: FailState, input: JsonValue, run: StateRun): never {
  const context = run.context();
  const resolve = (field: 'ErrorPath' | 'CausePath', value: FailState['error']): string | undefined => {
    if (value === undefined || typeof value === 'string') return value;
    const resolved = readPath(value, input, context);
    if (typeof resolved !== 'string') {
      throw runtimeError(
        `${field} must resolve to a string, got ${resolved === NOT_FOUND ? 'nothing' : jsonTypeName(resolved)}`,
      );
    }
    return resolved;
  };
  throw new StatesError(resolve('ErrorPath', state.error), resolve('CausePath', state.cause));
}

type ErrorHandlingState = Extract<CompiledState, { retry: unknown }>;

/**
 * Retry then Catch, per the spec: the first retrier whose ErrorEquals matches decides (once its
 * MaxAttempts are spent, no later retrier is tried); then the first matching catcher routes the
 * `{Error, Cause}` output through its ResultPath into the state's raw input. States.Runtime and
 * aborted branches pass straight through.
 */
async function withRetryAndCatch(
  state: ErrorHandlingState,
  input: JsonValue,
  run: StateRun,
  attempt: (retryCount: number) => Promise<JsonValue>,
): Promise<StepResult> {
  const retriesPerRetrier = state.retry.map(() => 0);
  let retryCount = 0;
  for (;;) {
    try {
      return { output: await attempt(retryCount), next: state.next };
    } catch (thrown) {
      if (thrown instanceof BranchAborted || !(thrown instanceof StatesError) || isRuntimeError(thrown)) throw thrown;
      const retrierIndex = state.retry.findIndex((retrier) => errorMatches(retrier.errorEquals, thrown));
      const retrier = state.retry[retrierIndex];
      const retriesSoFar = retriesPerRetrier[retrierIndex] ?? 0;
      if (retrier && retriesSoFar < retrier.maxAttempts) {
        await run.scope.clock.sleep(
          retryDelayMs(retrier, retriesSoFar, () => run.scope.clock.random()),
          run.scope.signal,
        );
        retriesPerRetrier[retrierIndex] = retriesSoFar + 1;
        retryCount += 1;
        continue;
      }
      const catcher = state.catch.find((candidate) => errorMatches(candidate.errorEquals, thrown));
      if (!catcher) throw thrown;
      return { output: applyResultPath(catcher.resultPath, input, thrown.toErrorOutput()), next: catcher.next };
    }
  }
}
