import type { Clock } from '../../platform/core/runtime.ts';
import { auditAuthEvent, type AuthAuditDeps, type RequestSource } from './auth-audit.ts';
import { mapClaims } from './claim-mapping.ts';
import { clearCookie, cookieFrom, loginBindingCookieName, sessionCookieName, setCookie } from './cookies.ts';
import type { BrowserLoginSettings, TrustedIssuer } from './identity-providers.ts';
import { revokeProviderSession } from './logout.ts';
import { ProviderAnswerRefusedError, type RelyingParty } from './relying-party.ts';
import type { DenyList } from './revocation.ts';
import { checkedReturnTo, ReturnToRefusedError, type ReturnToPolicy } from './return-to.ts';
import {
  checkSessionCookie,
  randomToken,
  sameSecret,
  tokenHash,
  type BrowserSession,
  type LoginAttemptStore,
  type SessionStore,
} from './sessions.ts';
import { TokenRejectedError } from './token-rejected.ts';

/** A login attempt must come back within 10 minutes. */
export const loginAttemptSeconds = 600;

export interface BrowserLoginDeps extends AuthAuditDeps {
  issuers: readonly TrustedIssuer[];
  settings: BrowserLoginSettings;
  relyingParty: RelyingParty;
  attempts: LoginAttemptStore;
  sessions: SessionStore;
  denyList: DenyList;
  clock: Clock;
}

/**
 * A refused login or logout request: `status` 400 (a bad request), 401 (no live session), or 403
 * (an identity we may not admit, or a missing CSRF token: reason `csrf`).
 */
export class BrowserLoginError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'BrowserLoginError';
  }
}

/** Where the browser goes next, with the cookies to set or clear on the way. */
export interface BrowserRedirect {
  location: string;
  cookies: string[];
}

function redirectUri(settings: Pick<ReturnToPolicy, 'publicBaseUrl'>): string {
  return `${settings.publicBaseUrl}/auth/callback`;
}

function loggedOutUri(settings: Pick<ReturnToPolicy, 'publicBaseUrl'>): string {
  return `${settings.publicBaseUrl}/auth/logged-out`;
}

/** Providers people may sign in with here. */
export function browserLoginProviders(issuers: readonly TrustedIssuer[]): TrustedIssuer[] {
  return issuers.filter((issuer) => issuer.browserLogin !== undefined);
}

async function refuse(
  deps: AuthAuditDeps,
  source: RequestSource,
  action: 'auth.login-refused' | 'auth.logout-refused',
  error: BrowserLoginError,
  detail: Record<string, string> = {},
): Promise<never> {
  await auditAuthEvent(deps, source, {
    action,
    outcome: 'denied',
    resourceId: detail.sub ?? detail.provider ?? 'unknown',
    detail: { channel: 'browser', reason: error.reason, message: error.message, ...detail },
  });
  throw error;
}

/**
 * `GET /auth/login`: an authorization-code request with PKCE (S256), state and nonce. The attempt
 * is kept server-side and bound to this browser by a short-lived cookie.
 */
