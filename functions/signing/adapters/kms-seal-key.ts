import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SealKey } from '../core/seal-key.ts';

/**
 * The agency seal in KMS (ECC_NIST_P256). Only the 32-byte digest goes to KMS, in one Sign
 * call per signature; KMS returns the DER ECDSA signature CMS expects.
 */
export function createKmsSealKey(kms: KMSClient, keyId: string): SealKey {
  let publicKey: Promise<Uint8Array> | undefined;
  return {
    publicKey() {
      publicKey ??= kms.send(new GetPublicKeyCommand({ KeyId: keyId })).then((result) => {
        if (!result.PublicKey) throw new Error('KMS returned no public key for the seal key');
        return result.PublicKey;
      });
      return publicKey;
    },
    async signDigest(sha256) {
      const result = await kms.send(
        new SignCommand({
          KeyId: keyId,
          Message: sha256,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!result.Signature) throw new Error('KMS returned no signature');
      return result.Signature;
    },
  };
}
