import type { PullStore } from '../../functions/sync/core/pull-store.ts';
import type { InMemoryRecords } from './in-memory-records.ts';

/** The pulls' reads over the in-memory records, as the DynamoDB adapter reads them from the table. */
export function inMemoryPullStore(records: InMemoryRecords): PullStore {
  return {
    getPull: async (pullId) => records.pulls.get(pullId),
    listPullFiles: async (pullId) =>
      [...records.pullFiles.values()].filter((file) => file.pullId === pullId).sort((a, b) => a.index - b.index),
    getImportClaim: async (ownerId, sha256) => records.importClaims.get(`${ownerId}|${sha256}`),
    listOwnerDocuments: async (ownerId) =>
      [...records.documents.values()].filter((document) => document.ownerId === ownerId),
  };
}
