import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, ConflictError, InvalidInputError } from '../../platform/core/errors.ts';
import type { AuditEntry, DocumentSearch, DocumentSignature, DocumentVersion, Folder, Page, PageRequest, Upload, VaultDocument } from '../core/model.ts';
import { nameKey } from '../core/names.ts';
import { foldNumber, searchableText } from '../core/search-text.ts';
import type { FolderTree, VaultChanges, VaultRepository } from '../core/vault-repository.ts';
import type { Grantee, Share, SharedResourceType, ShareLink } from '../../sharing/core/share-model.ts';
import { accessLogPk } from '../../sharing/adapters/access-log-keys.ts';
import { counterItem, counterKey, linkItem, linkKey, linksPk, shareItem, shareKey, sharesByPk, sharesToPk } from '../../sharing/adapters/sharing-items.ts';
import { tableSchema } from '../../platform/storage/table-schema.ts';
import { auditEntryOf, AuditChainWriter, historyPk, maxTransactionItems, type TransactItem } from '../../audit/adapters/audit-chain-writes.ts';
import { recordBusinessMetrics } from '../../audit/adapters/business-metrics.ts';
import { queryAllItems } from '../../platform/storage/dynamo-query.ts';

type Item = Record<string, unknown>;

const keyAttributes = [tableSchema.partitionKey, tableSchema.sortKey, 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;
const storageAttributes = new Set<string>([...keyAttributes, 'entity', 'digest', tableSchema.ttlAttribute]);

const ownerPk = (ownerId: string) => `OWNER#${ownerId}`;
const vaultKey = (ownerId: string) => ({ pk: ownerPk(ownerId), sk: 'VAULT' });
const folderKey = (ownerId: string, id: string) => ({ pk: ownerPk(ownerId), sk: `FOLDER#${id}` });
const documentKey = (ownerId: string, id: string) => ({ pk: ownerPk(ownerId), sk: `DOC#${id}` });
const versionSkPrefix = (documentId: string) => `VERSION#${documentId}#`;
const versionKey = (ownerId: string, documentId: string, number: number) =>
  ({ pk: ownerPk(ownerId), sk: `${versionSkPrefix(documentId)}${String(number).padStart(10, '0')}` });
const uploadKey = (id: string) => ({ pk: `UPLOAD#${id}`, sk: 'UPLOAD' });
const signatureSkPrefix = (documentId: string) => `SIGNATURE#${documentId}#`;
const signatureKey = (ownerId: string, documentId: string, id: string) => ({ pk: ownerPk(ownerId), sk: `${signatureSkPrefix(documentId)}${id}` });
/** Pending remote signatures only, keyed by when they are next due: what the poller reads. */
const signatureChecksPk = 'SIGNATURE-CHECKS';
function signatureIndexKeys(signature: DocumentSignature) {
  return signature.status === 'pending' && signature.remote
    ? { gsi2pk: signatureChecksPk, gsi2sk: `${signature.remote.nextCheckAt}#${signature.id}` }
    : {};
}
const folderDocumentsPk = (ownerId: string, folderId: string) => `OWNER#${ownerId}#FOLDER#${folderId}`;
const trashPk = (ownerId: string) => `OWNER#${ownerId}#TRASH`;
const trashedWithPk = (ownerId: string, folderId: string) => `OWNER#${ownerId}#TRASHEDWITH#${folderId}`;
const issuedPk = (type: string, number: string) => `ISSUED#${type}#${foldNumber(number)}`;
/** One search item per document, newest first within the owner's partition. */
const searchKey = (document: VaultDocument) => ({ pk: ownerPk(document.ownerId), sk: `SEARCH#${document.createdAt}#${document.id}` });

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

/**
 * Active documents are listed by folder, and issued ones are found by (type, number);
 * trashed ones are listed by what deleted them (themselves or a folder).
 */
function documentIndexKeys(document: VaultDocument) {
  if (!document.trashedAt) {
    const issued = document.source === 'issued' && document.type && document.number
      ? { gsi2pk: issuedPk(document.type, document.number), gsi2sk: `${document.ownerId}#${document.id}` }
      : {};
    return { gsi1pk: folderDocumentsPk(document.ownerId, document.folderId), gsi1sk: `DOC#${document.createdAt}#${document.id}`, ...issued };
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
  /** A transaction's limit; the heads of the audit chains a commit extends count too. */
  readonly maxWritesPerCommit = maxTransactionItems;
  private readonly audit: AuditChainWriter;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {
    this.audit = new AuditChainWriter(db, tableName);
  }

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
      items.push({ Put: { TableName, Item: this.searchItem(next) } });
    }
    for (const version of changes.versions ?? []) {
      put({ ...version, ...versionKey(version.ownerId, version.documentId, version.number), entity: 'version' }, undefined);
    }
    for (const { next, previous } of changes.uploads ?? []) {
      put({ ...next, ...uploadKey(next.id), entity: 'upload', digest: digestOf(next) }, previous);
    }
    for (const { next, previous } of changes.signatures ?? []) {
      put({ ...next, ...signatureKey(next.ownerId, next.documentId, next.id), ...signatureIndexKeys(next), entity: 'signature', digest: digestOf(next) }, previous);
    }
    for (const { next, previous } of changes.shares ?? []) put({ ...shareItem(next), digest: digestOf(next) }, previous);
    for (const { next, previous } of changes.links ?? []) put({ ...linkItem(next), digest: digestOf(next) }, previous);

    if (items.length + changes.audit.length === 0) return;
    try {
      await this.audit.transact(items, changes.audit);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason, index) => reason.Code === 'ConditionalCheckFailed' && nameClaimIndexes.has(index))) {
        throw new ConflictError('name-taken', 'A folder with this name already exists here');
      }
      throw new ConcurrentUpdateError();
    }
    recordBusinessMetrics(changes.audit);
  }

  /** What search filters on, derived from the document on every write of it. */
  private searchItem(document: VaultDocument): Item {
    return {
      ...searchKey(document),
      entity: 'search',
      documentId: document.id,
      text: searchableText(document),
      trashed: Boolean(document.trashedAt),
      folderId: document.folderId,
      source: document.source,
      ...(document.type ? { type: document.type } : {}),
      ...(document.issueDate ? { issueDate: document.issueDate } : {}),
    };
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.audit.append(entry);
    recordBusinessMetrics([entry]);
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

  getSignature(ownerId: string, documentId: string, signatureId: string): Promise<DocumentSignature | undefined> {
    return this.get<DocumentSignature>(signatureKey(ownerId, documentId, signatureId));
  }

  async listSignatures(ownerId: string, documentId: string): Promise<DocumentSignature[]> {
    const signatures = await this.queryAll<DocumentSignature>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ownerPk(ownerId), ':prefix': signatureSkPrefix(documentId) },
      ConsistentRead: true,
    });
    return signatures.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async listDueSignatureChecks(dueBy: string, limit: number): Promise<DocumentSignature[]> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :due',
      // '#' sorts before every character of an id, so `dueBy#` bounds the ids due at dueBy too.
      ExpressionAttributeValues: { ':pk': signatureChecksPk, ':due': `${dueBy}#~` },
      Limit: limit,
    }));
    return (result.Items ?? []).map((item) => toRecord<DocumentSignature>(item) as DocumentSignature);
  }

  /**
   * Reads the owner's search items newest first, filtered in DynamoDB, until a page of
   * matches is collected; the cursor is the key of the last match returned.
   */
  async searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>> {
    const partition = ownerPk(ownerId);
    let startKey = decodeCursor(page.cursor, { attribute: 'pk', value: partition });
    const filters = ['trashed = :false', ...search.terms.map((_, index) => `contains(#text, :term${index})`)];
    const values: Item = { ':pk': partition, ':prefix': 'SEARCH#', ':false': false };
    search.terms.forEach((term, index) => { values[`:term${index}`] = term; });
    if (search.type) { filters.push('#type = :type'); values[':type'] = search.type; }
    if (search.folderId) { filters.push('folderId = :folderId'); values[':folderId'] = search.folderId; }
    if (search.source) { filters.push('#source = :source'); values[':source'] = search.source; }
    if (search.issuedFrom) { filters.push('issueDate >= :from'); values[':from'] = search.issuedFrom; }
    if (search.issuedTo) { filters.push('issueDate <= :to'); values[':to'] = search.issuedTo; }
    // DynamoDB refuses names the expressions do not use.
    const names: Record<string, string> = {
      ...(search.terms.length > 0 ? { '#text': 'text' } : {}),
      ...(search.type ? { '#type': 'type' } : {}),
      ...(search.source ? { '#source': 'source' } : {}),
    };
    const matches: Item[] = [];
    let more = true;
    let dropped = false;
    while (matches.length < page.limit && more) {
      const result = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: filters.join(' AND '),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: 200,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }));
      for (const item of result.Items ?? []) {
        if (matches.length < page.limit) matches.push(item);
        else dropped = true;
      }
      startKey = result.LastEvaluatedKey;
      more = startKey !== undefined;
    }
    const last = matches.at(-1);
    const cutShort = last !== undefined && (more || dropped);
    const documents = await this.getDocuments(ownerId, matches.map((item) => item.documentId as string));
    const nextCursor = cutShort && last ? encodeCursor({ pk: last.pk, sk: last.sk }) : undefined;
    return { items: documents, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** Documents by id in the given order (BatchGet, 100 keys a request). */
  private async getDocuments(ownerId: string, ids: string[]): Promise<VaultDocument[]> {
    const found = new Map<string, VaultDocument>();
    for (let start = 0; start < ids.length; start += 100) {
      let keys: Item[] | undefined = ids.slice(start, start + 100).map((id) => documentKey(ownerId, id));
      while (keys && keys.length > 0) {
        const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const document = toRecord<VaultDocument>(item) as VaultDocument;
          found.set(document.id, document);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  findIssuedDocuments(type: string, number: string, page: PageRequest): Promise<Page<VaultDocument>> {
    return this.queryIndexPage<VaultDocument>(issuedPk(type, number), page, 'gsi2');
  }

  listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.queryIndexPage(historyPk(ownerId, resourceId), page, 'gsi1', auditEntryOf);
  }

  getShare(shareId: string): Promise<Share | undefined> {
    return this.get<Share>(shareKey(shareId));
  }

  listSharesGrantedBy(granterId: string, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>> {
    return this.queryIndexPage<Share>(sharesByPk(granterId), page, 'gsi2', undefined, resourceType && `${resourceType}#`);
  }

  listSharesGrantedTo(grantee: Grantee, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>> {
    return this.queryIndexPage<Share>(sharesToPk(grantee), page, 'gsi1', undefined, resourceType && `${resourceType}#`);
  }

  listUnitConsents(unit: string, ownerId: string): Promise<Share[]> {
    return this.queryAll<Share>({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': sharesToPk({ kind: 'unit', id: unit }, ownerId) },
    });
  }

  getLink(linkId: string): Promise<ShareLink | undefined> {
    return this.get<ShareLink>(linkKey(linkId));
  }

  listLinks(ownerId: string, page: PageRequest): Promise<Page<ShareLink>> {
    return this.queryIndexPage<ShareLink>(linksPk(ownerId), page);
  }

  listAccessLog(ownerId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.queryIndexPage(accessLogPk(ownerId), page, 'gsi2', auditEntryOf);
  }

  async getCounter(key: string): Promise<number> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: counterKey(key), ConsistentRead: true }));
    return typeof Item?.count === 'number' ? Item.count : 0;
  }

  async incrementCounter(key: string, expiresAt: string): Promise<number> {
    const { key: itemKey, expiresAtEpoch } = counterItem(key, expiresAt);
    const { Attributes } = await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: itemKey,
      UpdateExpression: 'ADD #count :one SET #ttl = :ttl, entity = :entity',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': tableSchema.ttlAttribute },
      ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAtEpoch, ':entity': 'counter' },
      ReturnValues: 'UPDATED_NEW',
    }));
    return Number(Attributes?.count ?? 0);
  }

  /** One page of an index partition, newest first; a sort-key prefix narrows it (shares of one resource type). */
  private async queryIndexPage<T>(
    partition: string,
    page: PageRequest,
    index: 'gsi1' | 'gsi2' = 'gsi1',
    recordOf: (item: Item) => T = (item) => toRecord<T>(item) as T,
    sortKeyPrefix?: string,
  ): Promise<Page<T>> {
    const startKey = decodeCursor(page.cursor, { attribute: `${index}pk`, value: partition });
    // A start key outside the prefix would make DynamoDB refuse the query; it is the client's mistake.
    if (startKey && sortKeyPrefix && !String(startKey[`${index}sk`]).startsWith(sortKeyPrefix)) {
      throw new InvalidInputError('The page cursor is not valid for this listing');
    }
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: index,
      KeyConditionExpression: sortKeyPrefix ? `${index}pk = :pk AND begins_with(${index}sk, :prefix)` : `${index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': partition, ...(sortKeyPrefix ? { ':prefix': sortKeyPrefix } : {}) },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return { items: (result.Items ?? []).map(recordOf), ...(nextCursor ? { nextCursor } : {}) };
  }

  private async queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> {
    return (await queryAllItems(this.db, this.tableName, input)).map((item) => toRecord<T>(item) as T);
  }
}

