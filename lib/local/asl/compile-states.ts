import { compileChoice } from './choice-rules.ts';
import type {
  ChoiceState,
  CompiledState,
  FailState,
  MapState,
  PassState,
  StateGraph,
  StateType,
  TaskState,
} from './definition-model.ts';
import { invalidDefinition } from './errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { isReferencePath, parseJsonPath, type JsonPath } from './json-path.ts';
import { compileExpression, compileTemplate, type TemplateNode } from './payload-template.ts';
import { compileCatchers, compileRetriers, type Catcher, type Retrier } from './retry-policy.ts';
import { checkLambdaInvokeParameters, resolveTaskResource } from './task-resources.ts';

// Compiles one state, rejecting by name every field the interpreter does not implement.

const FLOW = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath'];
const ERRORS = ['Retry', 'Catch'];
const FIELDS: Record<StateType, readonly string[]> = {
  Pass: [...FLOW, ...IO, 'Parameters', 'Result', 'ResultPath'],
  Task: [
    ...FLOW,
    ...IO,
    ...ERRORS,
    'Resource',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
  ],
  Choice: [...IO, 'Choices', 'Default'],
  Succeed: [...IO],
  Fail: ['Error', 'ErrorPath', 'Cause', 'CausePath'],
  Map: [
    ...FLOW,
    ...IO,
    ...ERRORS,
    'ItemsPath',
    'ItemSelector',
    'Parameters',
    'ItemProcessor',
    'Iterator',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ResultSelector',
    'ResultPath',
  ],
};

/** State types of valid ASL that our workflow does not use, so the interpreter leaves them out. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  Wait: 'Wait states are not implemented (digitize.asl.json has none)',
  Parallel: 'Parallel states are not implemented (digitize.asl.json has none)',
};

/** Valid ASL fields we do not implement, with the reason given in the error. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  Assign: 'workflow variables are not implemented',
  Arguments: 'JSONata is not implemented',
  Output: 'JSONata is not implemented',
  Items: 'JSONata is not implemented; use ItemsPath',
  Credentials: 'cross-account tasks are not implemented',
  ItemReader: 'Distributed Map is not implemented',
  ItemBatcher: 'Distributed Map is not implemented',
  ResultWriter: 'Distributed Map is not implemented',
  Label: 'Distributed Map is not implemented',
  ToleratedFailureCount: 'Distributed Map is not implemented',
  ToleratedFailureCountPath: 'Distributed Map is not implemented',
  ToleratedFailurePercentage: 'Distributed Map is not implemented',
  ToleratedFailurePercentagePath: 'Distributed Map is not implemented',
};

export type GraphCompiler = (raw: unknown, where: string, extraFields: readonly string[]) => StateGraph;

export function compileState(name: string, raw: unknown, compileGraph: GraphCompiler): CompiledState {
  const where = `State "${name}"`;
  if (!isJsonObject(raw)) throw invalidDefinition(`${where}: must be an object`);
  const type = raw.Type;
  if (typeof type === 'string' && Object.hasOwn(UNSUPPORTED_TYPES, type)) {
    const reason = UNSUPPORTED_TYPES[type];
    throw invalidDefinition(`${where} field "Type": not supported by the local interpreter (${reason})`);
  }
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    throw invalidDefinition(
      `${where} field "Type": "${String(type)}" is not a supported state type (${Object.keys(FIELDS).join(', ')})`,
    );
  }
  const stateType = type as StateType;
  const allowed = new Set(['Type', 'Comment', 'QueryLanguage', ...FIELDS[stateType]]);
  for (const field of Object.keys(raw)) {
    if (allowed.has(field)) continue;
    const reason = Object.hasOwn(KNOWN_UNSUPPORTED, field) ? KNOWN_UNSUPPORTED[field] : undefined;
    throw invalidDefinition(
      `${where} (${stateType}) field "${field}": not supported by the local interpreter${reason ? ` (${reason})` : ''}`,
    );
  }
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== 'JSONPath') {
    throw invalidDefinition(
      `${where} field "QueryLanguage": only JSONPath is supported, not ${JSON.stringify(raw.QueryLanguage)}`,
    );
  }
  const s = new StateFields(name, stateType, raw);
  switch (stateType) {
    case 'Pass':
      return compilePass(s);
    case 'Task':
      return compileTask(s);
    case 'Choice':
      return compileChoiceState(s);
    case 'Succeed':
      return { type: 'Succeed', name, ...s.io() };
    case 'Fail':
      return compileFail(s);
    case 'Map':
      return compileMap(s, compileGraph);
  }
}

/** Typed accessors over one raw state, each error naming the state and the field. */
class StateFields {
  readonly where: string;

  constructor(
    readonly name: string,
    readonly type: StateType,
    readonly raw: JsonObject,
  ) {
    this.where = `State "${name}"`;
  }

  fail(field: string, message: string): never {
    throw invalidDefinition(`${this.where} (${this.type}) field "${field}": ${message}`);
  }

  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  /** InputPath/OutputPath/ResultPath style: default "$", null allowed. */
  path(field: string, reference = false): JsonPath | null {
    const value = this.raw[field];
    if (value === null) return null;
    if (value === undefined) return parseJsonPath('$');
    return this.requiredPath(field, reference);
  }

  requiredPath(field: string, reference = true): JsonPath {
    const value = this.raw[field];
    if (typeof value !== 'string') return this.fail(field, 'must be a JSONPath string');
    let path: JsonPath;
    try {
      path = parseJsonPath(value);
    } catch (error) {
      return this.fail(field, (error as Error).message);
    }
    if (reference && !isReferencePath(path))
      this.fail(field, `"${value}" must be a reference path (one node, no wildcards)`);
    return path;
  }

