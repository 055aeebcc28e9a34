/** A result a business system filed: what it said, and where its file went. */

/** Refusals of machine-client routes are chained here: an unverified request names no owner we may trust. */
export const integrationAuditOwner = 'integration';

/** What identifies a result: the same four facts name the same paper, however often they are sent. */
export interface ResultIdentity {
  resultType: string;
  number: string;
  /** The issuing agency's code when given, else its name. */
  issuer: string;
  ownerId: string;
}

export interface IssuedResult extends ResultIdentity {
  /** Derived from the identity (resultIdOf), so a second filing of it meets this record. */
  id: string;
  issuerCode?: string;
  issuerName?: string;
  procedureCode: string;
  caseNumber: string;
  issueDate: string;
  expiryDate?: string;
  summary?: string;
  fields: Record<string, string>;
  contentType: string;
  size: number;
  /** Hex SHA-256 the client declared for the file. */
  sha256: string;
  /** The machine client that filed it and the unit it acts for. */
  clientId: string;
  unit: string;
  /** The upload carrying the file through the workflow. */
  uploadId: string;
  /** The document the file becomes (or a version of, for a replacement). */
  documentId: string;
  /** The result this one replaces (MaKetQuaThayThe). */
  replaces?: string;
  /** The result that replaced this one: the document now stands for that one. */
  replacedBy?: string;
  revokedAt?: string;
  revocationReason?: string;
  createdAt: string;
  updatedAt: string;
}
