import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { bindingContext, type WebhookSecretCipher } from '../core/webhook-secrets.ts';

const format = 'k1';

/**
 * Webhook secrets sealed by the dedicated KMS key (`<prefix>-webhook-secrets`). A secret is 43
 * characters, far under Encrypt's 4 KB, so KMS encrypts it itself and no data key is ever in the
 * function's memory. The binding is the encryption context: Decrypt fails under any other one,
 * and CloudTrail logs which webhook each call was for. Stored as `k1.` and the base64url blob.
 */
export function createKmsWebhookSecrets(kms: KMSClient, keyId: string): WebhookSecretCipher {
  return {
    async seal(secret, binding) {
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(secret, 'utf8'),
          EncryptionContext: bindingContext(binding),
        }),
      );
      if (!CiphertextBlob) throw new Error('KMS returned no ciphertext for the webhook secret');
      return `${format}.${Buffer.from(CiphertextBlob).toString('base64url')}`;
    },
    async open(sealed, binding) {
      const [kind, data] = sealed.split('.');
      if (kind !== format || !data) throw new Error('The webhook secret was not sealed by KMS');
      // Naming the key refuses a blob some other key made, even one this role could use.
      const { Plaintext } = await kms.send(
        new DecryptCommand({
          KeyId: keyId,
          CiphertextBlob: Buffer.from(data, 'base64url'),
          EncryptionContext: bindingContext(binding),
        }),
      );
      if (!Plaintext) throw new Error('KMS returned no plaintext for the webhook secret');
      return Buffer.from(Plaintext).toString('utf8');
    },
  };
}