export async function startLogin(
  deps: BrowserLoginDeps,
  source: RequestSource,
  request: { provider: string; returnTo: string },
): Promise<BrowserRedirect> {
  const provider = browserLoginProviders(deps.issuers).find((candidate) => candidate.id === request.provider);
  if (!provider?.browserLogin) {
    return refuse(
      deps,
      source,
      'auth.login-refused',
      new BrowserLoginError('No identity provider of that name offers browser login here', 400, 'unknown-provider'),
      { provider: request.provider.slice(0, 64) },
    );
  }
  let returnTo: string;
  try {
    returnTo = checkedReturnTo(request.returnTo, deps.settings);
  } catch (error) {
    if (!(error instanceof ReturnToRefusedError)) throw error;
    return refuse(deps, source, 'auth.login-refused', new BrowserLoginError(error.message, 400, 'return-to'), {
      provider: provider.id,
      returnTo: request.returnTo.slice(0, 256),
    });
  }
  const { url, secrets } = await deps.relyingParty.authorizationRequest(provider, {
    redirectUri: redirectUri(deps.settings),
    scope: ['openid', ...provider.browserLogin.scopes.filter((scope) => scope !== 'openid')].join(' '),
    params: provider.browserLogin.authorizationParams,
  });
  const binding = randomToken();
  await deps.attempts.put({
    ...secrets,
    providerId: provider.id,
    returnTo,
    bindingHash: tokenHash(binding),
    expiresAt: deps.clock.now().getTime() + loginAttemptSeconds * 1000,
  });
  return {
    location: url,
    cookies: [setCookie(loginBindingCookieName, binding, loginAttemptSeconds)],
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 256) : undefined;
}

function bindingHashOf(cookies: readonly string[]): string | undefined {
  const binding = cookieFrom(cookies, loginBindingCookieName);
  return binding === undefined ? undefined : tokenHash(binding);
}

function exchangeRefused(error: unknown): BrowserLoginError {
  if (!(error instanceof ProviderAnswerRefusedError)) throw error;
  return new BrowserLoginError(
    error.message,
    400,
    error.providerError === undefined ? 'exchange-failed' : 'provider-error',
  );
}

/**
 * `GET /auth/callback`: the attempt named by `state` (used once, and only from the browser
 * that started it), the code exchanged by the relying party (state, nonce, PKCE and ID token
 * checked), the claims mapped by the provider's mapping, and a new session.
 */
export async function completeLogin(
  deps: BrowserLoginDeps,
  source: RequestSource,
  request: { query: Record<string, string>; cookies: readonly string[] },
): Promise<BrowserRedirect> {
  const state = request.query.state;
  const attempt = state ? await deps.attempts.take(state) : undefined;
  const now = deps.clock.now().getTime();
  if (!attempt || attempt.expiresAt <= now) {
    return refuse(
      deps,
      source,
      'auth.login-refused',
      new BrowserLoginError('This login is unknown, already used or expired; sign in again', 400, 'unknown-state'),
    );
  }
  const provider = browserLoginProviders(deps.issuers).find((candidate) => candidate.id === attempt.providerId);
  const refuseFor = (error: BrowserLoginError, detail: Record<string, string> = {}) =>
    refuse(deps, source, 'auth.login-refused', error, { provider: attempt.providerId, ...detail });
  if (!provider?.browserLogin) {
    return refuseFor(new BrowserLoginError('The identity provider is no longer configured', 400, 'unknown-provider'));
  }
  if (!sameSecret(attempt.bindingHash, bindingHashOf(request.cookies))) {
    return refuseFor(
      new BrowserLoginError('This login was started in another browser; sign in again', 400, 'browser-mismatch'),
    );
  }
  const callbackUrl = new URL(redirectUri(deps.settings));
  for (const [name, value] of Object.entries(request.query)) callbackUrl.searchParams.set(name, value);
  let idToken: string;
  let claims: Record<string, unknown>;
  try {
    const login = await deps.relyingParty.exchangeCode(provider, callbackUrl, attempt);
    idToken = login.idToken;
    claims =
      provider.browserLogin.claimsFrom === 'userinfo'
        ? {
            ...(await deps.relyingParty.userInfo(provider, login.accessToken, login.idTokenClaims.sub)),
            ...login.idTokenClaims,
          }
        : { ...login.idTokenClaims };
  } catch (error) {
    return refuseFor(exchangeRefused(error));
  }
  let mapped: ReturnType<typeof mapClaims>;
  try {
    mapped = mapClaims(provider, claims);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    return refuseFor(new BrowserLoginError(error.message, 403, error.reason), { sub: text(claims.sub) ?? 'unknown' });
  }
  const sessionId = randomToken();
  const sid = text(claims.sid);
  const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : (claims.iat as number);
  const session: BrowserSession = {
    idHash: tokenHash(sessionId),
    principal: mapped.principal,
    ...(mapped.displayName ? { displayName: mapped.displayName } : {}),
    providerId: provider.id,
    issuer: provider.issuer,
    sub: mapped.principal.sub,
    ...(sid ? { sid } : {}),
    authTime,
    idToken,
    csrfToken: randomToken(),
    createdAt: now,
    expiresAt: now + deps.settings.sessionLifetimeSeconds * 1000,
  };
  await deps.sessions.put(session);
  await auditAuthEvent(deps, source, {
    action: 'auth.login',
    outcome: 'success',
    resourceId: session.sub,
    detail: { channel: 'browser', provider: provider.id, role: session.principal.role },
  });
  return {
    location: attempt.returnTo,
    cookies: [
      setCookie(sessionCookieName, sessionId, deps.settings.sessionLifetimeSeconds),
      clearCookie(loginBindingCookieName),
    ],
  };
}

