import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  clearCookie,
  cookieFrom,
  loginBindingCookieName,
  sessionCookieName,
  setCookie,
} from '../../../functions/auth/core/cookies.ts';
import { browserLoginSettingsSchema, identityProviderSchema } from '../../../functions/auth/core/identity-providers.ts';
import { checkedReturnTo, ReturnToRefusedError } from '../../../functions/auth/core/return-to.ts';
import type { DenyList, RevocationKey } from '../../../functions/auth/core/revocation.ts';
import {
  cachedSessions,
  checkSessionCookie,
  randomToken,
  sameSecret,
  tokenHash,
  type BrowserSession,
  type SessionStore,
} from '../../../functions/auth/core/sessions.ts';
import { createAuthorizer } from '../../../functions/auth/handlers/authorizer.ts';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import { principalFromAuthorizer } from '../../../functions/platform/http/principal-context.ts';
import { HttpProblem } from '../../../functions/platform/http/problem.ts';
import { randomIds, systemClock } from '../../../functions/platform/core/runtime.ts';
import { dvcqg } from './fixtures.ts';

const policy = {
  publicBaseUrl: 'https://api.khoso.example',
  allowedReturnToOrigins: ['https://console.khoso.example'],
};

describe('returnTo allow list', () => {
  test('paths on this site and URLs on allowed origins pass', () => {
    for (const target of ['/console/folders', '/auth/session', '/console/x?tab=2#top', '/']) {
      assert.equal(checkedReturnTo(target, policy), target);
    }
    assert.equal(checkedReturnTo('https://console.khoso.example/home', policy), 'https://console.khoso.example/home');
    assert.equal(
      checkedReturnTo('https://api.khoso.example/auth/session', policy),
      'https://api.khoso.example/auth/session',
    );
  });

  test('hostile forms are refused', () => {
    const hostile = [
      'https://evil.example/',
      'http://console.khoso.example/', // another scheme is another origin
      'https://console.khoso.example.evil.example/',
      'https://console.khoso.example@evil.example/',
      'https://user:pw@console.khoso.example/',
      '//evil.example/path',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      ' /console',
      '/console\n/evil',
      '/\t/evil.example',
      '/console\u0000',
      'evil.example',
      'https:evil.example',
      '',
      `/${'a'.repeat(1100)}`,
    ];
    for (const target of hostile) {
      assert.throws(() => checkedReturnTo(target, policy), ReturnToRefusedError, JSON.stringify(target));
    }
  });
});

describe('cookies', () => {
  const id = randomToken();

  test('set with __Host- prefix, HttpOnly, Secure, SameSite=Lax, Path=/ and no Domain', () => {
    const cookie = setCookie(sessionCookieName, id, 28_800);
    assert.match(cookie, /^__Host-khoso-session=[A-Za-z0-9_-]{43}; /);
    for (const attribute of ['Path=/', 'Max-Age=28800', 'HttpOnly', 'Secure', 'SameSite=Lax']) {
      assert.ok(cookie.split('; ').includes(attribute), attribute);
    }
    assert.doesNotMatch(cookie, /Domain=/i);
    assert.match(clearCookie(loginBindingCookieName), /^__Host-khoso-login=; Path=\/; Max-Age=0; HttpOnly; Secure/);
  });

  test('read from one header or API Gateway’s cookies array; a repeated or malformed value is not ours', () => {
    assert.equal(cookieFrom([`a=1; ${sessionCookieName}=${id}; b=2`], sessionCookieName), id);
    assert.equal(cookieFrom(['a=1', `${sessionCookieName}=${id}`], sessionCookieName), id);
    assert.equal(
      cookieFrom([`${sessionCookieName}=${id}`, `${sessionCookieName}=${randomToken()}`], sessionCookieName),
      undefined,
    );
    assert.equal(cookieFrom([`${sessionCookieName}=short`], sessionCookieName), undefined);
    assert.equal(cookieFrom([`${sessionCookieName}=${id}"; x`], sessionCookieName), undefined);
    assert.equal(cookieFrom([`x${sessionCookieName}=${id}`], sessionCookieName), undefined);
    assert.equal(cookieFrom([], sessionCookieName), undefined);
  });
});

