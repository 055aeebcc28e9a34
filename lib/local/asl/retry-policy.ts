import { invalidDefinition, STATES_RUNTIME, STATES_TIMEOUT, type StatesError } from './errors.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { isReferencePath, parseJsonPath, type JsonPath } from './json-path.ts';

/** Retry and Catch fields of Task and Map states: which errors they match and how long to wait. */
export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number | undefined;
  readonly jitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  readonly resultPath: JsonPath | null;
}

/**
 * States.ALL matches anything but States.Runtime (which never reaches a retrier anyway);
 * States.TaskFailed matches any error a Task raised except States.Timeout, as the spec says;
 * States.HeartbeatTimeout matches a heartbeat expiry, which is reported as States.Timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: StatesError): boolean {
  if (error.error === STATES_RUNTIME) return false;
  return errorEquals.some((name) => {
    if (name === 'States.ALL') return true;
    if (name === 'States.TaskFailed') return error.fromTask && error.error !== STATES_TIMEOUT;
    if (name === 'States.HeartbeatTimeout') return error.heartbeat;
    return name === error.error;
  });
}

/** Delay before retry number `retriesSoFar + 1`: IntervalSeconds × BackoffRate^retriesSoFar, capped, maybe jittered. */
export function retryDelayMs(retrier: Retrier, retriesSoFar: number, random: () => number): number {
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** retriesSoFar;
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  if (retrier.jitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}

const RETRIER_FIELDS = new Set([
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
]);
const CATCHER_FIELDS = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Comment']);

export function compileRetriers(raw: unknown, where: string): Retrier[] {
  return compileList(raw, `${where} field "Retry"`, RETRIER_FIELDS, (item, at) => {
    const number = (field: string, fallback: number, check: (n: number) => boolean, rule: string): number => {
      const value = item[field];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !check(value)) throw invalidDefinition(`${at}: "${field}" must be ${rule}`);
      return value;
    };
    const jitter = item.JitterStrategy ?? 'NONE';
    if (jitter !== 'FULL' && jitter !== 'NONE') throw invalidDefinition(`${at}: "JitterStrategy" must be FULL or NONE`);
    const maxDelay =
      item.MaxDelaySeconds === undefined
        ? undefined
        : number('MaxDelaySeconds', 0, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
    return {
      errorEquals: errorEquals(item, at),
      intervalSeconds: number('IntervalSeconds', 1, (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
      maxAttempts: number('MaxAttempts', 3, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
      backoffRate: number('BackoffRate', 2, (n) => n >= 1, 'a number >= 1'),
      maxDelaySeconds: maxDelay,
      jitterStrategy: jitter,
    };
  });
}

export function compileCatchers(raw: unknown, where: string): Catcher[] {
  return compileList(raw, `${where} field "Catch"`, CATCHER_FIELDS, (item, at) => {
    if (typeof item.Next !== 'string') throw invalidDefinition(`${at}: "Next" must name a state`);
    let resultPath: JsonPath | null = parseJsonPath('$');
    if (item.ResultPath === null) resultPath = null;
    else if (item.ResultPath !== undefined) {
      try {
        resultPath = typeof item.ResultPath === 'string' ? parseJsonPath(item.ResultPath) : null;
      } catch (error) {
        throw invalidDefinition(`${at}: "ResultPath": ${(error as Error).message}`);
      }
      if (resultPath === null || resultPath.root !== 'input' || !isReferencePath(resultPath)) {
        throw invalidDefinition(`${at}: "ResultPath" must be a reference path such as "$.error"`);
      }
    }
    return { errorEquals: errorEquals(item, at), next: item.Next, resultPath };
  });
}

function compileList<T>(
  raw: unknown,
  where: string,
  fields: Set<string>,
  compile: (item: JsonObject, at: string) => T,
): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalidDefinition(`${where}: must be an array`);
  const list = raw.map((item: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isJsonObject(item)) throw invalidDefinition(`${at}: must be an object`);
    const unknown = Object.keys(item).filter((key) => !fields.has(key));
    if (unknown.length > 0) throw invalidDefinition(`${at}: field "${unknown[0]}" is not supported`);
    return { at, errors: errorEquals(item, at), value: compile(item, at) };
  });
  // The spec: States.ALL must appear alone, and only in the last retrier or catcher.
  list.forEach(({ at, errors }, index) => {
    if (errors.includes('States.ALL') && (errors.length > 1 || index !== list.length - 1)) {
      throw invalidDefinition(`${at}: "States.ALL" must appear alone and in the last element`);
    }
  });
  return list.map(({ value }) => value);
}

function errorEquals(item: JsonObject, at: string): string[] {
  const list = item.ErrorEquals;
  if (!Array.isArray(list) || list.length === 0 || !list.every((name) => typeof name === 'string')) {
    throw invalidDefinition(`${at}: "ErrorEquals" must be a non-empty array of error names`);
  }
  return list as string[];
}
