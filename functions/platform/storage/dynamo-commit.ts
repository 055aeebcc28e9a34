import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { UnitOfWork, VaultChanges } from '../../vault/core/unit-of-work.ts';
import { ConcurrentUpdateError, ConflictError } from '../core/errors.ts';
import { AuditChainWriter, maxTransactionItems, type TransactItem } from './audit-chain-writer.ts';
import { digestOf, type DynamoTable, type Item } from './dynamo-table.ts';
import {
  documentChangeItem,
  documentItem,
  folderItem,
  importClaimItem,
  linkItem,
  nameClaimItem,
  nameClaimKey,
  pullFileItem,
  pullItem,
  resultItem,
  searchItem,
  shareItem,
  signatureItem,
  syncRecordItem,
  uploadItem,
  vaultItem,
  vaultKey,
  versionItem,
} from './items.ts';

/**
 * The unit of work over the vault table: everything a use case changes, and the audit of it,
 * in one TransactWriteItems. Records carry their digest; a replacement is conditional on the
 * stored digest being that of the record the use case read.
 */
export function createDynamoUnitOfWork(table: DynamoTable): UnitOfWork {
  const audit = new AuditChainWriter(table.db, table.name);
  const TableName = table.name;

  function writes(changes: VaultChanges): { items: TransactItem[]; nameClaimIndexes: Set<number> } {
    const items: TransactItem[] = [];
    const nameClaimIndexes = new Set<number>();
    const put = (item: Item, previous: object | undefined) =>
      items.push({
        Put: {
          TableName,
          Item: item,
          ...(previous
            ? {
                ConditionExpression: 'digest = :previous',
                ExpressionAttributeValues: { ':previous': digestOf(previous) },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      });

    if (changes.provisionVault) put(vaultItem(changes.ownerId), undefined);
    const treeChanged = (changes.folders ?? []).some(
      ({ next, previous }) =>
        previous && (previous.parentId !== next.parentId || Boolean(previous.trashedAt) !== Boolean(next.trashedAt)),
    );
    if (treeChanged || changes.expectedTreeVersion !== undefined) {
      const expected = changes.expectedTreeVersion;
      items.push({
        Update: {
          TableName,
          Key: vaultKey(changes.ownerId),
          UpdateExpression: 'SET treeVersion = treeVersion + :one',
          ...(expected !== undefined
            ? {
                ConditionExpression: 'treeVersion = :expected',
                ExpressionAttributeValues: { ':one': 1, ':expected': expected },
              }
            : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 } }),
        },
      });
    }
    for (const { next, previous } of changes.folders ?? []) {
      put(folderItem(next), previous);
      const before = nameClaimKey(previous);
      const after = nameClaimKey(next);
      if (before?.sk === after?.sk) continue;
      if (before) {
        items.push({
          Delete: {
            TableName,
            Key: before,
            ConditionExpression: 'folderId = :id',
            ExpressionAttributeValues: { ':id': next.id },
          },
        });
      }
      if (after) {
        nameClaimIndexes.add(items.length);
        put(nameClaimItem(after, next.id), undefined);
      }
    }
    for (const { next, previous } of changes.documents ?? []) {
      put(documentItem(next), previous);
      items.push({ Put: { TableName, Item: searchItem(next) } });
      // The units' change feed gets its entry in the same transaction, so no filing is missed.
      const change = documentChangeItem(next, previous);
      if (change) items.push({ Put: { TableName, Item: change } });
    }
    for (const version of changes.versions ?? []) put(versionItem(version), undefined);
    for (const { next, previous } of changes.uploads ?? []) put(uploadItem(next), previous);
    for (const { next, previous } of changes.signatures ?? []) put(signatureItem(next), previous);
    for (const { next, previous } of changes.shares ?? []) put(shareItem(next), previous);
    for (const { next, previous } of changes.links ?? []) put(linkItem(next), previous);
    for (const { next, previous } of changes.pulls ?? []) put(pullItem(next), previous);
    for (const file of changes.pullFiles ?? []) put(pullFileItem(file), undefined);
    for (const claim of changes.importClaims ?? []) put(importClaimItem(claim), undefined);
    for (const { next, previous } of changes.results ?? []) put(resultItem(next), previous);
    for (const record of changes.syncRecords ?? []) items.push({ Put: { TableName, Item: syncRecordItem(record) } });
    return { items, nameClaimIndexes };
  }

  return {
    /** A transaction's limit; the heads of the audit chains a commit extends count too. */
    maxWritesPerCommit: maxTransactionItems,

    async commit(changes: VaultChanges): Promise<void> {
      const { items, nameClaimIndexes } = writes(changes);
      if (items.length + changes.audit.length === 0) return;
      try {
        await audit.transact(items, changes.audit);
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons.some((reason, index) => reason.Code === 'ConditionalCheckFailed' && nameClaimIndexes.has(index))) {
          throw new ConflictError('name-taken', 'A folder with this name already exists here');
        }
        throw new ConcurrentUpdateError();
      }
    },

    appendAudit(entry: AuditEntry): Promise<void> {
      return audit.append(entry);
    },
  };
}
