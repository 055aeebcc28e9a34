import type { DocumentSource } from '../../vault/core/model.ts';

/** An upload on its way through the digitisation workflow. */

export type UploadStatus = 'PENDING_UPLOAD' | 'PROCESSING' | 'REVIEW' | 'DONE' | 'FAILED';
export type WorkflowStep = 'validate' | 'recognize' | 'classify' | 'extract' | 'review' | 'seal' | 'file';

/** The population database's answer about an officer's page, as the Extract step applies it. */
export interface OwnerIdentification {
  /** Why someone must look; none when the owner was confirmed. */
  reasons: string[];
  /** The owner's name as the database spells it, when the page's matched it only with diacritics folded. */
  nameAsRegistered?: string;
}

/** What the workflow read from a scan: its type (a template key), fields and text. */
export interface Recognition {
  type?: string;
  /** Title for the document, e.g. the template's name. */
  title?: string;
  fields: Record<string, string | number>;
  /** 0..1: the calibrated page score, the probability that every field is right (field-correctness.ts). */
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

/** A business system's result: filed with the facts it gave, without recognition or review. */
export interface GivenResult {
  resultId: string;
  /** The SHA-256 the business system declared: a file that does not match is rejected. */
  sha256: string;
  recognition: Recognition;
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
  /** Set for a business system's result: the workflow skips recognition and review (digitize.asl.json). */
  given?: GivenResult;
  /**
   * The population database's look-up for an officer's page (identify-owner.ts). Written once; a
   * retried Extract step reuses it.
   */
  ownerIdentification?: OwnerIdentification;
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
