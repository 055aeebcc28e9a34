/** Starts the digitisation state machine for an uploaded object. */
export interface WorkflowStarter {
  /**
   * Idempotent: the execution is named after the upload, so a duplicate event finds the
   * execution already started instead of starting a second one.
   */
  startDigitization(input: { uploadId: string }): Promise<{ alreadyStarted: boolean }>;
}
