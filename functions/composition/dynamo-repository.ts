import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordBusinessMetrics } from '../audit/adapters/business-metrics.ts';
import { createDynamoAuditHistory } from '../audit/adapters/dynamo-audit-history.ts';
import { createDynamoUploadStore } from '../digitize/adapters/dynamo-upload-store.ts';
import { createDynamoResultStore } from '../integration/adapters/dynamo-result-store.ts';
import { createDynamoUnitOfWork } from '../platform/storage/dynamo-commit.ts';
import { DynamoTable } from '../platform/storage/dynamo-table.ts';
import { createDynamoSharingStore } from '../sharing/adapters/dynamo-sharing-store.ts';
import { createDynamoSignatureStore } from '../signing/adapters/dynamo-signature-store.ts';
import { createDynamoVaultStore } from '../vault/adapters/dynamo-vault-store.ts';
import type { VaultRepository } from '../vault/core/vault-deps.ts';

/** Every feature's store over the one vault table, as the one object the use cases share. */
export function createDynamoRepository(db: DynamoDBDocumentClient, tableName: string): VaultRepository {
  const table = new DynamoTable(db, tableName);
  const unitOfWork = createDynamoUnitOfWork(table);
  return {
    maxWritesPerCommit: unitOfWork.maxWritesPerCommit,
    // Business metrics count what was durably written, so a refused or retried write counts once.
    async commit(changes) {
      await unitOfWork.commit(changes);
      recordBusinessMetrics(changes.audit);
    },
    async appendAudit(entry) {
      await unitOfWork.appendAudit(entry);
      recordBusinessMetrics([entry]);
    },
    ...createDynamoVaultStore(table),
    ...createDynamoUploadStore(table),
    ...createDynamoResultStore(table),
    ...createDynamoSignatureStore(table),
    ...createDynamoSharingStore(table),
    ...createDynamoAuditHistory(table),
  };
}
