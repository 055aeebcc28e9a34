import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import { decodeCursor, encodeCursor, type DynamoTable, type Item } from '../../platform/storage/dynamo-table.ts';
import { vaultKey } from '../../platform/storage/items.ts';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';
import type { DocumentSearch, DocumentVersion, Folder, VaultDocument } from '../core/model.ts';
import { foldNumber } from '../core/search-text.ts';
import type { DocumentSearchStore, DocumentStore, FolderStore, FolderTree, VersionStore } from '../core/vault-store.ts';

const { folder, document: documentEntity, searchEntry, version } = entities;
const documentKey = (ownerId: string, documentId: string) => primaryKey(documentEntity, { ownerId, documentId });
/** Search items are read this many at a time, filtered inside DynamoDB. */
const searchBatch = 200;

/** The vault's folders, documents and versions in the vault table (functions/platform/storage/schema.ts). */
export function createDynamoVaultStore(
  table: DynamoTable,
): FolderStore & DocumentStore & VersionStore & DocumentSearchStore {
  const { inFolder, trash, trashedWith, issued } = documentEntity.indexKeys;

  /** Documents by id in the given order. */
  async function getDocuments(ownerId: string, ids: string[]): Promise<VaultDocument[]> {
    const found = new Map(
      (await table.batchGet<VaultDocument>(ids.map((id) => documentKey(ownerId, id)))).map((d) => [d.id, d]),
    );
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  return {
    async isProvisioned(ownerId) {
      return (await table.getItem(vaultKey(ownerId))) !== undefined;
    },

    async getFolderTree(ownerId): Promise<FolderTree> {
      const [marker, folders] = await Promise.all([
        table.getItem(vaultKey(ownerId)),
        table.queryPrefix<Folder>(folder.pk.of({ ownerId }), folder.sk.prefix({})),
      ]);
      return { folders, treeVersion: typeof marker?.treeVersion === 'number' ? marker.treeVersion : 0 };
    },

    getFolder: (ownerId, folderId) => table.get<Folder>(primaryKey(folder, { ownerId, folderId })),
    getDocument: (ownerId, documentId) => table.get<VaultDocument>(documentKey(ownerId, documentId)),
    listFolderDocuments: (ownerId, folderId, page) =>
      table.queryIndexPage<VaultDocument, string, string>(inFolder, { ownerId, folderId }, page),
    listAllFolderDocuments: (ownerId, folderId) =>
      table.queryIndex<VaultDocument, string, string>(inFolder, { ownerId, folderId }),
    listTrashedDocuments: (ownerId, page) =>
      table.queryIndexPage<VaultDocument, string, string>(trash, { ownerId }, page),
    listDocumentsTrashedWith: (ownerId, folderId) =>
      table.queryIndex<VaultDocument, string, string>(trashedWith, { ownerId, folderId }),
    listVersions: (ownerId, documentId) =>
      table.queryPrefix<DocumentVersion>(version.pk.of({ ownerId }), version.sk.prefix({ documentId })),
    getVersion: (ownerId, documentId, number) =>
      table.get<DocumentVersion>(primaryKey(version, { ownerId, documentId, number })),
    findIssuedDocuments: (type, number, page) =>
      table.queryIndexPage<VaultDocument, string, string>(issued, { type, number: foldNumber(number) }, page),

    /**
     * Reads the owner's search items newest first, filtered in DynamoDB, until a page of
     * matches is collected; the cursor is the key of the last match returned.
     */
    async searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>> {
      const partition = searchEntry.pk.of({ ownerId });
      let startKey = decodeCursor(page.cursor, { attribute: attributes.partitionKey, value: partition });
      const filters = ['trashed = :false', ...search.terms.map((_, index) => `contains(#text, :term${index})`)];
      const values: Item = { ':pk': partition, ':prefix': searchEntry.sk.prefix({}), ':false': false };
      search.terms.forEach((term, index) => {
        values[`:term${index}`] = term;
      });
      if (search.type) {
        filters.push('#type = :type');
        values[':type'] = search.type;
      }
      if (search.folderId) {
        filters.push('folderId = :folderId');
        values[':folderId'] = search.folderId;
      }
      if (search.source) {
        filters.push('#source = :source');
        values[':source'] = search.source;
      }
      if (search.issuedFrom) {
        filters.push('issueDate >= :from');
        values[':from'] = search.issuedFrom;
      }
      if (search.issuedTo) {
        filters.push('issueDate <= :to');
        values[':to'] = search.issuedTo;
      }
      // DynamoDB refuses names the expressions do not use.
      const names: Record<string, string> = {
        '#pk': attributes.partitionKey,
        '#sk': attributes.sortKey,
        ...(search.terms.length > 0 ? { '#text': 'text' } : {}),
        ...(search.type ? { '#type': 'type' } : {}),
        ...(search.source ? { '#source': 'source' } : {}),
      };
      const matches: Item[] = [];
      let more = true;
      let dropped = false;
      while (matches.length < page.limit && more) {
        const result = await table.db.send(
          new QueryCommand({
            TableName: table.name,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            FilterExpression: filters.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: searchBatch,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of result.Items ?? []) {
          if (matches.length < page.limit) matches.push(item);
          else dropped = true;
        }
        startKey = result.LastEvaluatedKey;
        more = startKey !== undefined;
      }
      const last = matches.at(-1);
      const cutShort = last !== undefined && (more || dropped);
      const documents = await getDocuments(
        ownerId,
        matches.map((item) => item.documentId as string),
      );
      const lastKey = last && {
        [attributes.partitionKey]: last[attributes.partitionKey],
        [attributes.sortKey]: last[attributes.sortKey],
      };
      const nextCursor = cutShort ? encodeCursor(lastKey) : undefined;
      return { items: documents, ...(nextCursor ? { nextCursor } : {}) };
    },
  };
}
