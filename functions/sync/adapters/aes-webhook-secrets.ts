import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bindingContext, type WebhookSecretCipher } from '../core/webhook-secrets.ts';

const format = 'a1';
const ivBytes = 12;
const tagBytes = 16;

/**
 * Webhook secrets sealed with AES-256-GCM under a key the embedded runtime keeps in its data
 * folder. Stored as `a1.` and base64url of IV, ciphertext and tag; the binding is the associated
 * data, so the tag fails under any other webhook or unit.
 */
export function createAesWebhookSecrets(key: Uint8Array): WebhookSecretCipher {
  if (key.byteLength !== 32) throw new Error('The webhook secret key must be 32 bytes (AES-256)');
  const aad = (binding: Parameters<WebhookSecretCipher['seal']>[1]) =>
    Buffer.from(JSON.stringify(bindingContext(binding)), 'utf8');
  return {
    async seal(secret, binding) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(binding));
      const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${format}.${sealed.toString('base64url')}`;
    },
    async open(sealed, binding) {
      const [kind, data] = sealed.split('.');
      if (kind !== format || !data) throw new Error('The webhook secret was not sealed by this runtime');
      const bytes = Buffer.from(data, 'base64url');
      if (bytes.byteLength <= ivBytes + tagBytes) throw new Error('The sealed webhook secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes))
        .setAAD(aad(binding))
        .setAuthTag(bytes.subarray(bytes.byteLength - tagBytes));
      const body = bytes.subarray(ivBytes, bytes.byteLength - tagBytes);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}
