import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../platform/core/runtime.ts';
import { auditAuthEvent, type AuthAuditDeps, type RequestSource } from './auth-audit.ts';
import { longestTokenLifetimeSeconds, type TrustedIssuer } from './identity-providers.ts';
import type { DenyList, ReplayGuard, RevocationKey } from './revocation.ts';
import { acceptedAlgorithms, maxTokenBytes } from './token-verifier.ts';

/** The event a back-channel logout token must declare (OpenID Connect Back-Channel Logout 1.0, 2.4). */
export const backChannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** A refused logout request; the description is returned as the spec's `error_description`. */
export class LogoutRequestError extends Error {
  constructor(
    message: string,
    /** The issuer the token claims, when it is a trusted one (for the audit entry). */
    readonly issuer?: string,
  ) {
    super(message);
    this.name = 'LogoutRequestError';
  }
}

export interface LogoutDeps extends AuthAuditDeps {
  issuers: readonly TrustedIssuer[];
  keysFor: (issuer: TrustedIssuer) => JWTVerifyGetKey;
  denyList: Pick<DenyList, 'revoke'>;
  replays: ReplayGuard;
  clock: Clock;
}

export interface LogoutClaims {
  issuer: TrustedIssuer;
  sub?: string;
  sid?: string;
  jti: string;
  exp: number;
}

const acceptedTypes = new Set(['jwt', 'logout+jwt']);

function optionalText(value: unknown, claim: string, issuer: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256) {
    throw new LogoutRequestError(`The ${claim} claim must be a non-empty string`, issuer);
  }
  return value;
}

/** Validates a logout token as Back-Channel Logout 1.0 section 2.6 says, signed JWS only (no JWE). */
export async function validateLogoutToken(
  deps: Pick<LogoutDeps, 'issuers' | 'keysFor'>,
  token: string,
): Promise<LogoutClaims> {
  if (Buffer.byteLength(token) > maxTokenBytes) throw new LogoutRequestError('The logout token is too large');
  let issuerName: unknown;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
    issuerName = decodeJwt(token).iss;
  } catch {
    throw new LogoutRequestError('The logout token is not a signed JWT');
  }
  const issuer = deps.issuers.find((candidate) => candidate.issuer === issuerName);
  if (!issuer) throw new LogoutRequestError('The logout token was not issued by a trusted issuer');
  if (header.typ !== undefined && !acceptedTypes.has(header.typ.toLowerCase())) {
    throw new LogoutRequestError('The logout token has a typ other than JWT or logout+jwt', issuer.issuer);
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, deps.keysFor(issuer), {
      issuer: issuer.issuer,
      audience: issuer.clientId,
      algorithms: acceptedAlgorithms,
      requiredClaims: ['iat', 'exp', 'jti', 'events'],
      clockTolerance: 5,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new LogoutRequestError('The logout token has expired', issuer.issuer);
    if (error instanceof errors.JWTClaimValidationFailed) {
      throw new LogoutRequestError(`The logout token's ${error.claim} claim is missing or not accepted`, issuer.issuer);
    }
    throw new LogoutRequestError('The logout token signature or algorithm is not accepted', issuer.issuer);
  }
  const events = payload.events;
  const event =
    events && typeof events === 'object' ? (events as Record<string, unknown>)[backChannelLogoutEvent] : undefined;
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new LogoutRequestError(`The events claim must hold ${backChannelLogoutEvent} as an object`, issuer.issuer);
  }
  if ('nonce' in payload) throw new LogoutRequestError('A logout token must not carry a nonce', issuer.issuer);
  const sub = optionalText(payload.sub, 'sub', issuer.issuer);
  const sid = optionalText(payload.sid, 'sid', issuer.issuer);
  if (!sub && !sid) throw new LogoutRequestError('The logout token names neither sub nor sid', issuer.issuer);
  const jti = optionalText(payload.jti, 'jti', issuer.issuer) as string;
  return { issuer, ...(sub ? { sub } : {}), ...(sid ? { sid } : {}), jti, exp: payload.exp as number };
}

/** A session (`sid`) when the logout names one, else every session of the subject. */
function keyOf(issuer: string, claims: { sub?: string; sid?: string }): RevocationKey {
  return claims.sid ? { issuer, kind: 'sid', value: claims.sid } : { issuer, kind: 'sub', value: claims.sub as string };
}

/** Puts a provider session (or subject) on the deny list for as long as any of its tokens could live. */
export async function revokeProviderSession(
  deps: Pick<LogoutDeps, 'issuers' | 'denyList' | 'clock'>,
  key: RevocationKey,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const lifetime = longestTokenLifetimeSeconds(deps.issuers);
  await deps.denyList.revoke({ ...key, revokedAt: now, expiresAtEpoch: Math.ceil(now / 1000) + lifetime });
}

async function refused(deps: LogoutDeps, source: RequestSource, error: unknown, channel: string): Promise<never> {
  if (error instanceof LogoutRequestError) {
    await auditAuthEvent(deps, source, {
      action: 'auth.logout-refused',
      outcome: 'denied',
      resourceId: error.issuer ?? 'unknown-issuer',
      detail: { channel, reason: error.message, ...(error.issuer ? { issuer: error.issuer } : {}) },
    });
  }
  throw error;
}

/** Back-channel logout: a validated, never-seen logout token ends the session (or subject) it names. */
export async function backChannelLogout(deps: LogoutDeps, source: RequestSource, token: string): Promise<void> {
  try {
    const claims = await validateLogoutToken(deps, token);
    // Remembered until the token could no longer be accepted anyway (its exp plus the clock tolerance).
    if (!(await deps.replays.claimOnce(claims.issuer.issuer, claims.jti, claims.exp + 5))) {
      throw new LogoutRequestError('This logout token (jti) was already used', claims.issuer.issuer);
    }
    const key = keyOf(claims.issuer.issuer, claims);
    await revokeProviderSession(deps, key);
    await auditAuthEvent(deps, source, {
      action: 'auth.logout',
      outcome: 'success',
      resourceId: key.value,
      detail: { channel: 'back-channel', issuer: key.issuer, keyKind: key.kind },
    });
  } catch (error) {
    return refused(deps, source, error, 'back-channel');
  }
}

/**
 * Front-channel logout: the provider's page loads ours with its `iss` and the session's `sid`.
 * Nothing is signed (the spec's design), so it can only end the one session it names.
 */
export async function frontChannelLogout(
  deps: LogoutDeps,
  source: RequestSource,
  request: { iss: string; sid: string },
): Promise<void> {
  try {
    const issuer = deps.issuers.find((candidate) => candidate.issuer === request.iss);
    if (!issuer) throw new LogoutRequestError('iss is not a trusted issuer');
    const key = keyOf(issuer.issuer, { sid: request.sid });
    await revokeProviderSession(deps, key);
    await auditAuthEvent(deps, source, {
      action: 'auth.logout',
      outcome: 'success',
      resourceId: key.value,
      detail: { channel: 'front-channel', issuer: key.issuer, keyKind: key.kind },
    });
  } catch (error) {
    return refused(deps, source, error, 'front-channel');
  }
}
