import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import { digestOf, recordOf, type DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { syncRecordItem } from '../../platform/storage/items.ts';
import { entities, indexes, primaryKey } from '../../platform/storage/schema.ts';
import type { SyncRecordStore } from '../core/sync-ports.ts';
import type { SyncRecord, SyncState } from '../core/sync-record.ts';

/** The outbox records in the vault table; a replacement is conditional on the digest read. */
export function createDynamoSyncRecordStore(table: DynamoTable): SyncRecordStore {
  const byState = entities.syncRecord.indexKeys.byState;

  async function queryByState(
    state: SyncState,
    limit: number,
    filter?: { FilterExpression: string; ExpressionAttributeNames: Record<string, string> },
  ): Promise<SyncRecord[]> {
    const index = indexes[byState.index];
    const records: SyncRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await table.db.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
          ExpressionAttributeNames: { '#pk': index.partitionKey, ...filter?.ExpressionAttributeNames },
          ExpressionAttributeValues: { ':pk': byState.pk.of({ state }) },
          Limit: limit - records.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) records.push(recordOf<SyncRecord>(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && records.length < limit);
    return records;
  }

  return {
    getSyncRecord: (ownerId, documentId) =>
      table.get<SyncRecord>(primaryKey(entities.syncRecord, { ownerId, documentId })),

    async putSyncRecord(next, previous) {
      try {
        await table.db.send(
          new PutCommand({
            TableName: table.name,
            Item: syncRecordItem(next),
            ConditionExpression: 'digest = :previous',
            ExpressionAttributeValues: { ':previous': digestOf(previous) },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ConcurrentUpdateError('sync record changed');
        throw error;
      }
    },

    listSyncRecords: (state, limit) => queryByState(state, limit),

    // Filtered by the table, not here: the limit counts only records to send, so a backlog of records
    // already queued neither starves the newer ones nor travels to the dispatcher on every pass.
    listAwaitingDispatch: (limit) =>
      queryByState('pending', limit, {
        FilterExpression: 'attribute_not_exists(#dispatchedAt)',
        ExpressionAttributeNames: { '#dispatchedAt': 'dispatchedAt' },
      }),
  };
}
