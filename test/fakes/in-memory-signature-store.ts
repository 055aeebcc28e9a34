import type { DocumentSignature } from '../../functions/signing/core/signature-model.ts';
import type { SignatureStore } from '../../functions/signing/core/signature-store.ts';
import { copy, recordKey, type InMemoryRecords } from './in-memory-records.ts';

/** The signing history read from the in-memory records. */
export function inMemorySignatureStore(records: InMemoryRecords): SignatureStore {
  return {
    async getSignature(
      ownerId: string,
      documentId: string,
      signatureId: string,
    ): Promise<DocumentSignature | undefined> {
      const signature = records.signatures.get(recordKey(ownerId, signatureId));
      return signature && signature.documentId === documentId ? copy(signature) : undefined;
    },

    async listSignatures(ownerId: string, documentId: string): Promise<DocumentSignature[]> {
      return [...records.signatures.values()]
        .filter((signature) => signature.ownerId === ownerId && signature.documentId === documentId)
        .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
        .map(copy);
    },

    async listDueSignatureChecks(dueBy: string, limit: number): Promise<DocumentSignature[]> {
      return [...records.signatures.values()]
        .filter(
          (signature) => signature.status === 'pending' && signature.remote && signature.remote.nextCheckAt <= dueBy,
        )
        .sort((a, b) => (a.remote?.nextCheckAt ?? '').localeCompare(b.remote?.nextCheckAt ?? ''))
        .slice(0, limit)
        .map(copy);
    },
  };
}
