import { decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Principal } from '../../platform/core/principal.ts';
import { mapClaims } from './claim-mapping.ts';
import type { TrustedIssuer } from './identity-providers.ts';
import { isRevoked, type DenyList, type SessionClaims } from './revocation.ts';
import { TokenRejectedError } from './token-rejected.ts';

export { TokenRejectedError } from './token-rejected.ts';

export interface TokenVerifierOptions {
  /** Every trusted issuer of the stage; a token from any other is refused (and audited). */
  issuers: readonly TrustedIssuer[];
  /** An issuer's JWKS: remote (createRemoteJWKSet) on AWS, the embedded issuer's keys locally. */
  keysFor: (issuer: TrustedIssuer) => JWTVerifyGetKey;
  /** Logged-out sessions; put a cache in front (cachedDenyList), it is asked on every request. */
  denyList: Pick<DenyList, 'revokedAt'>;
}

/** Asymmetric algorithms only: 'none' and shared-secret HS* tokens are never accepted. */
export const acceptedAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Access tokens are a few KB at most; a larger one is refused before it is decoded. */
export const maxTokenBytes = 8 * 1024;

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Verified tokens kept per container, so a client's next requests skip the signature check. */
const maxCachedTokens = 10_000;
const maxCacheSeconds = 300;

/** An unverified claim shortened for the audit entry (it may be anything an attacker wrote). */
function shortened(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, 256) : undefined;
}

function unverifiedIssuer(token: string): string | undefined {
  try {
    return shortened(decodeJwt(token).iss);
  } catch {
    return undefined;
  }
}

function sessionClaims(issuer: string, payload: Record<string, unknown>): SessionClaims {
  const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : undefined;
  return {
    issuer,
    sub: payload.sub as string,
    ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
    issuedAt: authTime ?? (payload.iat as number),
  };
}

async function verifiedPayload(token: string, provider: TrustedIssuer, keys: JWTVerifyGetKey) {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: provider.issuer,
      audience: provider.audience,
      algorithms: acceptedAlgorithms,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 5,
    });
    return payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new TokenRejectedError('The access token has expired', 'expired');
    if (error instanceof errors.JWTClaimValidationFailed)
      throw new TokenRejectedError(`The access token's ${error.claim} claim is not accepted`, 'claim');
    throw new TokenRejectedError('The access token is not valid', 'invalid');
  }
}

/**
 * Verifies a bearer token against the issuer it names (which must be trusted), maps its claims
 * to our principal, and refuses it when its session was logged out since it was issued.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const byIssuer = new Map(options.issuers.map((issuer) => [issuer.issuer, issuer]));
  const keys = new Map(options.issuers.map((issuer) => [issuer.issuer, options.keysFor(issuer)]));
  const verified = new Map<string, { principal: Principal; session: SessionClaims; until: number }>();

  async function verifyAndMap(token: string) {
    const issuerName = unverifiedIssuer(token);
    const provider = issuerName === undefined ? undefined : byIssuer.get(issuerName);
    if (!provider) {
      const refused = new TokenRejectedError('The token was not issued by a trusted issuer', 'unlisted-issuer', {
        audited: issuerName !== undefined,
      });
      if (issuerName !== undefined) refused.issuer = issuerName;
      throw refused;
    }
    const payload = await verifiedPayload(token, provider, keys.get(provider.issuer)!);
    try {
      return { principal: mapClaims(provider, payload).principal, session: sessionClaims(provider.issuer, payload) };
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        error.issuer = provider.issuer;
        const subject = shortened(payload.sub);
        if (subject) error.subject = subject;
      }
      throw error;
    }
  }

  return async (token) => {
    if (Buffer.byteLength(token) > maxTokenBytes) throw new TokenRejectedError('The access token is too large', 'size');
    let entry = verified.get(token);
    if (entry && entry.until <= Date.now()) {
      verified.delete(token);
      entry = undefined;
    }
    if (!entry) {
      const { principal, session } = await verifyAndMap(token);
      const exp = (decodeJwt(token).exp as number) * 1000;
      // Never past the token's own expiry; revocation is checked below on every request, cached or not.
      entry = { principal, session, until: Math.min(exp, Date.now() + maxCacheSeconds * 1000) };
      if (verified.size >= maxCachedTokens) verified.delete(verified.keys().next().value as string);
      verified.set(token, entry);
    }
    if (await isRevoked(options.denyList, entry.session)) {
      throw new TokenRejectedError('The session of this token has been logged out', 'revoked');
    }
    return entry.principal;
  };
}