describe('CSRF token comparison', () => {
  test('equal secrets only; absent, shorter, longer or different ones fail', () => {
    const token = randomToken();
    assert.equal(sameSecret(token, token), true);
    assert.equal(sameSecret(token, undefined), false);
    assert.equal(sameSecret(token, ''), false);
    assert.equal(sameSecret(token, token.slice(1)), false);
    assert.equal(sameSecret(token, `${token}x`), false);
    assert.equal(sameSecret(token, randomToken()), false);
  });
});

function memorySessions(): SessionStore & { reads: number } {
  const items = new Map<string, BrowserSession>();
  const store = {
    reads: 0,
    async get(idHash: string) {
      store.reads += 1;
      return items.get(idHash);
    },
    async put(session: BrowserSession) {
      items.set(session.idHash, session);
    },
    async delete(idHash: string) {
      items.delete(idHash);
    },
  };
  return store;
}

function memoryDenyList(): DenyList {
  const entries = new Map<string, number>();
  const id = (key: RevocationKey) => `${key.issuer} ${key.kind} ${key.value}`;
  return {
    async revokedAt(key) {
      return entries.get(id(key));
    },
    async revoke(revocation) {
      entries.set(id(revocation), revocation.revokedAt);
    },
  };
}

const now = Date.parse('2026-12-03T09:00:00Z');

function sessionFor(id: string, overrides: Partial<BrowserSession> = {}): BrowserSession {
  return {
    idHash: tokenHash(id),
    principal: { sub: 'dvcqg-7f3a', role: 'citizen', ownerId: '079203001234' },
    displayName: 'Nguyễn Văn An',
    providerId: dvcqg.id,
    issuer: dvcqg.issuer,
    sub: 'dvcqg-7f3a',
    sid: 'op-session-1',
    authTime: Math.floor(now / 1000) - 60,
    idToken: 'header.payload.signature',
    csrfToken: randomToken(),
    createdAt: now - 60_000,
    expiresAt: now + 3_600_000,
    ...overrides,
  };
}

