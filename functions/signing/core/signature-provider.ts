/**
 * The one port every way of signing goes through. An agency seal signs at once, a deferred
 * provider (CA token, Ban Cơ yếu token) waits for the client to bring the signature, and a
 * remote provider (SIM PKI, SmartCA) asks the signer to confirm on their phone and is polled.
 */
export const signatureProviderNames = ['agency-seal', 'ca-token', 'ban-co-yeu', 'sim', 'smartca'] as const;
export type SignatureProviderName = (typeof signatureProviderNames)[number];
export type SigningMode = 'seal' | 'deferred' | 'remote';

/** Who is asked to sign, as the provider knows them. */
export interface SignerReference {
  /** The vault the signature is for (a personal ID or an enterprise code). */
  ownerId: string;
  /** The signer's account at a remote provider: a mobile number (SIM) or a user ID (SmartCA). */
  account?: string;
  /** The chain a deferred client presented (DER, leaf first). */
  certificates?: Uint8Array[];
}

export interface SignatureRequest {
  /** SHA-256 of the DER signed attributes: what the key signs. */
  digest: Uint8Array;
  signer: SignerReference;
  /** Our signature id; remote providers echo it so a retried request is not signed twice. */
  requestId: string;
  /** Shown to the signer when they confirm (remote providers). */
  description: string;
}

export type SignatureAttempt =
  /** A DER ECDSA-Sig-Value or a PKCS#1 v1.5 signature over `digest`. */
  | { status: 'signed'; signature: Uint8Array }
  | { status: 'pending'; transactionId: string }
  | { status: 'awaiting-client' }
  | { status: 'refused'; reason: string }
  | { status: 'expired' };

export interface SignatureProvider {
  readonly name: SignatureProviderName;
  readonly mode: SigningMode;
  /** The chain (DER, leaf first) the signature will carry. */
  signerCertificates(signer: SignerReference): Promise<Uint8Array[]>;
  requestSignature(request: SignatureRequest): Promise<SignatureAttempt>;
  /** Where a pending remote request stands now; other modes never have one. */
  checkSignature(transactionId: string): Promise<SignatureAttempt>;
}

/** The provider could not be reached or answered nonsense: worth retrying later. */
export class SignatureProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignatureProviderUnavailableError';
  }
}
