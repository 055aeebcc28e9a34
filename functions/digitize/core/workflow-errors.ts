/**
 * The error names of the digitize workflow: what its steps throw (a Lambda error's name
 * becomes the state's `Error`) and what digitize.asl.json matches in `Retry` and `Catch`.
 * A test holds this list and the ASL file to the same set of names.
 */
export const workflowErrors = {
  /** The object does not qualify to be filed; not retried. */
  uploadRejected: 'UploadRejected',
  /** The upload record is missing or in a state the step cannot act on; not retried. */
  uploadState: 'UploadStateError',
  /** The scan cannot be read by OCR (corrupt, encrypted, no such page); not retried. */
  ocrInput: 'OcrInputError',
  /** The vault's InvalidInputError, e.g. a template version gone between Classify and Extract. */
  invalidInput: 'InvalidInputError',
  /** The reviewer rejected the upload (SendTaskFailure). */
  reviewRejected: 'ReviewRejected',
  /** signing's SealNotConfiguredError: no certificate imported for the agency seal, or it is not valid now. */
  sealNotConfigured: 'SealNotConfiguredError',
} as const;

/**
 * The object does not qualify to be filed. The workflow does not retry it: it fails the
 * upload with the reason, which is safe to show to the officer or citizen.
 */
export class UploadRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = workflowErrors.uploadRejected;
  }
}

/** The upload record is missing or not in a state this step can act on. */
export class UploadStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = workflowErrors.uploadState;
  }
}

/**
 * The scan itself cannot be read (corrupt, encrypted, no such page, too large). Retrying
 * will not help, so the workflow fails the upload with this message as the reason; the
 * message names the problem and never echoes file content.
 */
export class OcrInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = workflowErrors.ocrInput;
  }
}
