import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import { openIdClientRelyingParty } from '../../../functions/auth/adapters/openid-client-relying-party.ts';
import { BrowserLoginError, logout, startLogin } from '../../../functions/auth/core/browser-login.ts';
import { loginBindingCookieName, sessionCookieName } from '../../../functions/auth/core/cookies.ts';
import type { TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';
import type { DenyList, Revocation } from '../../../functions/auth/core/revocation.ts';
import {
  randomToken,
  tokenHash,
  type BrowserSession,
  type LoginAttempt,
} from '../../../functions/auth/core/sessions.ts';
import { randomIds, systemClock } from '../../../functions/platform/core/runtime.ts';
import { dvcqg } from './fixtures.ts';

/**
 * The login request and the RP-initiated logout for a provider with explicit endpoints (DVCQG
 * publishes no discovery document), with openid-client's own Configuration: neither needs the
 * provider on the network. The full flow against a real provider is the integration test's.
 */
const portal: TrustedIssuer = {
  ...dvcqg,
  endpoints: {
    authorization: 'https://sso.dichvucong.gov.vn/oauth2/authorize',
    token: 'https://sso.dichvucong.gov.vn/oauth2/token',
    userinfo: 'https://sso.dichvucong.gov.vn/oauth2/userinfo',
  },
  browserLogin: { scopes: ['profile'], authorizationParams: { acr_values: 'LoA1' }, claimsFrom: 'userinfo' },
};

function world() {
  const attempts: LoginAttempt[] = [];
  const sessions = new Map<string, BrowserSession>();
  const revocations: Revocation[] = [];
  const audit: AuditEntry[] = [];
  const denyList: DenyList = {
    async revokedAt() {
      return undefined;
    },
    async revoke(revocation) {
      revocations.push(revocation);
    },
  };
  const deps = {
    issuers: [portal],
    settings: {
      publicBaseUrl: 'https://api.khoso.example',
      allowedReturnToOrigins: [],
      sessionLifetimeSeconds: 28_800,
    },
    relyingParty: openIdClientRelyingParty(
      async (provider: TrustedIssuer) =>
        new oidc.Configuration(
          {
            issuer: provider.issuer,
            authorization_endpoint: provider.endpoints!.authorization!,
            token_endpoint: provider.endpoints!.token!,
          },
          provider.clientId,
          undefined,
          oidc.ClientSecretBasic('secret'),
        ),
    ),
    attempts: {
      async put(attempt: LoginAttempt) {
        attempts.push(attempt);
      },
      async take() {
        return undefined;
      },
    },
    sessions: {
      async get(idHash: string) {
        return sessions.get(idHash);
      },
      async put(session: BrowserSession) {
        sessions.set(session.idHash, session);
      },
      async delete(idHash: string) {
        sessions.delete(idHash);
      },
    },
    denyList,
    appendAudit: async (entry: AuditEntry) => void audit.push(entry),
    clock: systemClock,
    ids: randomIds,
  };
  return { deps, attempts, sessions, revocations, audit };
}

const source = { sourceIp: '198.51.100.7', requestId: 'r1' };

describe('browser login request', () => {
  test('code + PKCE S256, state, nonce, the provider’s scopes and acr_values; the attempt bound to the browser', async () => {
    const { deps, attempts } = world();
    const { location, cookies } = await startLogin(deps, source, { provider: 'dvcqg', returnTo: '/console/home' });
    const url = new URL(location);
    assert.equal(`${url.origin}${url.pathname}`, 'https://sso.dichvucong.gov.vn/oauth2/authorize');
    const params = Object.fromEntries(url.searchParams);
    const attempt = attempts[0]!;
    assert.equal(params.acr_values, 'LoA1');
    assert.equal(params.scope, 'openid profile');
    assert.equal(params.response_type, 'code');
    assert.equal(params.client_id, 'khoso-rp');
    assert.equal(params.redirect_uri, 'https://api.khoso.example/auth/callback');
    assert.equal(params.state, attempt.state);
    assert.equal(params.nonce, attempt.nonce);
    assert.equal(params.code_challenge_method, 'S256');
    assert.equal(params.code_challenge, await oidc.calculatePKCECodeChallenge(attempt.codeVerifier));
    assert.equal(attempt.returnTo, '/console/home');
    assert.ok(attempt.expiresAt - Date.now() > 590_000 && attempt.expiresAt - Date.now() <= 600_000);
    const binding = /^__Host-khoso-login=([\w-]{43});/.exec(cookies[0]!)?.[1];
    assert.equal(tokenHash(binding!), attempt.bindingHash, 'only the hash of the binding value is stored');
    assert.ok(cookies[0]!.startsWith(`${loginBindingCookieName}=`));
  });

  test('a provider without browser login, and a hostile returnTo, start nothing', async () => {
    const { deps, attempts, audit } = world();
    deps.issuers = [{ ...portal, id: 'machines', browserLogin: undefined } as TrustedIssuer, portal];
    for (const request of [
      { provider: 'machines', returnTo: '/' },
      { provider: 'dvcqg', returnTo: 'https://evil.example/' },
    ]) {
      await assert.rejects(startLogin(deps, source, request), (error: unknown) => {
        return error instanceof BrowserLoginError && error.status === 400;
      });
    }
    assert.equal(attempts.length, 0);
    assert.deepEqual(
      audit.map((entry) => [entry.action, entry.detail?.reason]),
      [
        ['auth.login-refused', 'unknown-provider'],
        ['auth.login-refused', 'return-to'],
      ],
    );
  });
});

describe('RP-initiated logout', () => {
  async function signedIn(deps: ReturnType<typeof world>['deps'], sid?: string) {
    const id = randomToken();
    const session: BrowserSession = {
      idHash: tokenHash(id),
      principal: { sub: 'dvcqg-7f3a', role: 'citizen', ownerId: '079203001234' },
      providerId: 'dvcqg',
      issuer: portal.issuer,
      sub: 'dvcqg-7f3a',
      ...(sid ? { sid } : {}),
      authTime: Math.floor(Date.now() / 1000) - 60,
      idToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkdmNxZy03ZjNhIn0.c2ln',
      csrfToken: randomToken(),
      createdAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
    };
    await deps.sessions.put(session);
    return { cookies: [`${sessionCookieName}=${id}`], session };
  }

  test('a provider without an end-session endpoint: session gone, subject revoked, straight to the signed-out page', async () => {
    const { deps, sessions, revocations, audit } = world();
    const { cookies, session } = await signedIn(deps);
    const { location, cookies: set } = await logout(deps, source, { cookies, csrfToken: session.csrfToken });
    assert.equal(location, 'https://api.khoso.example/auth/logged-out');
    assert.match(set[0]!, /^__Host-khoso-session=; Path=\/; Max-Age=0/);
    assert.equal(sessions.size, 0);
    assert.deepEqual(
      revocations.map(({ issuer, kind, value }) => ({ issuer, kind, value })),
      [{ issuer: portal.issuer, kind: 'sub', value: 'dvcqg-7f3a' }],
    );
    // The entry outlives every token of the provider.
    assert.ok(revocations[0]!.expiresAtEpoch >= Math.floor(Date.now() / 1000) + portal.maxTokenLifetimeSeconds);
    assert.deepEqual(
      audit.map((entry) => [entry.action, entry.detail?.channel, entry.detail?.keyKind]),
      [['auth.logout', 'rp-initiated', 'sub']],
    );
  });

  test('without the CSRF token (403) or without a live session (401) nothing is revoked', async () => {
    const { deps, sessions, revocations, audit } = world();
    const { cookies } = await signedIn(deps, 'op-session');
    await assert.rejects(
      logout(deps, source, { cookies }),
      (error: unknown) => error instanceof BrowserLoginError && error.status === 403 && error.reason === 'csrf',
    );
    await assert.rejects(
      logout(deps, source, { cookies: [`${sessionCookieName}=${randomToken()}`], csrfToken: randomToken() }),
      (error: unknown) => error instanceof BrowserLoginError && error.status === 401,
    );
    assert.equal(sessions.size, 1);
    assert.equal(revocations.length, 0);
    assert.deepEqual(
      audit.map((entry) => [entry.action, entry.detail?.reason]),
      [
        ['auth.session-refused', 'csrf'],
        ['auth.logout-refused', 'no-session'],
      ],
    );
  });
});
