import type { ChoiceRule } from './choice-rules.ts';
import type { JsonValue } from './json.ts';
import type { JsonPath } from './json-path.ts';
import type { TemplateNode } from './payload-template.ts';
import type { Catcher, Retrier } from './retry-policy.ts';

/** The validated, pre-parsed form of a definition that the interpreter runs. */
export interface StateGraph {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CompiledState>;
}

export interface CompiledStateMachine {
  readonly graph: StateGraph;
  /** The machine-wide TimeoutSeconds (the execution ends TIMED_OUT). */
  readonly timeoutSeconds: number | undefined;
}

export type StateType = CompiledState['type'];

export type CompiledState = PassState | TaskState | ChoiceState | SucceedState | FailState | MapState;

interface StateBase {
  readonly name: string;
  /** null means "{}" (the spec's null InputPath/OutputPath). */
  readonly inputPath: JsonPath | null;
  readonly outputPath: JsonPath | null;
}

interface Transitioning {
  /** undefined for an End state. */
  readonly next: string | undefined;
}

interface ErrorHandling {
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

interface ResultProcessing {
  readonly resultSelector: TemplateNode | undefined;
  /** null means "discard the result and pass the input on". */
  readonly resultPath: JsonPath | null;
}

export interface PassState extends StateBase, Transitioning {
  readonly type: 'Pass';
  readonly parameters: TemplateNode | undefined;
  readonly result: { value: JsonValue } | undefined;
  readonly resultPath: JsonPath | null;
}

export type TaskResource =
  | { readonly kind: 'lambda:invoke'; readonly resource: string; readonly waitForTaskToken: boolean }
  | { readonly kind: 'lambda-function'; readonly resource: string };

export interface TaskState extends StateBase, Transitioning, ErrorHandling, ResultProcessing {
  readonly type: 'Task';
  readonly resource: TaskResource;
  readonly parameters: TemplateNode | undefined;
  readonly timeoutSeconds: number | JsonPath | undefined;
  readonly heartbeatSeconds: number | JsonPath | undefined;
}

export interface ChoiceState extends StateBase {
  readonly type: 'Choice';
  readonly choices: readonly { readonly rule: ChoiceRule; readonly next: string }[];
  readonly default: string | undefined;
}

export interface SucceedState extends StateBase {
  readonly type: 'Succeed';
}

export interface FailState {
  readonly type: 'Fail';
  readonly name: string;
  /** A plain string (Error, Cause) or a path (ErrorPath, CausePath). */
  readonly error: string | JsonPath | undefined;
  readonly cause: string | JsonPath | undefined;
}

export interface MapState extends StateBase, Transitioning, ErrorHandling, ResultProcessing {
  readonly type: 'Map';
  readonly itemsPath: JsonPath;
  readonly itemSelector: TemplateNode | undefined;
  readonly processor: StateGraph;
  /** 0 means no limit. */
  readonly maxConcurrency: number | JsonPath;
}
