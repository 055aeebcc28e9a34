import { randomBytes } from 'node:crypto';
import { LocalStepFunctionsError, StatesError } from './errors.ts';
import { toJson, type JsonValue } from './json.ts';

/**
 * Task tokens of open .waitForTaskToken tasks. A token is registered before the function is
 * invoked (the function may answer before its invocation returns) and closed when the task
 * ends for any reason, after which SendTask* calls fail with TaskDoesNotExist, as on AWS.
 */
export interface OpenToken {
  readonly token: string;
  /** Settles with sendTaskSuccess's output, or rejects with sendTaskFailure's error. */
  readonly outcome: Promise<JsonValue>;
  onHeartbeat(listener: () => void): void;
  close(): void;
}

interface Entry {
  resolve(output: JsonValue): void;
  reject(error: StatesError): void;
  heartbeat(): void;
}

export class TaskTokenRegistry {
  private readonly open = new Map<string, Entry>();

  create(): OpenToken {
    const token = randomBytes(48).toString('base64url');
    let heartbeatListener: () => void = () => {};
    let entry: Entry | undefined;
    const outcome = new Promise<JsonValue>((resolve, reject) => {
      entry = { resolve, reject, heartbeat: () => heartbeatListener() };
    });
    outcome.catch(() => {});
    this.open.set(token, entry as Entry);
    return {
      token,
      outcome,
      onHeartbeat: (listener) => {
        heartbeatListener = listener;
      },
      close: () => {
        this.open.delete(token);
      },
    };
  }

  succeed(token: string, output: unknown): void {
    let json: JsonValue;
    try {
      json = toJson(output);
    } catch (error) {
      throw new LocalStepFunctionsError(
        'InvalidOutput',
        `the task output is not JSON-serialisable: ${(error as Error).message}`,
      );
    }
    this.take(token).resolve(json);
  }

  fail(token: string, error: string, cause: string): void {
    this.take(token).reject(new StatesError(error, cause, { fromTask: true }));
  }

  heartbeat(token: string): void {
    this.get(token).heartbeat();
  }

  private take(token: string): Entry {
    const entry = this.get(token);
    this.open.delete(token);
    return entry;
  }

  private get(token: string): Entry {
    const entry = this.open.get(token);
    if (!entry)
      throw new LocalStepFunctionsError(
        'TaskDoesNotExist',
        'Task does not exist anymore (unknown, completed or timed-out token)',
      );
    return entry;
  }
}
