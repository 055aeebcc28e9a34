import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { entities, primaryKey } from '../../platform/storage/schema.ts';
import type { VaultDocument } from '../../vault/core/model.ts';
import type { ImportClaim, Pull, PullFile } from '../core/pull-model.ts';
import type { PullStore } from '../core/pull-store.ts';

/** Pulls and their files in the vault table (functions/platform/storage/schema.ts). */
export function createDynamoPullStore(table: DynamoTable): PullStore {
  const { pull, pullFile, importClaim, document } = entities;
  return {
    getPull: (pullId) => table.get<Pull>(primaryKey(pull, { pullId })),
    listPullFiles: (pullId) => table.queryPrefix<PullFile>(pullFile.pk.of({ pullId }), pullFile.sk.prefix({})),
    getImportClaim: (ownerId, sha256) => table.get<ImportClaim>(primaryKey(importClaim, { ownerId, sha256 })),
    listOwnerDocuments: (ownerId) =>
      table.queryPrefix<VaultDocument>(document.pk.of({ ownerId }), document.sk.prefix({})),
  };
}
