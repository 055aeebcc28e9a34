/**
 * The agency's sealing key. In AWS its private half never leaves KMS; in the embedded
 * runtime it is a development key under `.khoso/`.
 */
export interface SealKey {
  /** SubjectPublicKeyInfo DER: an imported certificate must certify exactly this key. */
  publicKey(): Promise<Uint8Array>;
  /** One signing call: ECDSA P-256 over a SHA-256 digest, DER-encoded. */
  signDigest(sha256: Uint8Array): Promise<Uint8Array>;
}
