import type { CompiledState, CompiledStateMachine, StateGraph } from './definition-model.ts';
import { compileState } from './compile-states.ts';
import { invalidDefinition } from './errors.ts';
import { isJsonObject } from './json.ts';

/**
 * Turns a parsed definition into the interpreter's model, checking what the interpreter relies
 * on: supported types and fields only, unique state names, transitions that stay inside their
 * own branch, and every state reachable (AWS rejects unreachable states too).
 */
export function compileDefinition(definition: unknown): CompiledStateMachine {
  if (!isJsonObject(definition)) throw invalidDefinition('the definition must be a JSON object');
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    throw invalidDefinition(
      `top-level field "QueryLanguage": only JSONPath is supported, not ${JSON.stringify(definition.QueryLanguage)}`,
    );
  }
  const timeout = definition.TimeoutSeconds;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1)) {
    throw invalidDefinition('top-level field "TimeoutSeconds": must be a positive integer');
  }
  const seen = new Set<string>();
  const compileGraph = (raw: unknown, where: string, extraFields: readonly string[]): StateGraph => {
    if (!isJsonObject(raw)) throw invalidDefinition(`${where}: must be an object with StartAt and States`);
    const allowed = new Set(['StartAt', 'States', 'Comment', ...extraFields]);
    const unknown = Object.keys(raw).find((key) => !allowed.has(key));
    if (unknown !== undefined)
      throw invalidDefinition(`${where} field "${unknown}": not supported by the local interpreter`);
    const { StartAt, States } = raw;
    if (!isJsonObject(States) || Object.keys(States).length === 0)
      throw invalidDefinition(`${where} field "States": must be a non-empty object`);
    const states = new Map<string, CompiledState>();
    for (const [name, state] of Object.entries(States)) {
      if (seen.has(name))
        throw invalidDefinition(`State "${name}": state names must be unique in the whole state machine`);
      seen.add(name);
      states.set(name, compileState(name, state, compileGraph));
    }
    if (typeof StartAt !== 'string' || !states.has(StartAt)) {
      throw invalidDefinition(
        `${where} field "StartAt": "${String(StartAt)}" is not a state of this ${where === 'definition' ? 'state machine' : 'branch'}`,
      );
    }
    checkTransitions(StartAt, states);
    return { startAt: StartAt, states };
  };
  const graph = compileGraph(definition, 'definition', ['Version', 'TimeoutSeconds', 'QueryLanguage']);
  return { graph, timeoutSeconds: timeout };
}

function targetsOf(state: CompiledState): { field: string; target: string }[] {
  const targets: { field: string; target: string }[] = [];
  if (state.type === 'Choice') {
    state.choices.forEach((choice, index) => targets.push({ field: `Choices[${index}].Next`, target: choice.next }));
    if (state.default !== undefined) targets.push({ field: 'Default', target: state.default });
  } else if (state.type !== 'Fail' && state.type !== 'Succeed' && state.next !== undefined) {
    targets.push({ field: 'Next', target: state.next });
  }
  if (state.type === 'Task' || state.type === 'Map') {
    state.catch.forEach((catcher, index) => targets.push({ field: `Catch[${index}].Next`, target: catcher.next }));
  }
  return targets;
}

function checkTransitions(startAt: string, states: ReadonlyMap<string, CompiledState>): void {
  for (const state of states.values()) {
    for (const { field, target } of targetsOf(state)) {
      if (!states.has(target)) {
        throw invalidDefinition(
          `State "${state.name}" field "${field}": "${target}" is not a state of the same branch`,
        );
      }
    }
  }
  const reached = new Set([startAt]);
  const pending = [startAt];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const { target } of targetsOf(states.get(name) as CompiledState)) {
      if (!reached.has(target)) {
        reached.add(target);
        pending.push(target);
      }
    }
  }
  const unreachable = [...states.keys()].find((name) => !reached.has(name));
  if (unreachable !== undefined)
    throw invalidDefinition(`State "${unreachable}": not reachable from StartAt "${startAt}"`);
}
