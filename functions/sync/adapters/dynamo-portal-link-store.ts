import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';
import type { PortalLink, PortalLinkStore } from '../core/portal-links.ts';

/** The portal's download links in the vault table; DynamoDB's TTL removes them once expired. */
export function createDynamoPortalLinkStore(table: DynamoTable): PortalLinkStore {
  return {
    async putPortalLink(link) {
      await table.db.send(
        new PutCommand({
          TableName: table.name,
          Item: {
            ...link,
            ...primaryKey(entities.portalLink, { linkId: link.id }),
            [attributes.entity]: entities.portalLink.entity,
            [attributes.ttl]: Math.ceil(Date.parse(link.expiresAt) / 1000),
          },
          // A token is new each time: an existing item would mean a collision, never to be overwritten.
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': attributes.partitionKey },
        }),
      );
    },
    getPortalLink: (id) => table.get<PortalLink>(primaryKey(entities.portalLink, { linkId: id })),
  };
}
