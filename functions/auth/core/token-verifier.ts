import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Principal } from '../../platform/core/principal.ts';
import { principalClaims } from '../../platform/http/principal-context.ts';

/** Why a token was refused, in words safe to return to the client. */
export class TokenRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** The issuer's JWKS: remote (createRemoteJWKSet) on AWS, the embedded issuer's keys locally. */
  keys: JWTVerifyGetKey;
}

/** Asymmetric algorithms only: 'none' and shared-secret HS* tokens are never accepted. */
const acceptedAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Verified tokens kept per container, so a client's next requests skip the signature check. */
const maxCachedTokens = 10_000;
const maxCacheSeconds = 300;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const cached = verified.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    if (cached) verified.delete(token);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: acceptedAlgorithms,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenRejectedError('The access token has expired');
      if (error instanceof errors.JWTClaimValidationFailed)
        throw new TokenRejectedError(`The access token's ${error.claim} claim is not accepted`);
      throw new TokenRejectedError('The access token is not valid');
    }
    const claims = principalClaims.safeParse(payload);
    if (!claims.success) throw new TokenRejectedError('The access token does not carry valid vault claims');
    // Never past the token's own expiry; a revocation check (SSO logout) will sit before this cache.
    const until = Math.min((payload.exp as number) * 1000, Date.now() + maxCacheSeconds * 1000);
    if (verified.size >= maxCachedTokens) verified.delete(verified.keys().next().value as string);
    verified.set(token, { principal: claims.data, until });
    return claims.data;
  };
}
