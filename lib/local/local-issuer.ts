import { randomUUID } from 'node:crypto';
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
  /** An access token with these claims (a person's: role, ownerId, unit; a system's: client_id, scope, unit). */
  issueToken(claims: { sub: string } & Record<string, unknown>, ttlSeconds?: number): Promise<string>;
  /**
   * A back-channel logout token (OpenID Connect Back-Channel Logout 1.0) for our client id;
   * `claims` and `header` override or add to what the specification requires, for tests.
   */
  issueLogoutToken(
    session: { sub?: string; sid?: string },
    options?: { claims?: Record<string, unknown>; header?: Record<string, unknown> },
  ): Promise<string>;
}

/** The client id the vault has at the embedded issuer: the `aud` of its logout tokens. */
export const localClientId = 'khoso-local';

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
    issueLogoutToken: (session, overrides = {}) => {
      const now = Math.floor(Date.now() / 1000);
      // Claims set in the payload (not with SignJWT's setters) so that a test's overrides win;
      // a claim overridden with undefined is left out.
      return new SignJWT({
        iss: options.issuer,
        aud: localClientId,
        iat: now,
        exp: now + 120,
        jti: randomUUID(),
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        ...session,
        ...overrides.claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? keyId, typ: 'logout+jwt', ...overrides.header })
        .sign(privateKey);
    },
  };
}
