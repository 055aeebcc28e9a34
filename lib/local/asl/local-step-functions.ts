import { randomUUID } from 'node:crypto';
import type {
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  LocalStepFunctionsOptions,
  StartExecutionInput,
  StartExecutionResult,
  StateMachineHandle,
  TaskInvocation,
} from './api-types.ts';
import { createClock, type Clock } from './clock.ts';
import { compileDefinition } from './compile-definition.ts';
import type { CompiledStateMachine } from './definition-model.ts';
import {
  BranchAborted,
  invalidDefinition,
  LocalStepFunctionsError,
  STATES_RUNTIME,
  STATES_TIMEOUT,
  StatesError,
} from './errors.ts';
import {
  HistoryRecorder,
  type HistoryEvent,
  type HistoryEventDetails,
  type HistoryEventType,
  type Trail,
} from './history.ts';
import { canonicalJson, jsonText, toJson, type JsonValue } from './json.ts';
import type { ExecutionInfo, RunScope } from './run-scope.ts';
import { runGraph } from './run-states.ts';
import { substituteDefinition } from './substitutions.ts';
import { TaskTokenRegistry } from './task-tokens.ts';
import { validateWithAslValidator } from './validate-definition.ts';

interface MachineRecord {
  readonly handle: StateMachineHandle;
  readonly definition: string;
  readonly compiled: CompiledStateMachine;
}

interface ExecutionRecord {
  readonly info: ExecutionInfo;
  readonly inputKey: string;
  readonly history: HistoryRecorder;
  readonly trail: Trail;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  markDone(): void;
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
  stopDate?: Date;
}