describe('session cookie check', () => {
  test('a live session authenticates safe methods; unsafe ones need the CSRF token', async () => {
    const sessions = memorySessions();
    const id = randomToken();
    const session = sessionFor(id);
    await sessions.put(session);
    const deps = { sessions, denyList: memoryDenyList(), now: () => now };
    const cookies = [`${sessionCookieName}=${id}`];
    assert.equal((await checkSessionCookie(deps, { cookies, method: 'GET' })).kind, 'authenticated');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      assert.equal((await checkSessionCookie(deps, { cookies, method })).kind, 'csrf', method);
      assert.equal((await checkSessionCookie(deps, { cookies, method, csrfHeader: randomToken() })).kind, 'csrf');
      const ok = await checkSessionCookie(deps, { cookies, method, csrfHeader: session.csrfToken });
      assert.equal(ok.kind, 'authenticated', method);
    }
  });

  test('no cookie, a made-up id, an expired session and a logged-out provider session', async () => {
    const sessions = memorySessions();
    const denyList = memoryDenyList();
    const live = randomToken();
    const expired = randomToken();
    await sessions.put(sessionFor(live));
    await sessions.put(sessionFor(expired, { expiresAt: now }));
    const deps = { sessions, denyList, now: () => now };
    const check = (id: string) => checkSessionCookie(deps, { cookies: [`${sessionCookieName}=${id}`], method: 'GET' });
    assert.deepEqual(await checkSessionCookie(deps, { cookies: ['other=1'], method: 'GET' }), { kind: 'none' });
    assert.equal(((await check(randomToken())) as { reason: string }).reason, 'unknown-session');
    assert.equal(((await check('not-a-token')) as { reason: string }).reason, 'unknown-session');
    assert.equal(((await check(expired)) as { reason: string }).reason, 'expired');
    assert.equal((await check(live)).kind, 'authenticated');
    // A back-channel logout of the provider session ends this one too.
    await denyList.revoke({
      issuer: dvcqg.issuer,
      kind: 'sid',
      value: 'op-session-1',
      revokedAt: now,
      expiresAtEpoch: 0,
    });
    assert.equal(((await check(live)) as { reason: string }).reason, 'revoked');
  });

  test('the cache bounds table reads; a delete through it is seen at once, elsewhere within its TTL', async () => {
    const store = memorySessions();
    let clock = now;
    const options = { ttlMs: 4_000, maxEntries: 2, now: () => clock };
    const here = cachedSessions(store, options);
    const elsewhere = cachedSessions(store, options);
    const id = randomToken();
    await here.put(sessionFor(id));
    assert.ok(await elsewhere.get(tokenHash(id)));
    assert.ok(await elsewhere.get(tokenHash(id)));
    assert.equal(store.reads, 1);
    await here.delete(tokenHash(id));
    assert.equal(await here.get(tokenHash(id)), undefined);
    assert.ok(await elsewhere.get(tokenHash(id)), 'still cached in the other container');
    clock += 4_000;
    assert.equal(await elsewhere.get(tokenHash(id)), undefined);
    // Bounded: the oldest entry goes first.
    for (const other of [randomToken(), randomToken(), randomToken()]) await elsewhere.get(tokenHash(other));
    const reads = store.reads;
    await elsewhere.get(tokenHash(id));
    assert.equal(store.reads, reads + 1);
  });
});

describe('authorizer with the session cookie', () => {
  async function setup() {
    const sessions = memorySessions();
    const id = randomToken();
    const session = sessionFor(id, { expiresAt: Date.now() + 3_600_000, authTime: Math.floor(Date.now() / 1000) });
    await sessions.put(session);
    const audit: AuditEntry[] = [];
    const authorize = createAuthorizer(
      async () => {
        throw new Error('no bearer token in these requests');
      },
      {
        audit: { appendAudit: async (entry) => void audit.push(entry), clock: systemClock, ids: randomIds },
        sessions: { sessions, denyList: memoryDenyList(), now: Date.now },
      },
    );
    return { authorize, id, session, audit };
  }
  const event = (method: string, headers: Record<string, string>, cookies?: string[]) => ({
    headers,
    ...(cookies ? { cookies } : {}),
    requestContext: { requestId: 'r1', http: { method, sourceIp: '198.51.100.7' } },
  });

  test('GET with the cookie (header or API Gateway cookies array) is the session’s principal', async () => {
    const { authorize, id } = await setup();
    for (const request of [
      event('GET', { cookie: `${sessionCookieName}=${id}` }),
      event('GET', {}, [`${sessionCookieName}=${id}`]),
    ]) {
      const { context } = await authorize(request);
      assert.equal(context.authenticated, 'true');
      assert.equal(context.ownerId, '079203001234');
      assert.deepEqual(principalFromAuthorizer(context), {
        sub: 'dvcqg-7f3a',
        role: 'citizen',
        ownerId: '079203001234',
      });
    }
  });

  test('POST without the CSRF header is a 403 problem and audited; with it, authenticated', async () => {
    const { authorize, id, session, audit } = await setup();
    const refused = await authorize(event('POST', {}, [`${sessionCookieName}=${id}`]));
    assert.equal(refused.context.refusal, 'csrf');
    assert.throws(
      () => principalFromAuthorizer(refused.context),
      (error: unknown) => error instanceof HttpProblem && error.code === 'csrf-rejected',
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.action, 'auth.session-refused');
    assert.equal(audit[0]?.outcome, 'denied');
    assert.deepEqual(audit[0]?.detail, { reason: 'csrf', method: 'POST' });
    const accepted = await authorize(
      event('POST', { 'X-CSRF-Token': session.csrfToken }, [`${sessionCookieName}=${id}`]),
    );
    assert.equal(accepted.context.authenticated, 'true');
  });

  test('a made-up session id is unauthenticated and audited, without echoing the cookie', async () => {
    const { authorize, audit } = await setup();
    const madeUp = randomToken();
    const { context } = await authorize(event('GET', { cookie: `${sessionCookieName}=${madeUp}` }));
    assert.equal(context.authenticated, 'false');
    assert.equal(audit[0]?.action, 'auth.session-refused');
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(madeUp));
  });

  test('without a cookie or token the request is unauthenticated, not audited', async () => {
    const { authorize, audit } = await setup();
    assert.equal((await authorize(event('GET', {}))).context.authenticated, 'false');
    assert.equal(audit.length, 0);
  });
});

