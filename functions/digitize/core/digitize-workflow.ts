/** A reviewer's decision on an upload the workflow could not file on its own. */
export type ReviewDecision =
  { approved: true; type?: string; fields: Record<string, string | number> } | { approved: false; reason: string };

/** The digitisation state machine, as the core drives it. */
export interface DigitizeWorkflow {
  /**
   * Idempotent: the execution is named after the upload, so a duplicate event finds the
   * execution already started instead of starting a second one.
   */
  startDigitization(input: { uploadId: string }): Promise<{ alreadyStarted: boolean }>;
  /**
   * Resumes an execution paused at its Review state. Throws ReviewNotPendingError when
   * the token is no longer waiting (already answered, timed out, or the run was stopped).
   */
  resumeAfterReview(taskToken: string, decision: ReviewDecision): Promise<void>;
}

export class ReviewNotPendingError extends Error {
  constructor() {
    super('the review is no longer pending');
    this.name = 'ReviewNotPendingError';
  }
}
