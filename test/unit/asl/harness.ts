import {
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type TaskInvocation,
} from '../../../lib/local/asl/index.ts';

/** Test harness: a fake clock that sleep() advances, recorded sleeps and invocations, named handlers. */
export type Handler = (payload: unknown, invocation: TaskInvocation) => unknown;

export const START = Date.parse('2024-01-01T00:00:00.000Z');

export interface Harness {
  sfn: LocalStepFunctions;
  /** Every sleep requested, in ms (Retry delays, Wait durations, timeouts). */
  sleeps: number[];
  invocations: TaskInvocation[];
  /** Creates a machine from an object definition, runs it to completion, returns the description. */
  run(
    definition: object,
    input?: unknown,
    substitutions?: Record<string, string>,
  ): ReturnType<LocalStepFunctions['waitForExecution']>;
  /** Creates a machine and starts it without waiting. */
  start(definition: object, input?: unknown): { executionArn: string; machine: string };
}

export function harness(
  handlers: Record<string, Handler> = {},
  overrides: Partial<LocalStepFunctionsOptions> = {},
): Harness {
  const sleeps: number[] = [];
  const invocations: TaskInvocation[] = [];
  let now = START;
  const sfn = new LocalStepFunctions({
    async invokeFunction(invocation) {
      invocations.push(invocation);
      const handler = handlers[invocation.functionName];
      if (!handler) throw new Error(`no handler named ${invocation.functionName}`);
      return handler(invocation.payload, invocation);
    },
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
    now: () => new Date(now),
    // asl-validator costs ~100 ms a definition; executions.test.ts covers it.
    aslValidation: false,
    ...overrides,
  });
  let count = 0;
  const start = (definition: object, input?: unknown) => {
    count += 1;
    const machine = `machine-${count}`;
    sfn.createStateMachine(machine, JSON.stringify(definition), {});
    return { executionArn: sfn.startExecution(machine, { name: 'run', input }).executionArn, machine };
  };
  return {
    sfn,
    sleeps,
    invocations,
    start,
    async run(definition, input, substitutions) {
      count += 1;
      const machine = `machine-${count}`;
      sfn.createStateMachine(machine, JSON.stringify(definition), substitutions ?? {});
      const { executionArn } = sfn.startExecution(machine, { name: 'run', input });
      return sfn.waitForExecution(executionArn);
    },
  };
}

/** A one-state machine around `state` (named "S"). */
export function single(state: object): object {
  return { StartAt: 'S', States: { S: { ...state, ...('Next' in state || isTerminal(state) ? {} : { End: true }) } } };
}

function isTerminal(state: object): boolean {
  const type = (state as { Type?: string }).Type;
  return type === 'Choice' || type === 'Succeed' || type === 'Fail';
}

export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks and setImmediate callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
