import type { CertificateSummary } from '../../pdf-pki/certificates.ts';
import type { SignatureProviderName } from '../../signing/core/signature-provider.ts';

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

export type UploadStatus = 'PENDING_UPLOAD' | 'PROCESSING' | 'REVIEW' | 'DONE' | 'FAILED';
export type WorkflowStep = 'validate' | 'recognize' | 'classify' | 'extract' | 'review' | 'seal' | 'file';

/** What the workflow read from a scan: its type (a template key), fields and text. */
export interface Recognition {
  type?: string;
  /** Title for the document, e.g. the template's name. */
  title?: string;
  fields: Record<string, string | number>;
  /** 0..1 */
  confidence: number;
  /** Where the recognised text (pages separated by form feeds) is stored. */
  textBlobKey?: string;
}

/** What a reviewer sees while an upload waits for review. */
export interface ProposedRecognition {
  type?: string;
  fields: Record<string, string | number>;
  confidence: number;
  /** The recognised text, pages separated by form feeds (truncated for very long scans). */
  text: string;
  /** Why the workflow did not file on its own. */
  reasons: string[];
}

export interface Upload {
  id: string;
  ownerId: string;
  /** Token subject of whoever asked for the upload (the owner, or an officer for the owner). */
  createdBy: string;
  createdByRole: string;
  createdByUnit?: string;
  /** Source IP of the request that registered the upload; the filing is audited with it. */
  requestedFromIp: string;
  /** A new version of this document, or a new document when absent. */
  targetDocumentId?: string;
  folderId: string;
  source: DocumentSource;
  fileName: string;
  contentType: string;
  declaredSize: number;
  blobKey: string;
  status: UploadStatus;
  step?: WorkflowStep;
  documentId?: string;
  versionNumber?: number;
  failureReason?: string;
  /** While status is REVIEW. */
  proposed?: ProposedRecognition;
  /** The paused execution's task token; internal, never shown to clients. */
  reviewTaskToken?: string;
  reviewedBy?: string;
  createdAt: string;
  updatedAt: string;
  /** After this the presigned POST no longer works and a pending upload is abandoned. */
  expiresAt: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failed';
export type AuditResourceType = 'vault' | 'folder' | 'document' | 'upload' | 'template' | 'signature' | 'signing-settings';

export interface AuditEntry {
  id: string;
  ownerId: string;
  at: string;
  actor: { sub: string; role: string; unit?: string; ownerId?: string };
  action: string;
  resourceType: AuditResourceType;
  resourceId: string;
  outcome: AuditOutcome;
  sourceIp: string;
  userAgent?: string;
  detail?: Record<string, string | number | boolean>;
}

export type SignatureStatus = 'pending' | 'completed' | 'failed' | 'expired';
/** PAdES inside a PDF (a new version), or a detached CAdES `.p7s` beside the version. */
export type SignatureFormat = 'pades' | 'cades-detached';

/** What the signing history keeps of a certificate. */
export type CertificateFacts = CertificateSummary;

/** One signature on a document, from the request to its outcome: the signing history. */
export interface DocumentSignature {
  id: string;
  ownerId: string;
  documentId: string;
  provider: SignatureProviderName;
  format: SignatureFormat;
  status: SignatureStatus;
  /** The version whose content is signed. */
  versionNumber: number;
  /** PAdES: the version that holds the signed PDF. */
  signedVersionNumber?: number;
  requestedBy: { sub: string; role: string; unit?: string };
  requestedAt: string;
  completedAt?: string;
  /** A pending request not completed by then expires. */
  expiresAt: string;
  digestAlgorithm: 'SHA-256';
  /** Hex SHA-256 of the signed content: the PDF's byte ranges, or the whole file. */
  contentDigest: string;
  /** Base64 DER of the signed attributes: what the signer's key signs (its SHA-256). */
  signedAttributes?: string;
  /** Hex SHA-256 of the signed attributes. */
  signedAttributesDigest?: string;
  certificate?: CertificateFacts;
  /** Base64 DER certificates (leaf first) the signer presented or the provider returned. */
  certificateChain?: string[];
  /** PAdES while pending: the prepared revision waiting for its signature. */
  preparedBlobKey?: string;
  /** CAdES: the detached `.p7s`. */
  signatureBlobKey?: string;
  /** Remote providers: where the request stands at the provider. */
  remote?: { account: string; transactionId?: string; checks: number; nextCheckAt: string };
  failureReason?: string;
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

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, absent on the last page. */
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}
