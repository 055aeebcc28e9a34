import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChainedAuditEntry } from '../../core/audit-chain.ts';
import type { AuditLog, StoredAuditChain } from '../../core/audit-log.ts';
import { auditBlockOf, auditChainHeadKey, auditChainHeadOf, auditPartition, chainedAuditEntryOf } from './audit-chain-writes.ts';

type Item = Record<string, unknown>;

/** Reads an owner's audit chain: the head (GetItem) and the entries, block by block (Query). */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async readChain(ownerId: string): Promise<StoredAuditChain> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: auditChainHeadKey(ownerId), ConsistentRead: true }));
    const head = auditChainHeadOf(Item);
    const lastBlock = auditBlockOf(head?.seq ?? 0);
    const entries: ChainedAuditEntry[] = [];
    // Blocks past the head's are read until an empty one, so entries written around the head are seen too.
    for (let block = 0; ; block += 1) {
      const items = await this.queryBlock(ownerId, block);
      entries.push(...items.map(chainedAuditEntryOf));
      if (block >= lastBlock && items.length === 0) break;
    }
    return { ...(head ? { head } : {}), entries };
  }

  private async queryBlock(ownerId: string, block: number): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const result = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPartition(ownerId, block) },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }));
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
