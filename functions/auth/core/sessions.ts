import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../platform/core/principal.ts';
import { cookieFrom, sessionCookieName } from './cookies.ts';
import { isRevoked, type DenyList } from './revocation.ts';

/**
 * A browser session: created at the callback of a login, ended by logout, by a logout of its
 * provider session (deny list) or at its absolute expiry. The table holds it under the hash of
 * its id; the raw id is only in the browser's cookie.
 */
export interface BrowserSession {
  /** SHA-256 of the session id (base64url). */
  idHash: string;
  principal: Principal;
  displayName?: string;
  /** The provider's id (`local-sso`, `dvcqg`) and issuer. */
  providerId: string;
  issuer: string;
  sub: string;
  sid?: string;
  /** When the person authenticated at the provider (s): a logout of that provider session after it ends this one. */
  authTime: number;
  /** The ID token, sent back as `id_token_hint` at logout. */
  idToken: string;
  csrfToken: string;
  /** ms since the epoch. */
  createdAt: number;
  expiresAt: number;
}

/** A login between `/auth/login` and `/auth/callback`, keyed by its `state`. */
export interface LoginAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  providerId: string;
  returnTo: string;
  /** SHA-256 of the binding cookie's value. */
  bindingHash: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface SessionStore {
  get(idHash: string): Promise<BrowserSession | undefined>;
  put(session: BrowserSession): Promise<void>;
  delete(idHash: string): Promise<void>;
}

export interface LoginAttemptStore {
  put(attempt: LoginAttempt): Promise<void>;
  /** Removes and returns the attempt: a state is used once, however many callbacks race. */
  take(state: string): Promise<LoginAttempt | undefined>;
}

/** 256 random bits, base64url: session ids, CSRF tokens, binding values. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Constant-time comparison of two secrets (a CSRF token, a binding hash). */
export function sameSecret(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SessionCacheOptions {
  /** How long a read session (or its absence) is trusted: the bound on how late a logout elsewhere is seen. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/** 4 s, as the deny list; 10,000 sessions of ≈ 3 KB (mostly the ID token) ≈ 30 MB at most. */
export const defaultSessionCache: SessionCacheOptions = { ttlMs: 4_000, maxEntries: 10_000 };

/**
 * Sessions behind a bounded per-container cache, so the authorizer does not read the table on
 * every request; a session deleted through this same cache (logout here) is gone at once.
 */
export function cachedSessions(store: SessionStore, options: SessionCacheOptions = defaultSessionCache): SessionStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { session: BrowserSession | undefined; until: number }>();
  const remember = (idHash: string, session: BrowserSession | undefined) => {
    entries.delete(idHash);
    if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(idHash, { session, until: now() + options.ttlMs });
  };
  return {
    async get(idHash) {
      const cached = entries.get(idHash);
      if (cached && cached.until > now()) return cached.session;
      const session = await store.get(idHash);
      remember(idHash, session);
      return session;
    },
    async put(session) {
      await store.put(session);
      remember(session.idHash, session);
    },
    async delete(idHash) {
      await store.delete(idHash);
      remember(idHash, undefined);
    },
  };
}

export const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type SessionCheck =
  | { kind: 'none' }
  | { kind: 'authenticated'; session: BrowserSession }
  | { kind: 'refused'; reason: 'unknown-session' | 'expired' | 'revoked'; message: string }
  | { kind: 'csrf'; session: BrowserSession; message: string };

export interface SessionAuthDeps {
  sessions: Pick<SessionStore, 'get'>;
  denyList: Pick<DenyList, 'revokedAt'>;
  now: () => number;
}

/**
 * The session a request's cookie names, checked: it exists, has not expired, its provider
 * session was not logged out since, and an unsafe method carries its CSRF token in
 * `X-CSRF-Token` (the cookie alone rides along with any cross-site form post).
 */
export async function checkSessionCookie(
  deps: SessionAuthDeps,
  request: { cookies: readonly string[]; method: string; csrfHeader?: string },
): Promise<SessionCheck> {
  const hasCookie = request.cookies.some((header) => header.includes(`${sessionCookieName}=`));
  if (!hasCookie) return { kind: 'none' };
  const id = cookieFrom(request.cookies, sessionCookieName);
  const session = id === undefined ? undefined : await deps.sessions.get(tokenHash(id));
  if (!session) return { kind: 'refused', reason: 'unknown-session', message: 'The session is unknown or has ended' };
  if (session.expiresAt <= deps.now()) {
    return { kind: 'refused', reason: 'expired', message: 'The session has expired; sign in again' };
  }
  const revoked = await isRevoked(deps.denyList, {
    issuer: session.issuer,
    sub: session.sub,
    ...(session.sid ? { sid: session.sid } : {}),
    issuedAt: session.authTime,
  });
  if (revoked) return { kind: 'refused', reason: 'revoked', message: 'The session has been logged out' };
  if (unsafeMethods.has(request.method.toUpperCase()) && !sameSecret(session.csrfToken, request.csrfHeader)) {
    return { kind: 'csrf', session, message: 'Send the session’s CSRF token in the X-CSRF-Token header' };
  }
  return { kind: 'authenticated', session };
}
