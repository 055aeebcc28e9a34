import type { DocumentSignature } from './signature-model.ts';

/** Reads of the signing history; signatures are written through the unit of work. */
export interface SignatureStore {
  getSignature(ownerId: string, documentId: string, signatureId: string): Promise<DocumentSignature | undefined>;
  /** A document's signatures, oldest request first. */
  listSignatures(ownerId: string, documentId: string): Promise<DocumentSignature[]>;
  /** Pending remote signatures whose next check is due by `dueBy` (any owner), soonest first. */
  listDueSignatureChecks(dueBy: string, limit: number): Promise<DocumentSignature[]>;
}
