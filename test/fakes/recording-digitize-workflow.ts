import {
  ReviewNotPendingError,
  type DigitizeWorkflow,
  type ReviewDecision,
} from '../../functions/digitize/core/digitize-workflow.ts';

/**
 * Records digitisation starts and review decisions. Like Step Functions with the execution
 * named after the upload, a second start for the same upload finds the first instead of
 * starting again; a task token answers once.
 */
export class RecordingDigitizeWorkflow implements DigitizeWorkflow {
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

  /** Review decisions sent, by task token. */
  readonly reviewDecisions = new Map<string, ReviewDecision>();
  /** Tokens an execution is waiting on; tests add them as the Review state would. */
  readonly pendingReviews = new Set<string>();

  async resumeAfterReview(taskToken: string, decision: ReviewDecision): Promise<void> {
    if (!this.pendingReviews.delete(taskToken)) throw new ReviewNotPendingError();
    this.reviewDecisions.set(taskToken, decision);
  }

  failNextStart(error: Error): void {
    this.failure = error;
  }
}
