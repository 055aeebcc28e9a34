import { createPrivateKey, createPublicKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import type { SealKey } from '../core/seal-key.ts';

/**
 * The embedded runtime's seal: a P-256 key kept as PKCS#8 under `.khoso/`. Node's crypto
 * cannot sign a digest it did not compute itself, so the ECDSA step over the digest (what
 * KMS does with MessageType DIGEST) is done with @noble/curves.
 */
export function createLocalSealKey(pkcs8: Uint8Array): SealKey {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.d) throw new Error('The local seal key must be a P-256 private key');
  const scalar = new Uint8Array(Buffer.from(jwk.d, 'base64url'));
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  return {
    async publicKey() {
      return spki;
    },
    async signDigest(sha256) {
      return p256.sign(sha256, scalar, { prehash: false, format: 'der' });
    },
  };
}
