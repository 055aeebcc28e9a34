import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import { digestOf, recordOf, type DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { syncRecordItem } from '../../platform/storage/items.ts';
import { attributes, entities, indexes, primaryKey } from '../../platform/storage/schema.ts';
import type { HeldReview, SyncRecordStore } from '../core/sync-ports.ts';
import type { SyncRecord, SyncState } from '../core/sync-record.ts';

/** The outbox records in the vault table; a replacement is conditional on the digest read. */
export function createDynamoSyncRecordStore(table: DynamoTable): SyncRecordStore {
  const { byState, awaitingBatch } = entities.syncRecord.indexKeys;
  const reviewKey = primaryKey(entities.syncHoldReview, {});

  /** One page of a state's partition of the by-state index, oldest change first. */
  function byStatePage(
    state: SyncState,
    limit: number,
    startKey?: Record<string, unknown>,
    filter?: { FilterExpression: string; ExpressionAttributeNames: Record<string, string> },
  ) {
    const index = indexes[byState.index];
    return table.db.send(
      new QueryCommand({
        TableName: table.name,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...filter?.ExpressionAttributeNames },
        ExpressionAttributeValues: { ':pk': byState.pk.of({ state }) },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
  }

  async function queryByState(
    state: SyncState,
    limit: number,
    filter?: { FilterExpression: string; ExpressionAttributeNames: Record<string, string> },
  ): Promise<SyncRecord[]> {
    const records: SyncRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await byStatePage(state, limit - records.length, startKey, filter);
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

    async syncRecordPage(state, size, after) {
      const page = await byStatePage(state, size, after ? (JSON.parse(after) as Record<string, unknown>) : undefined);
      const records = (page.Items ?? []).map((item) => recordOf<SyncRecord>(item));
      return { records, ...(page.LastEvaluatedKey ? { next: JSON.stringify(page.LastEvaluatedKey) } : {}) };
    },

    async listDueBatch(now, limit) {
      const index = indexes[awaitingBatch.index];
      const page = await table.db.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: index.name,
          // `#` sorts before `~`: every release time up to and including `now`.
          KeyConditionExpression: '#pk = :pk AND #sk < :through',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: { ':pk': awaitingBatch.pk.of({}), ':through': `${now}~` },
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((item) => recordOf<SyncRecord>(item));
    },

    async heldReview() {
      const item = await table.getItem(reviewKey);
      const review = item ? recordOf<HeldReview>(item) : undefined;
      return { reviewedVersion: review?.reviewedVersion ?? 0, ...(review?.resume ? { resume: review.resume } : {}) };
    },

    async saveHeldReview(review) {
      try {
        await table.db.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...review, ...reviewKey, [attributes.entity]: entities.syncHoldReview.entity },
            ConditionExpression: 'attribute_not_exists(reviewedVersion) OR reviewedVersion <= :version',
            ExpressionAttributeValues: { ':version': review.reviewedVersion },
          }),
        );
      } catch (error) {
        // A concurrent pass got further (a newer version reviewed): its record stands.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
