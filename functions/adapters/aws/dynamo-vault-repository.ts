import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand, PutCommand, QueryCommand, TransactWriteCommand,
  type DynamoDBDocumentClient, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, ConflictError, InvalidInputError } from '../../core/errors.ts';
import type { AuditEntry, DocumentVersion, Folder, Page, PageRequest, Upload, VaultDocument } from '../../core/model.ts';
import { nameKey } from '../../core/names.ts';
import type { FolderTree, VaultChanges, VaultRepository } from '../../core/vault-repository.ts';
import { tableSchema } from '../../../lib/table-schema.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const keyAttributes = [tableSchema.partitionKey, tableSchema.sortKey, 'gsi1pk', 'gsi1sk'] as const;
const storageAttributes = new Set<string>([...keyAttributes, 'entity', 'digest']);

const ownerPk = (ownerId: string) => `OWNER#${ownerId}`;
const vaultKey = (ownerId: string) => ({ pk: ownerPk(ownerId), sk: 'VAULT' });
const folderKey = (ownerId: string, id: string) => ({ pk: ownerPk(ownerId), sk: `FOLDER#${id}` });
const documentKey = (ownerId: string, id: string) => ({ pk: ownerPk(ownerId), sk: `DOC#${id}` });
const versionSkPrefix = (documentId: string) => `VERSION#${documentId}#`;
const versionKey = (ownerId: string, documentId: string, number: number) =>
  ({ pk: ownerPk(ownerId), sk: `${versionSkPrefix(documentId)}${String(number).padStart(10, '0')}` });
const uploadKey = (id: string) => ({ pk: `UPLOAD#${id}`, sk: 'UPLOAD' });
const folderDocumentsPk = (ownerId: string, folderId: string) => `OWNER#${ownerId}#FOLDER#${folderId}`;
const trashPk = (ownerId: string) => `OWNER#${ownerId}#TRASH`;
const trashedWithPk = (ownerId: string, folderId: string) => `OWNER#${ownerId}#TRASHEDWITH#${folderId}`;
const historyPk = (ownerId: string, resourceId: string) => `HISTORY#${ownerId}#${resourceId}`;

/** A name claim exists for every active folder: (owner, parent, case-folded NFC name). */
function nameClaimKey(folder: Folder | undefined) {
  if (!folder || folder.trashedAt) return undefined;
  return { pk: ownerPk(folder.ownerId), sk: `NAME#${folder.parentId ?? 'ROOT'}#${nameKey(folder.name)}` };
}

/** Canonical digest of a record: the optimistic-concurrency token of its stored item. */
function digestOf(record: object): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(record))).digest('base64url');
}

function toRecord<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([key]) => !storageAttributes.has(key))) as T;
}

/** Active documents are listed by folder; trashed ones by what deleted them (themselves or a folder). */
function documentIndexKeys(document: VaultDocument) {
  if (!document.trashedAt) {
    return { gsi1pk: folderDocumentsPk(document.ownerId, document.folderId), gsi1sk: `DOC#${document.createdAt}#${document.id}` };
  }
  const partition = document.trashedWith && document.trashedWith !== document.id
    ? trashedWithPk(document.ownerId, document.trashedWith)
    : trashPk(document.ownerId);
  return { gsi1pk: partition, gsi1sk: `${document.trashedAt}#${document.id}` };
}

function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** Cursors come back from clients: accept only a key of the partition being queried. */
function decodeCursor(cursor: string | undefined, partition: { attribute: string; value: string }): Item | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const valid = key !== null && typeof key === 'object' && !Array.isArray(key)
      && Object.entries(key).every(([name, value]) => (keyAttributes as readonly string[]).includes(name) && typeof value === 'string')
      && (key as Item)[partition.attribute] === partition.value;
    if (valid) return key as Item;
  } catch {
    // reported below
  }
  throw new InvalidInputError('The page cursor is not valid for this listing');
}

