import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * What the embedded provider keeps in the data dir so that its tokens, cookies and client
 * secrets stay valid across restarts: its signing keys (private JWKs), cookie-signing keys and
 * the clients' secrets. Sessions and grants are not kept (oidc-provider's in-memory adapter).
 */
export interface ProviderSecrets {
  signingKeys: JWK[];
  cookieKeys: string[];
  clientSecrets: Record<string, string>;
}

/** ES256 signs access tokens; RS256 signs ID and logout tokens (the OpenID default every RP accepts). */
const signingAlgorithms = ['ES256', 'RS256'] as const;

async function signingKey(alg: (typeof signingAlgorithms)[number]): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `khoso-oidc-${alg.toLowerCase()}-1`, alg, use: 'sig' };
}

const newSecret = () => randomBytes(32).toString('base64url');

/** Reads the secrets file, creating whatever is missing (on first start, or for a client added since). */
export async function loadProviderSecrets(file: string, clientIds: readonly string[]): Promise<ProviderSecrets> {
  let stored: Partial<ProviderSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<ProviderSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const signingKeys = [...(stored.signingKeys ?? [])];
  for (const alg of signingAlgorithms) {
    if (!signingKeys.some((key) => key.alg === alg)) signingKeys.push(await signingKey(alg));
  }
  const clientSecrets = { ...stored.clientSecrets };
  for (const clientId of clientIds) clientSecrets[clientId] ??= newSecret();
  const secrets: ProviderSecrets = {
    signingKeys,
    cookieKeys: stored.cookieKeys?.length ? stored.cookieKeys : [newSecret()],
    clientSecrets,
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
