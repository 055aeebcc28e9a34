/**
 * The input given to the toolkit is unusable (not a certificate, not a CMS structure, not a
 * readable PDF, a placeholder too small). The message is safe to show to whoever sent it.
 * The toolkit knows nothing of the vault: signing maps this to its own input error.
 */
export class PdfPkiInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