  /** InputPath and OutputPath, which every state but Fail has. */
  io(): Pick<TaskState, 'inputPath' | 'outputPath'> {
    return { inputPath: this.path('InputPath'), outputPath: this.path('OutputPath') };
  }

  /** ResultSelector, ResultPath, Retry and Catch, which Task and Map share. */
  resultHandling(): Pick<TaskState, 'resultSelector' | 'resultPath' | 'retry' | 'catch'> {
    return {
      resultSelector: this.template('ResultSelector'),
      resultPath: this.resultPath(),
      retry: this.retry(),
      catch: this.catch(),
    };
  }

  resultPath(): JsonPath | null {
    const path = this.path('ResultPath', true);
    if (path?.root === 'context') this.fail('ResultPath', 'cannot point into the context object');
    return path;
  }

  template(field: string): TemplateNode | undefined {
    if (!this.has(field)) return undefined;
    return compileTemplate(this.raw[field], `${this.where} field "${field}"`);
  }

  positiveInteger(field: string, allowZero = false): number | undefined {
    const value = this.raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
      this.fail(field, `must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
    }
    return value;
  }

  /** "X" or "XPath", at most one. */
  numberOrPath(field: string, allowZero = false): number | JsonPath | undefined {
    if (this.has(field) && this.has(`${field}Path`))
      this.fail(field, `"${field}" and "${field}Path" are mutually exclusive`);
    return this.has(`${field}Path`) ? this.requiredPath(`${field}Path`) : this.positiveInteger(field, allowZero);
  }

  next(): string | undefined {
    const { Next, End } = this.raw;
    if (End !== undefined && End !== true) this.fail('End', 'must be true when present');
    if ((Next === undefined) === (End === undefined))
      this.fail('Next', 'a state needs exactly one of "Next" or "End": true');
    if (Next !== undefined && typeof Next !== 'string') this.fail('Next', 'must be a state name');
    return Next;
  }

  retry(): Retrier[] {
    return compileRetriers(this.raw.Retry, this.where);
  }

  catch(): Catcher[] {
    return compileCatchers(this.raw.Catch, this.where);
  }
}

function compilePass(s: StateFields): PassState {
  return {
    type: 'Pass',
    name: s.name,
    next: s.next(),
    ...s.io(),
    parameters: s.template('Parameters'),
    result: s.raw.Result === undefined ? undefined : { value: s.raw.Result as JsonValue },
    resultPath: s.resultPath(),
  };
}

function compileTask(s: StateFields): TaskState {
  const resource = resolveTaskResource(s.raw.Resource, s.where);
  checkLambdaInvokeParameters(resource, s.raw.Parameters, s.where);
  return {
    type: 'Task',
    name: s.name,
    next: s.next(),
    resource,
    ...s.io(),
    parameters: s.template('Parameters'),
    ...s.resultHandling(),
    timeoutSeconds: s.numberOrPath('TimeoutSeconds'),
    heartbeatSeconds: s.numberOrPath('HeartbeatSeconds'),
  };
}

function compileChoiceState(s: StateFields): ChoiceState {
  const choices = s.raw.Choices;
  if (!Array.isArray(choices) || choices.length === 0) s.fail('Choices', 'must be a non-empty array of choice rules');
  if (s.has('Default') && typeof s.raw.Default !== 'string') s.fail('Default', 'must be a state name');
  return {
    type: 'Choice',
    name: s.name,
    ...s.io(),
    choices: choices.map((rule, index) => compileChoice(rule, `${s.where} field "Choices[${index}]"`)),
    default: s.raw.Default as string | undefined,
  };
}

function compileFail(s: StateFields): FailState {
  const field = (name: 'Error' | 'Cause'): string | JsonPath | undefined => {
    if (s.has(name) && s.has(`${name}Path`)) s.fail(name, `"${name}" and "${name}Path" are mutually exclusive`);
    if (s.has(`${name}Path`)) return compileExpression(`${name}Path`, s.raw[`${name}Path`], s.where);
    const value = s.raw[name];
    if (value !== undefined && typeof value !== 'string') s.fail(name, 'must be a string');
    return value;
  };
  return { type: 'Fail', name: s.name, error: field('Error'), cause: field('Cause') };
}

function compileMap(s: StateFields, compileGraph: GraphCompiler): MapState {
  if (s.has('ItemProcessor') === s.has('Iterator'))
    s.fail('ItemProcessor', 'a Map state needs exactly one of ItemProcessor or Iterator');
  if (s.has('ItemSelector') && s.has('Parameters'))
    s.fail('ItemSelector', '"ItemSelector" and "Parameters" are mutually exclusive');
  const processorField = s.has('ItemProcessor') ? 'ItemProcessor' : 'Iterator';
  const processor = s.raw[processorField];
  if (isJsonObject(processor) && processor.ProcessorConfig !== undefined) {
    const config = processor.ProcessorConfig;
    if (
      !isJsonObject(config) ||
      (config.Mode !== undefined && config.Mode !== 'INLINE') ||
      Object.keys(config).some((k) => k !== 'Mode')
    ) {
      s.fail(
        `${processorField}.ProcessorConfig`,
        'only {"Mode": "INLINE"} is supported (Distributed Map is not implemented)',
      );
    }
  }
  return {
    type: 'Map',
    name: s.name,
    next: s.next(),
    ...s.io(),
    itemsPath: s.has('ItemsPath') ? s.requiredPath('ItemsPath') : parseJsonPath('$'),
    itemSelector: s.template(s.has('Parameters') ? 'Parameters' : 'ItemSelector'),
    ...s.resultHandling(),
    maxConcurrency: s.numberOrPath('MaxConcurrency', true) ?? 0,
    processor: compileGraph(processor, `${s.where} field "${processorField}"`, ['ProcessorConfig']),
  };
}
