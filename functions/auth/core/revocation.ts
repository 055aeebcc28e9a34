/**
 * Single logout reaching bearer tokens. A logout (back-channel, front-channel, and later
 * RP-initiated) writes a deny-list entry for the provider's session (`iss` + `sid`) or, when
 * the logout names no session, for the subject (`iss` + `sub`); a token is refused when it was
 * issued (or its user authenticated) no later than that logout, so a new login is not blocked.
 */
export interface RevocationKey {
  issuer: string;
  kind: 'sid' | 'sub';
  value: string;
}

export interface Revocation extends RevocationKey {
  /** When the logout happened (ms since the epoch). */
  revokedAt: number;
  /** When the entry may be forgotten (s since the epoch): after the longest token lifetime. */
  expiresAtEpoch: number;
}

/** The deny list as stored (one table item per key). */
export interface DenyList {
  /** The latest logout time for the key (ms), or undefined when it was never logged out. */
  revokedAt(key: RevocationKey): Promise<number | undefined>;
  revoke(revocation: Revocation): Promise<void>;
}

/** Logout tokens seen, so a replayed `jti` is refused. */
export interface ReplayGuard {
  /** False when this issuer's `jti` was already used. */
  claimOnce(issuer: string, jti: string, expiresAtEpoch: number): Promise<boolean>;
}

/** The token facts a revocation check needs. */
export interface SessionClaims {
  issuer: string;
  sub: string;
  sid?: string;
  /** `auth_time` when present (a refreshed token keeps it), else `iat`, in seconds. */
  issuedAt: number;
}

export function revocationKeys(claims: SessionClaims): RevocationKey[] {
  return [
    ...(claims.sid ? [{ issuer: claims.issuer, kind: 'sid' as const, value: claims.sid }] : []),
    { issuer: claims.issuer, kind: 'sub', value: claims.sub },
  ];
}

/**
 * True when a logout of the token's session or subject came after the token was issued.
 * Token times are whole seconds, so a token from the logout's own second counts as before it.
 */
export async function isRevoked(denyList: Pick<DenyList, 'revokedAt'>, claims: SessionClaims): Promise<boolean> {
  const times = await Promise.all(revocationKeys(claims).map((key) => denyList.revokedAt(key)));
  return times.some((revokedAt) => revokedAt !== undefined && claims.issuedAt <= Math.floor(revokedAt / 1000));
}

export interface DenyListCacheOptions {
  /** How long an answer (revoked or not) is trusted: the bound on how late a revocation is seen. */
  ttlMs: number;
  /** Keys held at most; the oldest is dropped first. */
  maxEntries: number;
  now?: () => number;
}

/** 4 s: a logout written by another container is seen within 5 s; 10,000 keys ≈ 2 MB at most. */
export const defaultDenyListCache: DenyListCacheOptions = { ttlMs: 4_000, maxEntries: 10_000 };

function cacheKey(key: RevocationKey): string {
  return `${key.issuer}\n${key.kind}\n${key.value}`;
}

/**
 * The deny list behind a bounded per-container cache, so the authorizer does not read the
 * table on every request. Negative answers are cached too (most keys were never logged out);
 * a revocation written through this same cache is seen at once.
 */
export function cachedDenyList(store: DenyList, options: DenyListCacheOptions = defaultDenyListCache): DenyList {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { revokedAt: number | undefined; until: number }>();
  const remember = (key: string, revokedAt: number | undefined) => {
    entries.delete(key);
    if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, { revokedAt, until: now() + options.ttlMs });
  };
  return {
    async revokedAt(key) {
      const id = cacheKey(key);
      const cached = entries.get(id);
      if (cached && cached.until > now()) return cached.revokedAt;
      const revokedAt = await store.revokedAt(key);
      remember(id, revokedAt);
      return revokedAt;
    },
    async revoke(revocation) {
      await store.revoke(revocation);
      remember(cacheKey(revocation), revocation.revokedAt);
    },
  };
}
