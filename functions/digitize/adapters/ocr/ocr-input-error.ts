/**
 * The scan itself cannot be read (corrupt, encrypted, no such page, too large). Retrying
 * will not help, so the workflow fails the upload with this message as the reason; the
 * message names the problem and never echoes file content.
 */
export class OcrInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrInputError';
  }
}
