import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { recordOf, type DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { entities, indexes, primaryKey } from '../../platform/storage/schema.ts';
import type { DocumentSignature } from '../core/signature-model.ts';
import type { SignatureStore } from '../core/signature-store.ts';

const { signature } = entities;

/** The signing history in the vault table, and the sparse index of pending remote signatures. */
export function createDynamoSignatureStore(table: DynamoTable): SignatureStore {
  return {
    getSignature: (ownerId, documentId, signatureId) =>
      table.get<DocumentSignature>(primaryKey(signature, { ownerId, documentId, signatureId })),

    async listSignatures(ownerId, documentId) {
      const signatures = await table.queryPrefix<DocumentSignature>(
        signature.pk.of({ ownerId }),
        signature.sk.prefix({ documentId }),
      );
      return signatures.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    },

    async listDueSignatureChecks(dueBy, limit) {
      const { dueCheck } = signature.indexKeys;
      const index = indexes[dueCheck.index];
      const result = await table.db.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk AND #sk <= :due',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          // '#' sorts before every character of an id, so `dueBy#~` bounds the ids due at dueBy too.
          ExpressionAttributeValues: {
            ':pk': dueCheck.pk.of({}),
            ':due': `${dueCheck.sk.prefix({ nextCheckAt: dueBy })}~`,
          },
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => recordOf<DocumentSignature>(item));
    },
  };
}
