import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { ConcurrentUpdateError, InvalidInputError } from '../../platform/core/errors.ts';
import { AuditChainWriter } from '../../platform/storage/audit-chain-writer.ts';
import {
  digestOf,
  recordOf,
  unchangedVersionCondition,
  type DynamoTable,
  type Item,
} from '../../platform/storage/dynamo-table.ts';
import { attributes, entities, indexAttributes, primaryKey } from '../../platform/storage/schema.ts';
import type { ChangeFeedStore, DocumentChange } from '../core/change-feed.ts';
import type { SyncPolicyRepository } from '../core/manage-sync-policy.ts';
import type { SyncPolicyVersion } from '../core/sync-policy.ts';
import type { Webhook, WebhookDelivery, WebhookStore } from '../core/webhooks.ts';

const { syncPolicy, syncPolicyVersion, documentChange, webhook: webhookEntity, webhookDelivery } = entities;
const deliveryKeepSeconds = 30 * 24 * 3600;

function isConditionFailure(error: unknown): boolean {
  return error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException;
}

function webhookItem(webhook: Webhook): Item {
  const { ofUnit, enabled } = webhookEntity.indexKeys;
  return {
    ...webhook,
    ...primaryKey(webhookEntity, { webhookId: webhook.id }),
    ...indexAttributes(ofUnit, { unit: webhook.unit, createdAt: webhook.createdAt, webhookId: webhook.id }),
    ...(webhook.enabled ? indexAttributes(enabled, { webhookId: webhook.id }) : {}),
    [attributes.entity]: webhookEntity.entity,
    [attributes.digest]: digestOf(webhook),
  };
}

/** The sync records in the vault table: the policy versions, the change feed, webhooks and their deliveries. */
export function createDynamoSyncStore(table: DynamoTable): SyncPolicyRepository & ChangeFeedStore & WebhookStore {
  const audit = new AuditChainWriter(table.db, table.name);
  const TableName = table.name;

  return {
    async currentPolicy() {
      const item = await table.getItem(primaryKey(syncPolicy, {}));
      return item && (item.policy as SyncPolicyVersion);
    },

    async policyVersions() {
      const items = await table.queryAllItems({
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
        ExpressionAttributeValues: { ':pk': syncPolicyVersion.pk.of({}), ':prefix': syncPolicyVersion.sk.prefix({}) },
        ConsistentRead: true,
      });
      return items.map((item) => item.policy as SyncPolicyVersion);
    },

    async savePolicy(next: SyncPolicyVersion, previous: SyncPolicyVersion | undefined, entries: AuditEntry[]) {
      try {
        await audit.transact(
          [
            {
              Put: {
                TableName,
                Item: {
                  ...primaryKey(syncPolicy, {}),
                  [attributes.entity]: syncPolicy.entity,
                  version: next.version,
                  policy: next,
                },
                ...unchangedVersionCondition(previous),
              },
            },
            {
              Put: {
                TableName,
                Item: {
                  ...primaryKey(syncPolicyVersion, { version: next.version }),
                  [attributes.entity]: syncPolicyVersion.entity,
                  policy: next,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
          entries,
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new ConcurrentUpdateError();
        throw error;
      }
    },

    async readChanges({ day, after, before, limit }) {
      const pk = documentChange.pk.of({ day });
      const result = await table.db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ':before': before },
          ...(after ? { ExclusiveStartKey: { [attributes.partitionKey]: pk, [attributes.sortKey]: after } } : {}),
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        change: item.change as DocumentChange,
        position: String(item[attributes.sortKey]),
      }));
    },

    async createWebhook(webhook, entries) {
      await audit.transact(
        [{ Put: { TableName, Item: webhookItem(webhook), ConditionExpression: 'attribute_not_exists(pk)' } }],
        entries,
      );
    },

    getWebhook: (id) => table.get<Webhook>(primaryKey(webhookEntity, { webhookId: id })),

    listUnitWebhooks: (unit) => table.queryIndex<Webhook, string, string>(webhookEntity.indexKeys.ofUnit, { unit }),

    listEnabledWebhooks: () => table.queryIndex<Webhook, string, string>(webhookEntity.indexKeys.enabled, {}),

    async saveWebhook(next, previous, entries = []) {
      const put = {
        TableName,
        Item: webhookItem(next),
        ConditionExpression: 'digest = :previous',
        ExpressionAttributeValues: { ':previous': digestOf(previous) },
      };
      try {
        if (entries.length > 0) await audit.transact([{ Put: put }], entries);
        else await table.db.send(new PutCommand(put));
      } catch (error) {
        if (isConditionFailure(error)) throw new ConcurrentUpdateError();
        throw error;
      }
    },

    async deleteWebhook(webhook, entries) {
      try {
        await audit.transact(
          [
            {
              Delete: {
                TableName,
                Key: primaryKey(webhookEntity, { webhookId: webhook.id }),
                ConditionExpression: 'digest = :previous',
                ExpressionAttributeValues: { ':previous': digestOf(webhook) },
              },
            },
          ],
          entries,
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new ConcurrentUpdateError();
        throw error;
      }
    },

    async recordDelivery(delivery: WebhookDelivery) {
      await table.db.send(
        new PutCommand({
          TableName,
          Item: {
            ...delivery,
            ...primaryKey(webhookDelivery, { webhookId: delivery.webhookId, at: delivery.at, deliveryId: delivery.id }),
            [attributes.entity]: webhookDelivery.entity,
            [attributes.ttl]: Math.floor(Date.parse(delivery.at) / 1000) + deliveryKeepSeconds,
          },
        }),
      );
    },

    async listDeliveries(webhookId, page) {
      const pk = webhookDelivery.pk.of({ webhookId });
      const prefix = webhookDelivery.sk.prefix({});
      let startKey: Item | undefined;
      if (page.cursor) {
        startKey = decodeDeliveryCursor(page.cursor, pk, prefix);
      }
      const result = await table.db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ScanIndexForward: false,
          Limit: page.limit,
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const last = result.LastEvaluatedKey;
      return {
        items: (result.Items ?? []).map((item) => recordOf<WebhookDelivery>(item)),
        ...(last ? { nextCursor: Buffer.from(String(last[attributes.sortKey])).toString('base64url') } : {}),
      };
    },
  };
}

/** A deliveries cursor is the last sort key read, of this webhook's deliveries. */
function decodeDeliveryCursor(cursor: string, pk: string, prefix: string): Item {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sk.startsWith(prefix) || sk.length > 200)
    throw new InvalidInputError('The page cursor is not valid for this listing');
  return { [attributes.partitionKey]: pk, [attributes.sortKey]: sk };
}
