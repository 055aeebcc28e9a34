import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

/**
 * The embedded runtime's token issuer: an ES256 key created on first start and kept under
 * .khoso/, so tokens stay valid across restarts. It exists only in the embedded runtime;
 * deployed stacks trust the configured OIDC issuer's JWKS.
 */
export interface LocalIssuer {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  jwks: { keys: JWK[] };
  issueToken(
    claims: { sub: string; role: string; ownerId?: string; unit?: string },
    ttlSeconds?: number,
  ): Promise<string>;
}

const keyId = 'khoso-local-1';

export async function loadLocalIssuer(options: {
  keyFile: string;
  issuer: string;
  audience: string;
}): Promise<LocalIssuer> {
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(options.keyFile, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: keyId, alg: 'ES256' };
    await mkdir(dirname(options.keyFile), { recursive: true });
    await writeFile(options.keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _secret, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'ES256');
  const jwks = { keys: [{ ...publicJwk, use: 'sig' }] };
  return {
    issuer: options.issuer,
    audience: options.audience,
    keys: createLocalJWKSet(jwks),
    jwks,
    issueToken: (claims, ttlSeconds = 3600) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? keyId })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
  };
}
