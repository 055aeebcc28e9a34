import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChainedAuditEntry } from '../core/audit-chain.ts';
import type { AuditLog, StoredAuditChain } from '../core/audit-log.ts';
import { auditBlockOf, auditPartition, chainedAuditEntryOf, readAuditChainHead } from './audit-chain-writes.ts';
import { queryAllItems } from '../../platform/storage/dynamo-query.ts';

/** Reads an owner's audit chain: the head (GetItem) and the entries, block by block (Query). */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async readChain(ownerId: string): Promise<StoredAuditChain> {
    const head = await readAuditChainHead(this.db, this.tableName, ownerId);
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

  private queryBlock(ownerId: string, block: number): Promise<Record<string, unknown>[]> {
    return queryAllItems(this.db, this.tableName, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': auditPartition(ownerId, block) },
      ConsistentRead: true,
    });
  }
}
