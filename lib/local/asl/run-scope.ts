import type { TaskInvocation } from './api-types.ts';
import type { Clock } from './clock.ts';
import type { HistoryRecorder, Trail } from './history.ts';
import type { JsonObject, JsonValue } from './json.ts';
import type { TemplateEnv } from './payload-template.ts';
import type { TaskTokenRegistry } from './task-tokens.ts';

/** Everything a running state needs, passed down explicitly (Map iterations get their own signal and trail). */
export interface ExecutionInfo {
  readonly executionArn: string;
  readonly name: string;
  readonly input: JsonValue;
  readonly startDate: Date;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly region: string;
}

export interface RunScope {
  readonly execution: ExecutionInfo;
  readonly history: HistoryRecorder;
  readonly trail: Trail;
  /** Aborted when the execution stops, times out, or a sibling Map iteration fails. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly tokens: TaskTokenRegistry;
  invokeFunction(invocation: TaskInvocation): Promise<unknown>;
}

export interface ContextExtras {
  retryCount?: number;
  taskToken?: string;
  mapItem?: { index: number; value: JsonValue };
}

/** One entry into one state: its context object ($$) and the environment for templates. */
export class StateRun {
  constructor(
    readonly scope: RunScope,
    readonly stateName: string,
    readonly enteredTime: Date,
  ) {}

  context(extras: ContextExtras = {}): JsonObject {
    const { execution } = this.scope;
    const context: JsonObject = {
      Execution: {
        Id: execution.executionArn,
        Name: execution.name,
        Input: execution.input,
        StartTime: execution.startDate.toISOString(),
        RoleArn: execution.roleArn,
        RedriveCount: 0,
      },
      State: { Name: this.stateName, EnteredTime: this.enteredTime.toISOString(), RetryCount: extras.retryCount ?? 0 },
      StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
    };
    if (extras.taskToken !== undefined) context.Task = { Token: extras.taskToken };
    if (extras.mapItem !== undefined)
      context.Map = { Item: { Index: extras.mapItem.index, Value: extras.mapItem.value } };
    return context;
  }

  env(input: JsonValue, context: JsonObject): TemplateEnv {
    return { input, context };
  }
}