/** The session a request's cookie names, unchecked (the authorizer checked it for this request). */
export async function sessionOfCookies(
  deps: Pick<BrowserLoginDeps, 'sessions'>,
  cookies: readonly string[],
): Promise<BrowserSession | undefined> {
  const id = cookieFrom(cookies, sessionCookieName);
  return id === undefined ? undefined : deps.sessions.get(tokenHash(id));
}

/**
 * `POST /auth/logout`: a live session and its CSRF token (header or form field), then the session
 * is deleted, its provider session put on the deny list (so that session's bearer tokens are
 * refused too), the cookie cleared, and the browser sent to the provider's end-session endpoint.
 */
export async function logout(
  deps: BrowserLoginDeps,
  source: RequestSource,
  request: { cookies: readonly string[]; csrfToken?: string },
): Promise<BrowserRedirect> {
  const check = await checkSessionCookie(
    { sessions: deps.sessions, denyList: deps.denyList, now: () => deps.clock.now().getTime() },
    { cookies: request.cookies, method: 'POST', ...(request.csrfToken ? { csrfHeader: request.csrfToken } : {}) },
  );
  if (check.kind === 'csrf') {
    // The same entry the authorizer writes for any other unsafe request without the token.
    await auditAuthEvent(deps, source, {
      action: 'auth.session-refused',
      outcome: 'denied',
      resourceId: check.session.sub,
      detail: { reason: 'csrf', method: 'POST' },
    });
    throw new BrowserLoginError(check.message, 403, 'csrf');
  }
  if (check.kind !== 'authenticated') {
    return refuse(
      deps,
      source,
      'auth.logout-refused',
      new BrowserLoginError('POST /auth/logout needs a live browser session', 401, 'no-session'),
    );
  }
  const { session } = check;
  await deps.sessions.delete(session.idHash);
  const key = session.sid
    ? { issuer: session.issuer, kind: 'sid' as const, value: session.sid }
    : { issuer: session.issuer, kind: 'sub' as const, value: session.sub };
  await revokeProviderSession(deps, key);
  await auditAuthEvent(deps, source, {
    action: 'auth.logout',
    outcome: 'success',
    resourceId: key.value,
    detail: { channel: 'rp-initiated', issuer: key.issuer, keyKind: key.kind, provider: session.providerId },
  });
  const provider = deps.issuers.find((candidate) => candidate.issuer === session.issuer);
  const cookiesToSet = [clearCookie(sessionCookieName)];
  const endSession = provider
    ? await deps.relyingParty.endSessionUrl(provider, {
        idTokenHint: session.idToken,
        postLogoutRedirectUri: provider.browserLogin?.postLogoutRedirectUri ?? loggedOutUri(deps.settings),
      })
    : undefined;
  return { location: endSession ?? loggedOutUri(deps.settings), cookies: cookiesToSet };
}
