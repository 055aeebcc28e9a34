import type { Page, PageRequest } from '../../functions/platform/core/page.ts';
import type { DocumentSearch, DocumentVersion, Folder, VaultDocument } from '../../functions/vault/core/model.ts';
import { foldNumber, searchableText } from '../../functions/vault/core/search-text.ts';
import type {
  DocumentSearchStore,
  DocumentStore,
  FolderStore,
  FolderTree,
  VersionStore,
} from '../../functions/vault/core/vault-store.ts';
import { copy, paginate, recordKey, versionKey, type InMemoryRecords } from './in-memory-records.ts';

/** The vault's read ports over the in-memory records. */
export function inMemoryVaultStore(
  records: InMemoryRecords,
): FolderStore & DocumentStore & VersionStore & DocumentSearchStore {
  return {
    async isProvisioned(ownerId: string): Promise<boolean> {
      return records.provisioned.has(ownerId);
    },

    async getFolderTree(ownerId: string): Promise<FolderTree> {
      const folders = [...records.folders.values()].filter((folder) => folder.ownerId === ownerId).map(copy);
      return { folders, treeVersion: records.treeVersions.get(ownerId) ?? 0 };
    },

    async getFolder(ownerId: string, folderId: string): Promise<Folder | undefined> {
      const folder = records.folders.get(recordKey(ownerId, folderId));
      return folder && copy(folder);
    },

    async getDocument(ownerId: string, documentId: string): Promise<VaultDocument | undefined> {
      const document = records.documents.get(recordKey(ownerId, documentId));
      return document && copy(document);
    },

    async listFolderDocuments(ownerId: string, folderId: string, page: PageRequest): Promise<Page<VaultDocument>> {
      return paginate(
        `folder-documents|${ownerId}|${folderId}`,
        records.activeDocumentsOf(ownerId, folderId),
        (document) => [document.createdAt, document.id],
        page,
      );
    },

    async listAllFolderDocuments(ownerId: string, folderId: string): Promise<VaultDocument[]> {
      return records.activeDocumentsOf(ownerId, folderId).map(copy);
    },

    async listDocumentsTrashedWith(ownerId: string, folderId: string): Promise<VaultDocument[]> {
      return [...records.documents.values()]
        .filter(
          (document) =>
            document.ownerId === ownerId &&
            document.trashedAt &&
            document.trashedWith === folderId &&
            document.id !== folderId,
        )
        .map(copy);
    },

    async listTrashedDocuments(ownerId: string, page: PageRequest): Promise<Page<VaultDocument>> {
      const trashed = [...records.documents.values()].filter(
        (document) => document.ownerId === ownerId && document.trashedAt && document.trashedWith === document.id,
      );
      return paginate(
        `trashed-documents|${ownerId}`,
        trashed,
        (document) => [document.trashedAt ?? '', document.id],
        page,
      );
    },

    async listVersions(ownerId: string, documentId: string): Promise<DocumentVersion[]> {
      return [...records.versions.values()]
        .filter((version) => version.ownerId === ownerId && version.documentId === documentId)
        .sort((a, b) => a.number - b.number)
        .map(copy);
    },

    async getVersion(ownerId: string, documentId: string, number: number): Promise<DocumentVersion | undefined> {
      const version = records.versions.get(versionKey(ownerId, documentId, number));
      return version && copy(version);
    },

    async searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>> {
      const matches = [...records.documents.values()].filter((document) => {
        if (document.ownerId !== ownerId || document.trashedAt) return false;
        const text = searchableText(document);
        return (
          search.terms.every((term) => text.includes(term)) &&
          (!search.type || document.type === search.type) &&
          (!search.folderId || document.folderId === search.folderId) &&
          (!search.source || document.source === search.source) &&
          (!search.issuedFrom || (document.issueDate !== undefined && document.issueDate >= search.issuedFrom)) &&
          (!search.issuedTo || (document.issueDate !== undefined && document.issueDate <= search.issuedTo))
        );
      });
      return paginate(
        `search|${ownerId}|${JSON.stringify(search)}`,
        matches,
        (document) => [document.createdAt, document.id],
        page,
      );
    },

    async findIssuedDocuments(type: string, number: string, page: PageRequest): Promise<Page<VaultDocument>> {
      const matches = [...records.documents.values()].filter(
        (document) =>
          !document.trashedAt &&
          document.source === 'issued' &&
          document.type === type &&
          document.number !== undefined &&
          foldNumber(document.number) === foldNumber(number),
      );
      return paginate(
        `issued|${type}|${foldNumber(number)}`,
        matches,
        (document) => [document.ownerId, document.id],
        page,
      );
    },
  };
}
