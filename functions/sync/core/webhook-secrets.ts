/**
 * What a sealed webhook secret is bound to: opening it under another webhook's id or another
 * unit fails, so a sealed value copied onto another item is useless.
 */
export interface WebhookSecretBinding {
  webhookId: string;
  unit: string;
}

/**
 * Encrypts webhook signing secrets before they are stored, so reading the table (a backup, an
 * over-broad role) does not give what forges deliveries. KMS on AWS (the encryption context
 * carries the binding), AES-256-GCM under the embedded runtime's key locally (the binding is
 * the associated data).
 */
export interface WebhookSecretCipher {
  seal(secret: string, binding: WebhookSecretBinding): Promise<string>;
  /** Throws when `sealed` was not sealed by this key under exactly this binding. */
  open(sealed: string, binding: WebhookSecretBinding): Promise<string>;
}

/** Names the purpose too, so a ciphertext of this key made for anything else never opens as a webhook secret. */
export const webhookSecretPurpose = 'khoso-webhook-secret';

/** The binding as KMS encryption context (and, serialised, as AES-GCM associated data). */
export function bindingContext({ webhookId, unit }: WebhookSecretBinding): Record<string, string> {
  return { purpose: webhookSecretPurpose, webhookId, unit };
}
