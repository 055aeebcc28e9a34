import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditEntriesByOwner, chainAuditEntries, type AuditChainHead } from '../../audit/core/audit-chain.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { auditItem } from './items.ts';
import { attributes, entities, primaryKey } from './schema.ts';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** DynamoDB's limit on the items of one transaction. */
export const maxTransactionItems = 100;
/** Writers of the same owner race for the head; each lost race costs a re-read and a retry. */
const maxAttempts = 20;

const auditChainHeadKey = (ownerId: string) => primaryKey(entities.auditChainHead, { ownerId });

/** An owner's chain head, read consistently: appends condition on it and verification ends at it. */
export async function readAuditChainHead(
  db: DynamoDBDocumentClient,
  tableName: string,
  ownerId: string,
): Promise<AuditChainHead | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: auditChainHeadKey(ownerId), ConsistentRead: true }),
  );
  return Item ? { seq: Number(Item.seq), hash: String(Item.hash) } : undefined;
}

/** A conflict that is only the chain's head having moved: another writer appended first. */
function onlyHeadsMoved(error: TransactionCanceledException, chainStart: number): boolean {
  const failed = (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code && reason.Code !== 'None' ? [{ index, code: reason.Code }] : [],
  );
  return (
    failed.length > 0 &&
    failed.every(
      ({ index, code }) => index >= chainStart && (code === 'ConditionalCheckFailed' || code === 'TransactionConflict'),
    )
  );
}

interface PendingAppend {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Every write of audit entries goes through here. Entries are chained after their owner's
 * head and written with `attribute_not_exists` (never overwritten), and the head moves in the
 * same transaction, conditional on being what was read. A transaction that failed only
 * because a concurrent writer moved a head is re-read and retried; any other cancellation
 * goes to the caller, whose own items come first so their indexes in the reasons hold.
 */
export class AuditChainWriter {
  private readonly queues = new Map<string, PendingAppend[]>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes `items` and `entries` in one transaction; throws DynamoDB's TransactionCanceledException for other
   * conflicts.
   */
  async transact(items: TransactItem[], entries: AuditEntry[]): Promise<void> {
    const byOwner = auditEntriesByOwner(entries);
    if (items.length + entries.length + byOwner.size > maxTransactionItems) {
      throw new Error(
        `a transaction of ${items.length + entries.length + byOwner.size} writes exceeds the limit of ${maxTransactionItems}`,
      );
    }
    for (let attempt = 1; ; attempt += 1) {
      const chainItems = (
        await Promise.all([...byOwner].map(([ownerId, owned]) => this.chainItems(ownerId, owned)))
      ).flat();
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [...items, ...chainItems] }));
        return;
      } catch (error) {
        if (
          !(error instanceof TransactionCanceledException) ||
          !onlyHeadsMoved(error, items.length) ||
          attempt === maxAttempts
        )
          throw error;
        // Full jitter, so racing writers spread out instead of colliding again.
        await sleep(Math.random() * Math.min(250, 5 * 2 ** attempt));
      }
    }
  }

  /**
   * Appends one entry on its own. Appends for the same owner that arrive while one is being
   * written (e.g. the audit of every hit of a look-up) share the next transaction, so they do
   * not race each other for the head.
   */
  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(entry.ownerId);
      if (queue) {
        queue.push({ entry, resolve, reject });
        return;
      }
      this.queues.set(entry.ownerId, [{ entry, resolve, reject }]);
      void this.drain(entry.ownerId);
    });
  }

  private async drain(ownerId: string): Promise<void> {
    // Let the callers of this same tick join the first batch.
    await Promise.resolve();
    const queue = this.queues.get(ownerId) ?? [];
    while (queue.length > 0) {
      const batch = queue.splice(0, maxTransactionItems - 1);
      try {
        await this.transact(
          [],
          batch.map(({ entry }) => entry),
        );
        for (const { resolve } of batch) resolve();
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    this.queues.delete(ownerId);
  }

  private async chainItems(ownerId: string, entries: AuditEntry[]): Promise<TransactItem[]> {
    const TableName = this.tableName;
    const head = await readAuditChainHead(this.db, TableName, ownerId);
    const chain = chainAuditEntries(head, entries);
    return [
      {
        Put: {
          TableName,
          Item: {
            ...auditChainHeadKey(ownerId),
            [attributes.entity]: entities.auditChainHead.entity,
            ownerId,
            seq: chain.head.seq,
            hash: chain.head.hash,
          },
          ...(head
            ? { ConditionExpression: 'seq = :seq', ExpressionAttributeValues: { ':seq': head.seq } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      ...chain.chained.map((chained) => ({
        Put: { TableName, Item: auditItem(chained), ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    ];
  }
}
