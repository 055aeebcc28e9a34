import type { WorkflowStarter } from '../../functions/core/workflow-starter.ts';

/**
 * Records digitisation starts. Like Step Functions with the execution named after the
 * upload, a second start for the same upload finds the first instead of starting again.
 */
export class RecordingWorkflowStarter implements WorkflowStarter {
  /** Executions actually started, in order. */
  readonly executions: string[] = [];
  /** Every call, duplicates included. */
  readonly calls: string[] = [];
  private failure: Error | undefined;

  async startDigitization(input: { uploadId: string }): Promise<{ alreadyStarted: boolean }> {
    this.calls.push(input.uploadId);
    if (this.failure) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
    if (this.executions.includes(input.uploadId)) return { alreadyStarted: true };
    this.executions.push(input.uploadId);
    return { alreadyStarted: false };
  }

  failNextStart(error: Error): void {
    this.failure = error;
  }
}
