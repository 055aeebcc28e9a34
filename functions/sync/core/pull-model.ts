/** A pull of an owner's papers from the national warehouse, and what became of each file. */

export type PullState = 'running' | 'done' | 'failed';

export interface Pull {
  id: string;
  ownerId: string;
  /**
   * Who asked: the owner themself (citizen or organisation), or an officer of a unit the owner
   * consented to; the worker audits in their name.
   */
  requester: { sub: string; role: string; ownerId?: string; unit?: string };
  sourceIp: string;
  procedureCode: string;
  /** An officer's pull: the case file it serves (with `procedureCode`, the purpose) and the consent allowing it. */
  officer?: { caseNumber: string; consentId: string };
  wanted: { resultTypeCode: string; number?: string }[];
  state: PullState;
  /** Why a pull failed, in words a citizen can act on. */
  reason?: string;
  createdAt: string;
  updatedAt: string;
  /** How many files the portal listed, once it answered. */
  fileCount?: number;
}

export type PullFileOutcome =
  | { outcome: 'filed'; documentId: string }
  | { outcome: 'already-in-vault'; documentId?: string }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'rejected'; reason: string };

/** One file of a pull: written once, in the same transaction as its filing, so a rerun never files it twice. */
export type PullFile = {
  pullId: string;
  /** Its place in the portal's answer (results in order, then files in order). */
  index: number;
  resultTypeCode: string;
  number: string;
  issuingBody: string;
  name: string;
  fileName: string;
  at: string;
} & PullFileOutcome;

/** Content already imported into an owner's vault, claimed with the filing so two pulls cannot both file it. */
export interface ImportClaim {
  ownerId: string;
  sha256: string;
  documentId: string;
}
