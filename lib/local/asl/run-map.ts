import type { MapState, StateGraph } from './definition-model.ts';
import { BranchAborted, runtimeError } from './errors.ts';
import type { Trail } from './history.ts';
import { applyInputPath, applyOutputPath, applyResultPath, readRequired } from './input-output.ts';
import { jsonText, type JsonValue } from './json.ts';
import { evaluateTemplate } from './payload-template.ts';
import type { RunScope, StateRun } from './run-scope.ts';

export type GraphRunner = (graph: StateGraph, input: JsonValue, scope: RunScope) => Promise<JsonValue>;

/**
 * One attempt of a Map state. Iterations run concurrently (at most MaxConcurrency), each with its
 * own abort signal and history trail; the first failure aborts the others and becomes the state's
 * error, as the spec says.
 */
export async function runMapAttempt(
  state: MapState,
  input: JsonValue,
  run: StateRun,
  retryCount: number,
  runGraph: GraphRunner,
): Promise<JsonValue> {
  const { scope } = run;
  const context = run.context({ retryCount });
  const effective = applyInputPath(state.inputPath, input, context);
  const items = readRequired(state.itemsPath, effective, context, 'ItemsPath');
  if (!Array.isArray(items))
    throw runtimeError(`ItemsPath '${state.itemsPath.text}' must point to an array, got ${jsonText(items)}`);
  const maxConcurrency = concurrencyOf(state, effective, run);
  scope.history.add(scope.trail, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
  const startedId = scope.trail.last;
  const results = await settle(scope, () =>
    runAll(items.length, maxConcurrency, scope.signal, async (index, signal) => {
      const item = items[index] as JsonValue;
      const trail: Trail = { last: startedId };
      const iteration = { name: state.name, index };
      scope.history.add(trail, 'MapIterationStarted', { mapIterationStartedEventDetails: iteration });
      try {
        // ItemSelector sees the Map's effective input as $ and the item as $$.Map.Item.Value.
        const itemContext = run.context({ retryCount, mapItem: { index, value: item } });
        const iterationInput = state.itemSelector
          ? evaluateTemplate(state.itemSelector, run.env(effective, itemContext))
          : item;
        const output = await runGraph(state.processor, iterationInput, { ...scope, signal, trail });
        scope.history.add(trail, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: iteration });
        return output;
      } catch (error) {
        if (error instanceof BranchAborted)
          scope.history.add(trail, 'MapIterationAborted', { mapIterationAbortedEventDetails: iteration });
        else scope.history.add(trail, 'MapIterationFailed', { mapIterationFailedEventDetails: iteration });
        throw error;
      }
    }),
  );
  const selected = state.resultSelector ? evaluateTemplate(state.resultSelector, run.env(results, context)) : results;
  return applyOutputPath(state.outputPath, applyResultPath(state.resultPath, input, selected), context);
}

function concurrencyOf(state: MapState, effective: JsonValue, run: StateRun): number {
  if (typeof state.maxConcurrency === 'number') return state.maxConcurrency;
  const value = readRequired(state.maxConcurrency, effective, run.context(), 'MaxConcurrencyPath');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw runtimeError(
      `MaxConcurrencyPath '${state.maxConcurrency.text}' must point to a non-negative integer, got ${jsonText(value)}`,
    );
  }
  return value;
}

/** Records MapStateSucceeded, MapStateFailed or MapStateAborted around the iterations. */
async function settle(scope: RunScope, work: () => Promise<JsonValue[]>): Promise<JsonValue[]> {
  try {
    const results = await work();
    scope.history.add(scope.trail, 'MapStateSucceeded');
    return results;
  } catch (error) {
    scope.history.add(scope.trail, error instanceof BranchAborted ? 'MapStateAborted' : 'MapStateFailed');
    throw error;
  }
}

/**
 * Runs count jobs, at most `limit` at a time (0 = all at once), in index order. The first
 * failure aborts the rest and is rethrown once every started job has stopped.
 */
export async function runAll<T>(
  count: number,
  limit: number,
  parent: AbortSignal,
  job: (index: number, signal: AbortSignal) => Promise<T>,
): Promise<T[]> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  const results: T[] = new Array<T>(count);
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (!controller.signal.aborted && next < count) {
      const index = next;
      next += 1;
      try {
        results[index] = await job(index, controller.signal);
      } catch (error) {
        if (!failure && !(error instanceof BranchAborted)) {
          failure = { error };
          controller.abort();
        }
      }
    }
  };
  const workers = Math.min(count, limit === 0 ? count : limit);
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    parent.removeEventListener('abort', abort);
  }
  if (failure) throw failure.error;
  if (parent.aborted) throw new BranchAborted();
  return results;
}
