import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';
import type { BrowserSession, LoginAttempt, LoginAttemptStore, SessionStore } from '../core/sessions.ts';

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** Browser sessions and login attempts, as items of the one table (both expire by TTL). */
export function createDynamoSessions(
  db: DynamoDBDocumentClient,
  tableName: string,
): { sessions: SessionStore; attempts: LoginAttemptStore } {
  return {
    sessions: {
      async get(idHash) {
        const { Item } = await db.send(
          new GetCommand({ TableName: tableName, Key: primaryKey(entities.browserSession, { idHash }) }),
        );
        return Item ? (Item.session as BrowserSession) : undefined;
      },
      async put(session) {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...primaryKey(entities.browserSession, { idHash: session.idHash }),
              [attributes.entity]: entities.browserSession.entity,
              session,
              [attributes.ttl]: epochSeconds(session.expiresAt),
            },
          }),
        );
      },
      async delete(idHash) {
        await db.send(
          new DeleteCommand({ TableName: tableName, Key: primaryKey(entities.browserSession, { idHash }) }),
        );
      },
    },
    attempts: {
      async put(attempt) {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...primaryKey(entities.loginAttempt, { state: attempt.state }),
              [attributes.entity]: entities.loginAttempt.entity,
              attempt,
              [attributes.ttl]: epochSeconds(attempt.expiresAt),
            },
            // States are random; a collision would let one browser finish another's login.
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': attributes.partitionKey },
          }),
        );
      },
      async take(state) {
        const { Attributes } = await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: primaryKey(entities.loginAttempt, { state }),
            ReturnValues: 'ALL_OLD',
          }),
        );
        return Attributes ? (Attributes.attempt as LoginAttempt) : undefined;
      },
    },
  };
}
