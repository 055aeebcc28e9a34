/** The vault's records, as the core sees them (no storage keys here). */

export type SystemFolderKind = 'identity' | 'results' | 'self';
export type DocumentSource = 'issued' | 'self' | 'imported';

export interface Folder {
  id: string;
  ownerId: string;
  name: string;
  parentId: string | null;
  /** Default folders provisioned on first use; they cannot be renamed, moved or deleted. */
  system?: SystemFolderKind;
  createdAt: string;
  updatedAt: string;
  /** Set while the folder is in the trash; `trashedWith` names the folder whose deletion took it there. */
  trashedAt?: string;
  trashedWith?: string;
}

export interface DocumentMetadata {
  title: string;
  type?: string;
  /** Số hiệu: the number the issuer gave the document. */
  number?: string;
  /** Trích yếu: the one-line summary. */
  summary?: string;
  issuer?: string;
  issueDate?: string;
  expiryDate?: string;
}

export interface VaultDocument extends DocumentMetadata {
  id: string;
  /** Recognised fields, keyed by the field names of the document type (DESIGN.md). */
  fields?: Record<string, string | number>;
  ownerId: string;
  folderId: string;
  source: DocumentSource;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  currentVersion: number;
  versionCount: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  /** Issued documents filed by an officer: the officer's unit, which may read them for a recorded purpose. */
  issuingUnit?: string;
  trashedAt?: string;
  trashedWith?: string;
  /** Revoked by the business system that issued it (integration): kept, and shown as revoked. */
  revoked?: DocumentRevocation;
}

export interface DocumentRevocation {
  at: string;
  reason: string;
  /** The issuing unit that revoked it. */
  by: string;
  resultId: string;
}

/** An immutable version of a document's content. */
export interface DocumentVersion {
  documentId: string;
  ownerId: string;
  number: number;
  blobKey: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
  uploadId?: string;
  restoredFrom?: number;
  /** The recognised text of this version, when the workflow read it. */
  textBlobKey?: string;
}

export interface DocumentSearch {
  /** Folded search terms (see search-text.ts); every one must occur. */
  terms: string[];
  type?: string;
  folderId?: string;
  source?: DocumentSource;
  /** Inclusive ISO dates bounding the issue date. */
  issuedFrom?: string;
  issuedTo?: string;
}
