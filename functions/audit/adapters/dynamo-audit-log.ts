import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChainedAuditEntry } from '../core/audit-chain.ts';
import type { AuditLog, StoredAuditChain } from '../core/audit-log.ts';
import { readAuditChainHead } from '../../platform/storage/audit-chain-writer.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { auditBlockOf, chainedAuditEntryOf } from '../../platform/storage/items.ts';
import { attributes, entities } from '../../platform/storage/schema.ts';

/** Reads an owner's audit chain: the head (GetItem) and the entries, block by block (Query). */
export class DynamoAuditLog implements AuditLog {
  private readonly table: DynamoTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new DynamoTable(db, tableName);
  }

  async readChain(ownerId: string): Promise<StoredAuditChain> {
    const head = await readAuditChainHead(this.table.db, this.table.name, ownerId);
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
    return this.table.queryAllItems({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': attributes.partitionKey },
      ExpressionAttributeValues: { ':pk': entities.auditEntry.pk.of({ ownerId, block }) },
      ConsistentRead: true,
    });
  }
}
