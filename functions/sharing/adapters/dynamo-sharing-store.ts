import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { auditEntryOf, counterKey } from '../../platform/storage/items.ts';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';
import type { Share, ShareLink } from '../core/share-model.ts';
import type { AccessLogStore, LinkStore, RateLimitCounters, ShareStore } from '../core/sharing-store.ts';

const { share, link, counter, auditEntry } = entities;

/**
 * Shares, links, rate-limit counters and the access log in the vault table. Shares and links
 * are read by id; their listings are sparse index entries that exist while they are not revoked.
 */
export function createDynamoSharingStore(
  table: DynamoTable,
): ShareStore & LinkStore & RateLimitCounters & AccessLogStore {
  const { grantedBy, grantedTo, unitConsent } = share.indexKeys;
  /** Listings put folders before documents: the sort key starts with the resource type. */
  const ofType = (resourceType: string | undefined) => resourceType && grantedBy.sk.prefix({ resourceType });

  return {
    getShare: (shareId) => table.get<Share>(primaryKey(share, { shareId })),
    listSharesGrantedBy: (granterId, resourceType, page) =>
      table.queryIndexPage<Share, string, string>(grantedBy, { granterId }, page, {
        sortKeyPrefix: ofType(resourceType),
      }),
    listSharesGrantedTo: (grantee, resourceType, page) =>
      table.queryIndexPage<Share, string, string>(
        grantedTo,
        { granteeKind: grantee.kind, granteeId: grantee.id },
        page,
        { sortKeyPrefix: ofType(resourceType) },
      ),
    listUnitConsents: (unit, ownerId) => table.queryIndex<Share, string, string>(unitConsent, { unit, ownerId }),

    getLink: (linkId) => table.get<ShareLink>(primaryKey(link, { linkId })),
    listLinks: (ownerId, page) =>
      table.queryIndexPage<ShareLink, string, string>(link.indexKeys.ofOwner, { ownerId }, page),

    listAccessLog: (ownerId, page) =>
      table.queryIndexPage(auditEntry.indexKeys.accessLog, { ownerId }, page, { read: auditEntryOf }),

    async getCounter(key) {
      const item = await table.getItem(counterKey(key));
      return typeof item?.count === 'number' ? item.count : 0;
    },

    async incrementCounter(key, expiresAt) {
      const { Attributes } = await table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: counterKey(key),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl, #entity = :entity',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': attributes.ttl, '#entity': attributes.entity },
          ExpressionAttributeValues: {
            ':one': 1,
            ':ttl': Math.floor(Date.parse(expiresAt) / 1000),
            ':entity': counter.entity,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.count ?? 0);
    },
  };
}
