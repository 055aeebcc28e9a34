import type { StateType } from './definition-model.ts';

/** Execution history in the shape of the AWS GetExecutionHistory events (inputs and outputs as JSON text). */
export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | `${StateType}StateEntered`
  | `${Exclude<StateType, 'Fail'>}StateExited`
  | 'TaskScheduled'
  | 'TaskStarted'
  | 'TaskSubmitted'
  | 'TaskSucceeded'
  | 'TaskFailed'
  | 'TaskTimedOut'
  | 'LambdaFunctionScheduled'
  | 'LambdaFunctionStarted'
  | 'LambdaFunctionSucceeded'
  | 'LambdaFunctionFailed'
  | 'LambdaFunctionTimedOut'
  | 'MapStateStarted'
  | 'MapStateSucceeded'
  | 'MapStateFailed'
  | 'MapStateAborted'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'MapIterationAborted';

export interface ErrorDetails {
  error?: string;
  cause?: string;
}

export interface TaskEventBase {
  resourceType: string;
  resource: string;
}

export interface HistoryEventDetails {
  executionStartedEventDetails?: { input: string; roleArn: string };
  executionSucceededEventDetails?: { output: string };
  executionFailedEventDetails?: ErrorDetails;
  executionAbortedEventDetails?: ErrorDetails;
  executionTimedOutEventDetails?: ErrorDetails;
  stateEnteredEventDetails?: { name: string; input: string };
  stateExitedEventDetails?: { name: string; output: string };
  taskScheduledEventDetails?: TaskEventBase & {
    region: string;
    parameters: string;
    timeoutInSeconds?: number;
    heartbeatInSeconds?: number;
  };
  taskStartedEventDetails?: TaskEventBase;
  taskSubmittedEventDetails?: TaskEventBase & { output: string };
  taskSucceededEventDetails?: TaskEventBase & { output: string };
  taskFailedEventDetails?: TaskEventBase & ErrorDetails;
  taskTimedOutEventDetails?: TaskEventBase & ErrorDetails;
  lambdaFunctionScheduledEventDetails?: { resource: string; input: string; timeoutInSeconds?: number };
  lambdaFunctionSucceededEventDetails?: { output: string };
  lambdaFunctionFailedEventDetails?: ErrorDetails;
  lambdaFunctionTimedOutEventDetails?: ErrorDetails;
  mapStateStartedEventDetails?: { length: number };
  mapIterationStartedEventDetails?: { name: string; index: number };
  mapIterationSucceededEventDetails?: { name: string; index: number };
  mapIterationFailedEventDetails?: { name: string; index: number };
  mapIterationAbortedEventDetails?: { name: string; index: number };
}

export interface HistoryEvent extends HistoryEventDetails {
  id: number;
  /** The event this one follows in its own line of work (a branch or iteration has its own line). */
  previousEventId: number;
  timestamp: Date;
  type: HistoryEventType;
}

/** The position of one line of work (the execution, a branch, an iteration) in the history. */
export interface Trail {
  last: number;
}

export class HistoryRecorder {
  private readonly events: HistoryEvent[] = [];
  private closed = false;

  constructor(private readonly now: () => Date) {}

  add(trail: Trail, type: HistoryEventType, details: HistoryEventDetails = {}): number {
    // After the execution's final event, winding-down branches must not add to its history.
    if (this.closed) return trail.last;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: trail.last, timestamp: new Date(this.now().getTime()), type, ...details });
    trail.last = id;
    return id;
  }

  /** Records the execution's final event; nothing is recorded after it. */
  close(trail: Trail, type: HistoryEventType, details: HistoryEventDetails): void {
    this.add(trail, type, details);
    this.closed = true;
  }

  list(): HistoryEvent[] {
    return structuredClone(this.events);
  }
}
