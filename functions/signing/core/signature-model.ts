import type { CertificateSummary } from '../../pdf-pki/certificates.ts';
import type { SignatureProviderName } from './signature-provider.ts';

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