/** AWS naming rules for state machines and executions: 1–80 characters, none of these. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * Step Functions in process: runs the same ASL file CDK deploys (Standard workflows, the JSONPath
 * dialect) against local Lambda handlers. Executions run in the background; their failures are
 * recorded, never thrown into the host process.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, MachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens = new TaskTokenRegistry();
  private readonly clock: Clock;
  private readonly region: string;
  private readonly accountId: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.clock = createClock(options);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
  }

  /**
   * Substitutes, parses and validates the definition; an unsupported feature throws InvalidDefinition naming the state
   * and field.
   */
  createStateMachine(
    name: string,
    definitionJson: string,
    substitutions: Readonly<Record<string, string>> = {},
  ): StateMachineHandle {
    checkName(name, 'state machine');
    const definition = substituteDefinition(definitionJson, substitutions);
    const existing = this.machines.get(name);
    if (existing) {
      // As on AWS: creating the same machine again is a no-op, a different one under the same name is an error.
      if (existing.definition === definition) return existing.handle;
      throw new LocalStepFunctionsError(
        'StateMachineAlreadyExists',
        `State machine "${name}" already exists with a different definition`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw invalidDefinition(
        `state machine "${name}": the definition is not valid JSON after substitution: ${(error as Error).message}`,
      );
    }
    let compiled: CompiledStateMachine;
    try {
      compiled = compileDefinition(parsed);
      if (this.options.aslValidation !== false) validateWithAslValidator(parsed);
    } catch (error) {
      if (error instanceof LocalStepFunctionsError)
        throw invalidDefinition(`state machine "${name}": ${error.message}`);
      throw error;
    }
    const handle = { name, stateMachineArn: `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}` };
    this.machines.set(name, { handle, definition, compiled });
    return handle;
  }

  /**
   * Starts an execution in the background. Idempotent on the name: the same name and input
   * return the existing execution (alreadyStarted: true); a different input throws
   * ExecutionAlreadyExists. AWS differs once the execution has closed: it then answers
   * ExecutionAlreadyExists even for the same input. The AWS starter (sfn-digitize-workflow.ts)
   * maps that answer to alreadyStarted: true, so callers see the same result in both runtimes.
   */
  startExecution(stateMachine: string, request: StartExecutionInput = {}): StartExecutionResult {
    const machine = this.machine(stateMachine);
    const name = request.name ?? randomUUID();
    checkName(name, 'execution');
    let input: JsonValue;
    try {
      input = request.input === undefined ? {} : toJson(request.input);
    } catch (error) {
      throw new LocalStepFunctionsError(
        'InvalidExecutionInput',
        `the execution input is not JSON-serialisable: ${(error as Error).message}`,
      );
    }
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.handle.name}:${name}`;
    const inputKey = canonicalJson(input);
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.inputKey === inputKey)
        return { executionArn, startDate: existing.info.startDate, alreadyStarted: true };
      throw new LocalStepFunctionsError(
        'ExecutionAlreadyExists',
        `Execution "${name}" of "${machine.handle.name}" already exists with a different input`,
      );
    }
    const record = this.createRecord(machine, executionArn, name, input, inputKey);
    this.executions.set(executionArn, record);
    record.history.add(record.trail, 'ExecutionStarted', {
      executionStartedEventDetails: { input: jsonText(input), roleArn: record.info.roleArn },
    });
    setImmediate(() => void this.run(record, machine.compiled));
    return { executionArn, startDate: record.info.startDate, alreadyStarted: false };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const record = this.execution(executionArn);
    const { info } = record;
    return {
      executionArn,
      stateMachineArn: info.stateMachineArn,
      name: info.name,
      status: record.status,
      input: structuredClone(info.input),
      startDate: new Date(info.startDate.getTime()),
      ...(record.output !== undefined ? { output: structuredClone(record.output) } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      ...(record.stopDate !== undefined ? { stopDate: new Date(record.stopDate.getTime()) } : {}),
    };
  }

  getExecutionHistory(executionArn: string): HistoryEvent[] {
    return this.execution(executionArn).history.list();
  }

  /** Resolves when the execution has finished, however it finished. */
  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    await this.execution(executionArn).done;
    return this.describeExecution(executionArn);
  }

  /** Newest first, as AWS lists them. */
  listExecutions(stateMachine: string, status?: ExecutionStatus): ExecutionListItem[] {
    const { stateMachineArn } = this.machine(stateMachine).handle;
    return [...this.executions.values()]
      .filter(
        (record) =>
          record.info.stateMachineArn === stateMachineArn && (status === undefined || record.status === status),
      )
      .reverse()
      .map((record) => ({
        executionArn: record.info.executionArn,
        stateMachineArn,
        name: record.info.name,
        status: record.status,
        startDate: new Date(record.info.startDate.getTime()),
        ...(record.stopDate !== undefined ? { stopDate: new Date(record.stopDate.getTime()) } : {}),
      }));
  }

  stopExecution(executionArn: string, details: { error?: string; cause?: string } = {}): void {
    const record = this.execution(executionArn);
    this.finish(record, 'ABORTED', 'ExecutionAborted', { executionAbortedEventDetails: { ...details } }, details);
  }

  sendTaskSuccess(taskToken: string, output: unknown): void {
    this.tokens.succeed(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error: string, cause: string): void {
    this.tokens.fail(taskToken, error, cause);
  }

  /** Pushes back the HeartbeatSeconds deadline of a .waitForTaskToken task. */
  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.heartbeat(taskToken);
  }

  private machine(nameOrArn: string): MachineRecord {
    const machine =
      this.machines.get(nameOrArn) ?? [...this.machines.values()].find((m) => m.handle.stateMachineArn === nameOrArn);
    if (!machine)
      throw new LocalStepFunctionsError('StateMachineDoesNotExist', `State machine does not exist: ${nameOrArn}`);
    return machine;
  }

  private execution(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record)
      throw new LocalStepFunctionsError('ExecutionDoesNotExist', `Execution does not exist: ${executionArn}`);
    return record;
  }

  private createRecord(
    machine: MachineRecord,
    executionArn: string,
    name: string,
    input: JsonValue,
    inputKey: string,
  ): ExecutionRecord {
    let markDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      markDone = resolve;
    });
    return {
      info: {
        executionArn,
        name,
        input,
        startDate: this.clock.now(),
        stateMachineArn: machine.handle.stateMachineArn,
        stateMachineName: machine.handle.name,
        roleArn: `arn:aws:iam::${this.accountId}:role/local-step-functions`,
        region: this.region,
      },
      inputKey,
      history: new HistoryRecorder(() => this.clock.now()),
      trail: { last: 0 },
      controller: new AbortController(),
      done,
      markDone,
      status: 'RUNNING',
    };
  }

  private async run(record: ExecutionRecord, compiled: CompiledStateMachine): Promise<void> {
    const timer = compiled.timeoutSeconds === undefined ? undefined : this.clock.timer(compiled.timeoutSeconds * 1000);
    void timer?.promise.then(() => {
      const details = {
        error: STATES_TIMEOUT,
        cause: `The execution did not finish within TimeoutSeconds (${compiled.timeoutSeconds})`,
      };
      this.finish(record, 'TIMED_OUT', 'ExecutionTimedOut', { executionTimedOutEventDetails: details }, details);
    });
    const scope: RunScope = {
      execution: record.info,
      history: record.history,
      trail: record.trail,
      signal: record.controller.signal,
      clock: this.clock,
      tokens: this.tokens,
      invokeFunction: (invocation: TaskInvocation) => this.options.invokeFunction(invocation),
    };
    try {
      const output = await runGraph(compiled.graph, record.info.input, scope);
      this.finish(
        record,
        'SUCCEEDED',
        'ExecutionSucceeded',
        { executionSucceededEventDetails: { output: jsonText(output) } },
        { output },
      );
    } catch (error) {
      // An aborted run was already finished by stopExecution or the timeout.
      if (error instanceof BranchAborted && record.status !== 'RUNNING') return;
      const failure =
        error instanceof StatesError
          ? {
              ...(error.error !== undefined ? { error: error.error } : {}),
              ...(error.errorCause !== undefined ? { cause: error.errorCause } : {}),
            }
          : {
              error: STATES_RUNTIME,
              cause: `internal error: ${error instanceof Error ? error.message : String(error)}`,
            };
      this.finish(record, 'FAILED', 'ExecutionFailed', { executionFailedEventDetails: failure }, failure);
    } finally {
      timer?.cancel();
    }
  }

  private finish(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    eventType: HistoryEventType,
    eventDetails: HistoryEventDetails,
    result: { output?: JsonValue; error?: string; cause?: string },
  ): void {
    if (record.status !== 'RUNNING') return;
    record.status = status;
    record.stopDate = this.clock.now();
    if (result.output !== undefined) record.output = result.output;
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    record.history.close(record.trail, eventType, eventDetails);
    // Stops what is still running (Map iterations, retry delays, open task tokens) of a stopped or timed-out execution.
    record.controller.abort();
    record.markDone();
  }
}

function checkName(name: string, what: string): void {
  if (name.length < 1 || name.length > 80 || INVALID_NAME.test(name)) {
    throw new LocalStepFunctionsError(
      'InvalidName',
      `Invalid ${what} name "${name}": 1 to 80 characters, no whitespace, brackets, wildcards or special characters`,
    );
  }
}
