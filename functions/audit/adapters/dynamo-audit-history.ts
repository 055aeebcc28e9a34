import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { auditEntryOf } from '../../platform/storage/items.ts';
import { entities } from '../../platform/storage/schema.ts';
import type { AuditHistory } from '../core/history.ts';

/** A resource's history: its audit entries' sparse index entries, newest first. */
export function createDynamoAuditHistory(table: DynamoTable): AuditHistory {
  return {
    listHistory: (ownerId, resourceId, page) =>
      table.queryIndexPage(entities.auditEntry.indexKeys.history, { ownerId, resourceId }, page, {
        read: auditEntryOf,
      }),
  };
}
