import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { DocumentSearch, DocumentVersion, Folder, VaultDocument } from './model.ts';

export interface FolderTree {
  folders: Folder[];
  /** Changes on every move, so a move can check that the tree it reasoned about still holds. */
  treeVersion: number;
}

/** Reads of an owner's vault marker and folders. */
export interface FolderStore {
  isProvisioned(ownerId: string): Promise<boolean>;
  getFolderTree(ownerId: string): Promise<FolderTree>;
  getFolder(ownerId: string, folderId: string): Promise<Folder | undefined>;
}

/** Reads of documents: one, a folder's, the trash. */
export interface DocumentStore {
  getDocument(ownerId: string, documentId: string): Promise<VaultDocument | undefined>;
  /** Active documents of a folder, newest first. */
  listFolderDocuments(ownerId: string, folderId: string, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Every active document of a folder, for operations that carry a whole folder along. */
  listAllFolderDocuments(ownerId: string, folderId: string): Promise<VaultDocument[]>;
  /** Documents deleted on their own (not with a folder), most recently trashed first. */
  listTrashedDocuments(ownerId: string, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Documents that went to the trash with this folder's deletion. */
  listDocumentsTrashedWith(ownerId: string, folderId: string): Promise<VaultDocument[]>;
}

/** Reads of a document's versions. */
export interface VersionStore {
  listVersions(ownerId: string, documentId: string): Promise<DocumentVersion[]>;
  getVersion(ownerId: string, documentId: string, number: number): Promise<DocumentVersion | undefined>;
}

/** Search within a vault and officers' look-ups across vaults. */
export interface DocumentSearchStore {
  /** The owner's active documents matching every term and filter, newest first. */
  searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Active issued documents of any owner with this type and number (folded), for officers. */
  findIssuedDocuments(type: string, number: string, page: PageRequest): Promise<Page<VaultDocument>>;
}
