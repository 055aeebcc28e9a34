import type {
  AuditEntry, DocumentSearch, DocumentSignature, DocumentVersion, Folder, Page, PageRequest, Upload, VaultDocument,
} from './model.ts';
import type { Grantee, Share, SharedResourceType, ShareLink } from '../../sharing/core/share-model.ts';

/** A record to create (`previous` absent) or to replace, as long as it is still `previous`. */
export interface Write<T> {
  next: T;
  previous?: T;
}

/**
 * Everything one use case changes, committed atomically: all of it or none of it.
 * Implementations derive the folder-name claims from folder writes, so sibling names stay
 * unique, and bump the owner's tree version whenever a folder's parent changes.
 */
export interface VaultChanges {
  ownerId: string;
  folders?: Write<Folder>[];
  documents?: Write<VaultDocument>[];
  /** Versions are immutable: only ever created. */
  versions?: DocumentVersion[];
  uploads?: Write<Upload>[];
  signatures?: Write<DocumentSignature>[];
  shares?: Write<Share>[];
  links?: Write<ShareLink>[];
  audit: AuditEntry[];
  /** Fails with ConcurrentUpdateError unless the tree is still at this version (folder moves). */
  expectedTreeVersion?: number;
  /** Creates the vault marker; fails with ConcurrentUpdateError if it already exists. */
  provisionVault?: boolean;
}

export interface FolderTree {
  folders: Folder[];
  /** Changes on every move, so a move can check that the tree it reasoned about still holds. */
  treeVersion: number;
}

/**
 * The metadata store port. Writes throw ConflictError('name-taken') when a folder name is
 * already used among its siblings, and ConcurrentUpdateError when a `previous` record, the
 * tree version or the vault marker no longer match.
 */
export interface VaultRepository {
  /** Largest number of records one commit may touch, derived writes included. */
  readonly maxWritesPerCommit: number;
  commit(changes: VaultChanges): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;

  isProvisioned(ownerId: string): Promise<boolean>;
  getFolderTree(ownerId: string): Promise<FolderTree>;
  getFolder(ownerId: string, folderId: string): Promise<Folder | undefined>;
  getDocument(ownerId: string, documentId: string): Promise<VaultDocument | undefined>;
  /** Active documents of a folder, newest first. */
  listFolderDocuments(ownerId: string, folderId: string, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Every active document of a folder, for operations that carry a whole folder along. */
  listAllFolderDocuments(ownerId: string, folderId: string): Promise<VaultDocument[]>;
  /** Documents deleted on their own (not with a folder), most recently trashed first. */
  listTrashedDocuments(ownerId: string, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Documents that went to the trash with this folder's deletion. */
  listDocumentsTrashedWith(ownerId: string, folderId: string): Promise<VaultDocument[]>;
  listVersions(ownerId: string, documentId: string): Promise<DocumentVersion[]>;
  getVersion(ownerId: string, documentId: string, number: number): Promise<DocumentVersion | undefined>;
  getUpload(uploadId: string): Promise<Upload | undefined>;
  /** The owner's active documents matching every term and filter, newest first. */
  searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>>;
  /** Active issued documents of any owner with this type and number (folded), for officers. */
  findIssuedDocuments(type: string, number: string, page: PageRequest): Promise<Page<VaultDocument>>;
  getSignature(ownerId: string, documentId: string, signatureId: string): Promise<DocumentSignature | undefined>;
  /** A document's signatures, oldest request first. */
  listSignatures(ownerId: string, documentId: string): Promise<DocumentSignature[]>;
  /** Pending remote signatures whose next check is due by `dueBy` (any owner), soonest first. */
  listDueSignatureChecks(dueBy: string, limit: number): Promise<DocumentSignature[]>;
  /** Operations on one folder or document, newest first. */
  listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>>;

  /** A share by id, whoever granted it (revoked ones too: the core decides what the caller may see). */
  getShare(shareId: string): Promise<Share | undefined>;
  /** Shares this owner (or resharing grantee) granted and has not revoked, newest first. */
  listSharesGrantedBy(granterId: string, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>>;
  /** Shares granted to this citizen or organisation and not revoked, newest first (expired ones included). */
  listSharesGrantedTo(grantee: Grantee, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>>;
  /** Every unrevoked consent an owner gave an officers' unit. */
  listUnitConsents(unit: string, ownerId: string): Promise<Share[]>;
  /** A link by id (the hex SHA-256 of its token). */
  getLink(linkId: string): Promise<ShareLink | undefined>;
  /** The owner's unrevoked links, newest first. */
  listLinks(ownerId: string, page: PageRequest): Promise<Page<ShareLink>>;
  /** Reads of the owner's papers by others (see sharing/access-log.ts), newest first. */
  listAccessLog(ownerId: string, page: PageRequest): Promise<Page<AuditEntry>>;
  /** The value of a rate-limit counter (0 when absent). */
  getCounter(key: string): Promise<number>;
  /** Adds one to a rate-limit counter, atomically, and returns the new value; it is forgotten after `expiresAt`. */
  incrementCounter(key: string, expiresAt: string): Promise<number>;
}