describe('browser-login configuration', () => {
  const provider = {
    id: 'dvcqg',
    issuer: 'https://sso.dichvucong.gov.vn',
    jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
    endpoints: {
      authorization: 'https://sso.dichvucong.gov.vn/oauth2/authorize',
      token: 'https://sso.dichvucong.gov.vn/oauth2/token',
      userinfo: 'https://sso.dichvucong.gov.vn/oauth2/userinfo',
    },
    clientId: 'khoso',
    clientSecret: 'khoso/dvcqg-client-secret',
    audience: 'khoso',
    claimMapping: 'dvcqg',
    accountTypes: ['citizen', 'business'],
    tokenKinds: ['user'],
    browserLogin: { authorizationParams: { acr_values: 'LoA1' }, claimsFrom: 'userinfo' },
  };
  const problems = (value: unknown) =>
    identityProviderSchema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ??
    [];

  test('DVCQG: explicit endpoints, acr_values, claims from userinfo', () => {
    assert.deepEqual(problems(provider), []);
    const parsed = identityProviderSchema.parse(provider);
    assert.deepEqual(parsed.browserLogin, {
      scopes: [],
      authorizationParams: { acr_values: 'LoA1' },
      claimsFrom: 'userinfo',
    });
  });

  test('refused: no secret, no token endpoint, no userinfo endpoint, a reserved parameter, machine only', () => {
    const { clientSecret: _secret, ...noSecret } = provider;
    assert.match(problems(noSecret).join(), /clientSecret: browser login needs the client secret/);
    assert.match(
      problems({ ...provider, endpoints: { authorization: provider.endpoints.authorization } }).join(),
      /browser login needs a discoveryUrl or the authorization and token endpoints/,
    );
    assert.match(
      problems({ ...provider, endpoints: { ...provider.endpoints, userinfo: undefined } }).join(),
      /claims from userinfo need/,
    );
    assert.match(
      problems({ ...provider, browserLogin: { authorizationParams: { redirect_uri: 'https://evil.example' } } }).join(),
      /may not set state, nonce, redirect_uri/,
    );
    assert.match(problems({ ...provider, tokenKinds: ['machine'] }).join(), /browser login is for people/);
  });

  test('settings: default lifetime 8 h; base URL without trailing slash; origins only', () => {
    assert.deepEqual(browserLoginSettingsSchema.parse({ publicBaseUrl: 'https://api.khoso.example' }), {
      publicBaseUrl: 'https://api.khoso.example',
      allowedReturnToOrigins: [],
      sessionLifetimeSeconds: 28_800,
    });
    assert.equal(browserLoginSettingsSchema.safeParse({ publicBaseUrl: 'https://api.khoso.example/' }).success, false);
    assert.equal(browserLoginSettingsSchema.safeParse({ publicBaseUrl: 'http://api.khoso.example' }).success, false);
    assert.equal(
      browserLoginSettingsSchema.safeParse({
        publicBaseUrl: 'https://api.khoso.example',
        allowedReturnToOrigins: ['https://console.khoso.example/app'],
      }).success,
      false,
    );
  });
});
