import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';
import type { DenyList, ReplayGuard } from '../core/revocation.ts';

/** The deny list and the seen logout tokens, as items of the one table (both expire by TTL). */
export function createDynamoDenyList(db: DynamoDBDocumentClient, tableName: string): DenyList & ReplayGuard {
  return {
    async revokedAt(key) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: primaryKey(entities.revocation, { issuer: key.issuer, kind: key.kind, value: key.value }),
          ProjectionExpression: 'revokedAt',
        }),
      );
      return typeof Item?.revokedAt === 'number' ? Item.revokedAt : undefined;
    },
    async revoke(revocation) {
      const { issuer, kind, value, revokedAt, expiresAtEpoch } = revocation;
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...primaryKey(entities.revocation, { issuer, kind, value }),
            [attributes.entity]: entities.revocation.entity,
            issuer,
            kind,
            value,
            revokedAt,
            [attributes.ttl]: expiresAtEpoch,
          },
        }),
      );
    },
    async claimOnce(issuer, jti, expiresAtEpoch) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...primaryKey(entities.logoutTokenUse, { issuer, jti }),
              [attributes.entity]: entities.logoutTokenUse.entity,
              [attributes.ttl]: expiresAtEpoch,
            },
            // TTL deletes late: an entry past its expiry no longer counts.
            ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
            ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#ttl': attributes.ttl },
            ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
