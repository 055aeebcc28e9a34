import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '../platform/storage/dynamo-table.ts';
import { createDynamoSyncRecordStore } from '../sync/adapters/dynamo-sync-record-store.ts';
import type { SyncStore } from '../sync/core/sync-ports.ts';
import { createDynamoVaultStore } from '../vault/adapters/dynamo-vault-store.ts';

/** The sync records and the vault's documents and versions they are about, over the one table. */
export function createDynamoSyncStoreWithDocuments(db: DynamoDBDocumentClient, tableName: string): SyncStore {
  const table = new DynamoTable(db, tableName);
  const vault = createDynamoVaultStore(table);
  return {
    ...createDynamoSyncRecordStore(table),
    getDocument: (ownerId, documentId) => vault.getDocument(ownerId, documentId),
    getVersion: (ownerId, documentId, number) => vault.getVersion(ownerId, documentId, number),
  };
}