/** The vault's metadata in one DynamoDB table (schema in lib/table-schema.ts). */
export class DynamoVaultRepository implements VaultRepository {
  readonly maxWritesPerCommit = 100;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async commit(changes: VaultChanges): Promise<void> {
    const items: TransactItem[] = [];
    const nameClaimIndexes = new Set<number>();
    const TableName = this.tableName;
    const put = (item: Item, previous: object | undefined) => items.push({
      Put: {
        TableName,
        Item: item,
        ...(previous
          ? { ConditionExpression: 'digest = :previous', ExpressionAttributeValues: { ':previous': digestOf(previous) } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });

    if (changes.provisionVault) {
      items.push({ Put: { TableName, Item: { ...vaultKey(changes.ownerId), entity: 'vault', treeVersion: 0 }, ConditionExpression: 'attribute_not_exists(pk)' } });
    }
    const treeChanged = (changes.folders ?? []).some(({ next, previous }) =>
      previous && (previous.parentId !== next.parentId || Boolean(previous.trashedAt) !== Boolean(next.trashedAt)));
    if (treeChanged || changes.expectedTreeVersion !== undefined) {
      items.push({
        Update: {
          TableName,
          Key: vaultKey(changes.ownerId),
          UpdateExpression: 'SET treeVersion = treeVersion + :one',
          ...(changes.expectedTreeVersion !== undefined
            ? { ConditionExpression: 'treeVersion = :expected', ExpressionAttributeValues: { ':one': 1, ':expected': changes.expectedTreeVersion } }
            : { ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 } }),
        },
      });
    }
    for (const { next, previous } of changes.folders ?? []) {
      put({ ...next, ...folderKey(next.ownerId, next.id), entity: 'folder', digest: digestOf(next) }, previous);
      const before = nameClaimKey(previous);
      const after = nameClaimKey(next);
      if (before?.sk === after?.sk) continue;
      if (before) {
        items.push({ Delete: { TableName, Key: before, ConditionExpression: 'folderId = :id', ExpressionAttributeValues: { ':id': next.id } } });
      }
      if (after) {
        nameClaimIndexes.add(items.length);
        items.push({ Put: { TableName, Item: { ...after, entity: 'name-claim', folderId: next.id }, ConditionExpression: 'attribute_not_exists(pk)' } });
      }
    }
    for (const { next, previous } of changes.documents ?? []) {
      put({ ...next, ...documentKey(next.ownerId, next.id), ...documentIndexKeys(next), entity: 'document', digest: digestOf(next) }, previous);
    }
    for (const version of changes.versions ?? []) {
      put({ ...version, ...versionKey(version.ownerId, version.documentId, version.number), entity: 'version' }, undefined);
    }
    for (const { next, previous } of changes.uploads ?? []) {
      put({ ...next, ...uploadKey(next.id), entity: 'upload', digest: digestOf(next) }, previous);
    }
    for (const entry of changes.audit) put(this.auditItem(entry), undefined);

    if (items.length === 0) return;
    if (items.length > this.maxWritesPerCommit) {
      throw new Error(`a commit of ${items.length} writes exceeds the limit of ${this.maxWritesPerCommit}`);
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason, index) => reason.Code === 'ConditionalCheckFailed' && nameClaimIndexes.has(index))) {
        throw new ConflictError('name-taken', 'A folder with this name already exists here');
      }
      throw new ConcurrentUpdateError();
    }
  }

  private auditItem(entry: AuditEntry): Item {
    const sortKey = `${entry.at}#${entry.id}`;
    return {
      ...entry,
      pk: `AUDIT#${entry.ownerId}#${entry.at.slice(0, 10)}`,
      sk: sortKey,
      gsi1pk: historyPk(entry.ownerId, entry.resourceId),
      gsi1sk: sortKey,
      entity: 'audit',
    };
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: this.auditItem(entry), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  private async get<T>(key: Item): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return toRecord<T>(Item);
  }

  async isProvisioned(ownerId: string): Promise<boolean> {
    return (await this.get(vaultKey(ownerId))) !== undefined;
  }

  async getFolderTree(ownerId: string): Promise<FolderTree> {
    const [vault, folders] = await Promise.all([
      this.get<{ treeVersion: number }>(vaultKey(ownerId)),
      this.queryAll<Folder>({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': ownerPk(ownerId), ':prefix': 'FOLDER#' },
        ConsistentRead: true,
      }),
    ]);
    return { folders, treeVersion: vault?.treeVersion ?? 0 };
  }

  getFolder(ownerId: string, folderId: string): Promise<Folder | undefined> {
    return this.get<Folder>(folderKey(ownerId, folderId));
  }

  getDocument(ownerId: string, documentId: string): Promise<VaultDocument | undefined> {
    return this.get<VaultDocument>(documentKey(ownerId, documentId));
  }

  listFolderDocuments(ownerId: string, folderId: string, page: PageRequest): Promise<Page<VaultDocument>> {
    return this.queryIndexPage<VaultDocument>(folderDocumentsPk(ownerId, folderId), page);
  }

  async listAllFolderDocuments(ownerId: string, folderId: string): Promise<VaultDocument[]> {
    return this.queryAll<VaultDocument>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': folderDocumentsPk(ownerId, folderId) },
    });
  }

  listTrashedDocuments(ownerId: string, page: PageRequest): Promise<Page<VaultDocument>> {
    return this.queryIndexPage<VaultDocument>(trashPk(ownerId), page);
  }

  listDocumentsTrashedWith(ownerId: string, folderId: string): Promise<VaultDocument[]> {
    return this.queryAll<VaultDocument>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': trashedWithPk(ownerId, folderId) },
    });
  }

  listVersions(ownerId: string, documentId: string): Promise<DocumentVersion[]> {
    return this.queryAll<DocumentVersion>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ownerPk(ownerId), ':prefix': versionSkPrefix(documentId) },
      ConsistentRead: true,
    });
  }

  getVersion(ownerId: string, documentId: string, number: number): Promise<DocumentVersion | undefined> {
    return this.get<DocumentVersion>(versionKey(ownerId, documentId, number));
  }

  getUpload(uploadId: string): Promise<Upload | undefined> {
    return this.get<Upload>(uploadKey(uploadId));
  }

  listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.queryIndexPage<AuditEntry>(historyPk(ownerId, resourceId), page);
  }

  /** One page of a gsi1 partition, newest first. */
  private async queryIndexPage<T>(partition: string, page: PageRequest): Promise<Page<T>> {
    const startKey = decodeCursor(page.cursor, { attribute: 'gsi1pk', value: partition });
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return { items: (result.Items ?? []).map((item) => toRecord<T>(item) as T), ...(nextCursor ? { nextCursor } : {}) };
  }

  private async queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> {
    const records: T[] = [];
    let startKey: Item | undefined;
    do {
      const result = await this.db.send(new QueryCommand({ ...input, TableName: this.tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      records.push(...(result.Items ?? []).map((item) => toRecord<T>(item) as T));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}

