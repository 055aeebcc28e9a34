import { createHash } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../core/errors.ts';
import type { Page, PageRequest } from '../core/page.ts';
import { attributes, indexes, keyAttributes, type IndexKey, type KeyValues } from './schema.ts';

export type Item = Record<string, unknown>;

/** Attributes an item carries besides its record's fields. */
const storageAttributes = new Set<string>([...keyAttributes, attributes.entity, attributes.digest, attributes.ttl]);

/** The record an item stores: everything but keys and storage attributes. */
export function recordOf<T>(item: Item): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !storageAttributes.has(name))) as T;
}

/**
 * The write condition of a versioned record's current item: still the version that was read, or
 * not there yet when nothing was read (the first version).
 */
export function unchangedVersionCondition(previous: { version: number } | undefined) {
  return previous
    ? { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': previous.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
}

/** Canonical digest of a record: the optimistic-concurrency token of its stored item. */
export function digestOf(record: object): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(record)))
    .digest('base64url');
}

function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** Cursors come back from clients: accept only a key of the partition being queried. */
export function decodeCursor(
  cursor: string | undefined,
  partition: { attribute: string; value: string },
): Item | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const valid =
      key !== null &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.entries(key).every(([name, value]) => keyAttributes.includes(name) && typeof value === 'string') &&
      (key as Item)[partition.attribute] === partition.value;
    if (valid) return key as Item;
  } catch {
    // reported below
  }
  throw new InvalidInputError('The page cursor is not valid for this listing');
}

export { encodeCursor };

/** Reads of the vault table that every feature's adapter shares. */
export class DynamoTable {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async getItem(key: Item): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return Item;
  }

  async get<T>(key: Item): Promise<T | undefined> {
    const item = await this.getItem(key);
    return item && recordOf<T>(item);
  }

  /** Every item a query matches, following LastEvaluatedKey page by page. */
  async queryAllItems(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({ ...input, TableName: this.name, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Every record of a partition whose sort key starts with `prefix`, in sort-key order, read consistently. */
  async queryPrefix<T>(partition: string, prefix: string): Promise<T[]> {
    const items = await this.queryAllItems({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
      ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<T>(item));
  }

  /** Every item of one partition of an index. */
  queryIndexItems<P extends string, S extends string>(entry: IndexKey<P, S>, values: KeyValues<P>): Promise<Item[]> {
    const index = indexes[entry.index];
    return this.queryAllItems({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': entry.pk.of(values) },
    });
  }

  async queryIndex<T, P extends string, S extends string>(entry: IndexKey<P, S>, values: KeyValues<P>): Promise<T[]> {
    return (await this.queryIndexItems(entry, values)).map((item) => recordOf<T>(item));
  }

  /**
   * One page of an index partition, newest first; a sort-key prefix narrows it (shares of
   * one resource type).
   */
  async queryIndexPage<T, P extends string, S extends string>(
    entry: IndexKey<P, S>,
    values: KeyValues<P>,
    page: PageRequest,
    options: { sortKeyPrefix?: string; read?: (item: Item) => T } = {},
  ): Promise<Page<T>> {
    const index = indexes[entry.index];
    const partition = entry.pk.of(values);
    const { sortKeyPrefix, read = (item: Item) => recordOf<T>(item) } = options;
    const startKey = decodeCursor(page.cursor, { attribute: index.partitionKey, value: partition });
    // A start key outside the prefix would make DynamoDB refuse the query; it is the client's mistake.
    if (startKey && sortKeyPrefix && !String(startKey[index.sortKey]).startsWith(sortKeyPrefix)) {
      throw new InvalidInputError('The page cursor is not valid for this listing');
    }
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: index.name,
        KeyConditionExpression: sortKeyPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(sortKeyPrefix ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': partition, ...(sortKeyPrefix ? { ':prefix': sortKeyPrefix } : {}) },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return { items: (result.Items ?? []).map(read), ...(nextCursor ? { nextCursor } : {}) };
  }

  /** Records by key, in any order (BatchGet, 100 keys a request). */
  async batchGet<T>(keys: Item[]): Promise<T[]> {
    const found: T[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Item[] | undefined = keys.slice(start, start + 100);
      while (pending && pending.length > 0) {
        const result = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(result.Responses?.[this.name] ?? []).map((item) => recordOf<T>(item)));
        pending = result.UnprocessedKeys?.[this.name]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }
}
