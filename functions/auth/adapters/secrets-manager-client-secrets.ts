import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TrustedIssuer } from '../core/identity-providers.ts';

/**
 * Browser-login client secrets from Secrets Manager (`secretIds`: provider id → secret name or
 * ARN, from the stage config), read once per container. A secret stored as JSON may hold it under
 * `clientSecret` or `client_secret`; otherwise the whole string is the secret.
 */
export function secretsManagerClientSecrets(
  secretIds: Readonly<Record<string, string>>,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): (provider: TrustedIssuer) => Promise<string> {
  const secrets = new Map<string, Promise<string>>();
  const read = async (secretId: string): Promise<string> => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`The secret ${secretId} has no string value`);
    try {
      const parsed = JSON.parse(SecretString) as Record<string, unknown>;
      const value = parsed.clientSecret ?? parsed.client_secret;
      if (typeof value === 'string' && value !== '') return value;
    } catch {
      // Not JSON: the string is the secret.
    }
    return SecretString;
  };
  return (provider) => {
    const secretId = secretIds[provider.id];
    if (!secretId) return Promise.reject(new Error(`${provider.id} has no client secret configured`));
    let secret = secrets.get(secretId);
    if (!secret) {
      secret = read(secretId);
      secrets.set(secretId, secret);
      secret.catch(() => secrets.delete(secretId));
    }
    return secret;
  };
}
