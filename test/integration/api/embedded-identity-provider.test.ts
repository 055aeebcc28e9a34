import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { MachineClient } from '../../../lib/local/identity-provider/clients.ts';
import { startLocalVault } from '../../../lib/local/vault-server.ts';
import { assertProblem, createApi } from '../support/http-client.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';
import { authAuditEntries, type AuthAuditEntry } from '../support/auth-audit.ts';

/**
 * The embedded OpenID provider (oidc-provider) against a real relying-party library
 * (openid-client 6): discovery at the mounted prefix, client credentials for the business
 * systems, the authorization-code flow with PKCE through the login page, and back-channel
 * logout reaching the vault's bearer tokens.
 */
let t: TestVault;
let vaultRp: oidc.Configuration;

before(async () => {
  t = await startTestVault();
  const { vault } = t.vault.identityProvider.clients;
  vaultRp = await oidc.discovery(
    new URL(t.vault.identityProvider.issuer),
    vault.clientId,
    undefined,
    oidc.ClientSecretBasic(vault.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
});
after(() => t.close());

const readFolders = (token: string) => t.api('GET', '/v1/folders', { token });

function machineClient(clientId: string): MachineClient {
  const client = t.vault.identityProvider.clients.machines.find((candidate) => candidate.clientId === clientId);
  assert.ok(client, clientId);
  return client;
}

async function machineRp(clientId: string, secret = machineClient(clientId).clientSecret) {
  return oidc.discovery(new URL(t.vault.identityProvider.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** A browser's cookies, kept by name (the provider's paths all sit under /oidc). */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=.*1970/i.test(attribute));
      if (!value || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

/** One browser step: a request with the jar's cookies, redirects not followed. */
async function browse(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers: {
      cookie: jar.header(),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    redirect: 'manual',
  });
  jar.keep(response);
  return response;
}

/** Follows the provider's redirects (GET) until one leaves for the vault's callback, or a page is shown. */
async function followRedirects(jar: CookieJar, response: Response): Promise<{ page?: Response; location?: URL }> {
  let current = response;
  for (let hops = 0; hops < 10; hops++) {
    const location = current.headers.get('location');
    if (current.status < 300 || current.status >= 400 || !location) return { page: current };
    const next = new URL(location, t.url);
    if (!next.pathname.startsWith('/oidc/')) return { location: next };
    current = await browse(jar, next.href);
  }
  throw new Error('too many redirects');
}

interface SignIn {
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  jar: CookieJar;
}

/** The authorization-code flow with PKCE, as a browser would go through the login page. */
async function signIn(accountId: string, jar = new CookieJar()): Promise<SignIn> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(vaultRp, {
    redirect_uri: t.vault.identityProvider.clients.vault.redirectUri,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { page } = await followRedirects(jar, await browse(jar, authorizationUrl.href));
  assert.ok(page, 'the login page is shown');
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the login form posts to the interaction');
  assert.match(html, new RegExp(`name="accountId" value="${accountId}"`));
  const { location } = await followRedirects(jar, await browse(jar, new URL(action, t.url).href, { accountId }));
  assert.ok(location, 'the provider redirects back to the vault');
  assert.equal(`${location.origin}${location.pathname}`, t.vault.identityProvider.clients.vault.redirectUri);
  assert.equal(location.searchParams.get('state'), state);
  assert.ok(location.searchParams.get('code'));
  // The vault's own callback route is built elsewhere; the test exchanges the code as it would.
  const tokens = await oidc.authorizationCodeGrant(vaultRp, location, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, jar };
}

function authAudit(): Promise<AuthAuditEntry[]> {
  return authAuditEntries(t.vault);
}

describe('embedded OpenID provider', () => {
  test('discovery is served under the /oidc prefix and names that issuer', async () => {
    const metadata = vaultRp.serverMetadata();
    assert.equal(metadata.issuer, `${t.url}/oidc`);
    assert.equal(metadata.jwks_uri, `${t.url}/oidc/jwks`);
    assert.equal(metadata.authorization_endpoint, `${t.url}/oidc/auth`);
    assert.equal(metadata.token_endpoint, `${t.url}/oidc/token`);
    assert.equal(metadata.end_session_endpoint, `${t.url}/oidc/session/end`);
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: Record<string, string>[] };
    assert.deepEqual(jwks.keys.map((key) => key.alg).sort(), ['ES256', 'RS256']);
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'no private key material is published',
    );
  });

  test('each business system gets a machine token the vault maps to role system (403 on every route of a person)', async () => {
    for (const clientId of ['a08-business-system', 'c06-unit-system']) {
      const client = machineClient(clientId);
      const tokens = await oidc.clientCredentialsGrant(await machineRp(clientId), { scope: client.scopes.join(' ') });
      const claims = decodeJwt(tokens.access_token);
      assert.equal(claims.iss, t.vault.identityProvider.issuer);
      assert.equal(claims.aud, 'khoso');
      assert.equal(claims.client_id, clientId);
      assert.equal(claims.unit, client.unit);
      assert.deepEqual(String(claims.scope).split(' ').sort(), [...client.scopes].sort());
      for (const personClaim of ['role', 'ownerId', 'name', 'sid']) assert.equal(claims[personClaim], undefined);
      const response = await readFolders(tokens.access_token);
      assertProblem(response, 403, 'forbidden-role');
      assert.match(response.json.detail, /Machine clients/);
    }
  });

  test('a bad client secret gets no token, and a machine client cannot get a scope it was not given', async () => {
    await assert.rejects(
      oidc.clientCredentialsGrant(await machineRp('a08-business-system', 'not-the-secret'), {
        scope: 'results:write',
      }),
      (error: oidc.WWWAuthenticateChallengeError) =>
        error.status === 401 && error.cause.some((challenge) => challenge.parameters.error === 'invalid_client'),
    );
    await assert.rejects(
      oidc.clientCredentialsGrant(await machineRp('c06-unit-system'), { scope: 'results:write' }),
      (error: oidc.ResponseBodyError) => error.error === 'invalid_scope',
    );
    assertProblem(await t.api('GET', '/v1/folders'), 401, 'unauthenticated');
  });

  test('a citizen signs in with code + PKCE; the JWT access token carries the session sid and opens the vault', async () => {
    const citizen = t.vault.identityProvider.accounts.find((account) => account.claims.role === 'citizen')!;
    const { tokens } = await signIn(citizen.accountId);
    const idToken = tokens.claims()!;
    assert.equal(idToken.sub, citizen.accountId);
    assert.equal(idToken.name, citizen.name);
    assert.equal(idToken.role, 'citizen', 'the ID token carries our claims for the relying party');
    assert.equal(idToken.ownerId, (citizen.claims as { ownerId: string }).ownerId);
    assert.ok(typeof idToken.sid === 'string' && idToken.sid.length > 0);
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.aud, 'khoso');
    assert.equal(access.role, 'citizen');
    assert.equal(access.ownerId, (citizen.claims as { ownerId: string }).ownerId);
    assert.equal(access.sid, idToken.sid, 'the access token names the session of the ID token');
    assert.equal(access.scope, undefined, 'a person is granted no API scope');
    const folders = await readFolders(tokens.access_token);
    assert.equal(folders.status, 200, folders.text);
  });

  test('the login page is Vietnamese first, lists every seeded account, runs no script and sets a strict CSP', async () => {
    const jar = new CookieJar();
    const authorizationUrl = oidc.buildAuthorizationUrl(vaultRp, {
      redirect_uri: t.vault.identityProvider.clients.vault.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const { page } = await followRedirects(jar, await browse(jar, authorizationUrl.href));
    assert.ok(page);
    const html = await page.text();
    assert.match(html, /<html lang="vi">/);
    assert.match(html, /Đăng nhập/);
    for (const account of t.vault.identityProvider.accounts) assert.ok(html.includes(account.name), account.name);
    assert.doesNotMatch(html, /<script/i);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    // An account that is not listed is refused; the sign-in stays open.
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const refused = await browse(jar, new URL(action, t.url).href, { accountId: 'someone-else' });
    assert.equal(refused.status, 400);
  });

  test('a person cannot obtain a machine scope: the provider refuses results:write to the vault client', async () => {
    const jar = new CookieJar();
    const state = oidc.randomState();
    const authorizationUrl = oidc.buildAuthorizationUrl(vaultRp, {
      redirect_uri: t.vault.identityProvider.clients.vault.redirectUri,
      scope: 'openid results:write',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state,
    });
    const { location } = await followRedirects(jar, await browse(jar, authorizationUrl.href));
    assert.ok(location);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('code'), null);
    // Nor can it skip the browser with client credentials.
    await assert.rejects(
      oidc.clientCredentialsGrant(vaultRp, { scope: 'results:write' }),
      (error: oidc.ResponseBodyError) => /grant type is not allowed/.test(error.error_description ?? ''),
    );
  });

  test('logging out at the provider reaches the vault by back-channel: the bearer token is refused within 5 s', async (context) => {
    const citizen = t.vault.identityProvider.accounts.find((account) => account.claims.role === 'citizen')!;
    const { tokens, jar } = await signIn(citizen.accountId);
    const sid = tokens.claims()!.sid as string;
    assert.equal((await readFolders(tokens.access_token)).status, 200);

    const { vault } = t.vault.identityProvider.clients;
    const endSession = oidc.buildEndSessionUrl(vaultRp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: vault.postLogoutRedirectUri,
      state: 'after-logout',
    });
    const confirmPage = await browse(jar, endSession.href);
    assert.equal(confirmPage.status, 200);
    const html = await confirmPage.text();
    assert.doesNotMatch(html, /<script/i);
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf, 'the confirmation form');

    const started = performance.now();
    const confirmed = await browse(jar, new URL(action, t.url).href, { xsrf, logout: 'yes' });
    assert.equal(confirmed.status, 303);
    const back = new URL(confirmed.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, vault.postLogoutRedirectUri);
    assert.equal(back.searchParams.get('state'), 'after-logout');
    let response = await readFolders(tokens.access_token);
    while (response.status === 200 && performance.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await readFolders(tokens.access_token);
    }
    const elapsed = performance.now() - started;
    context.diagnostic(
      `back-channel logout from the embedded OP to the first refused request: ${elapsed.toFixed(0)} ms`,
    );
    assertProblem(response, 401, 'unauthenticated');
    assert.match(response.json.detail, /logged out/);
    assert.ok(elapsed < 5000, `${elapsed} ms`);
    const logouts = (await authAudit()).filter(
      (entry) => entry.action === 'auth.logout' && entry.detail?.issuer === t.vault.identityProvider.issuer,
    );
    assert.ok(
      logouts.some((entry) => entry.detail?.channel === 'back-channel' && entry.detail?.keyKind === 'sid'),
      'the logout token named the session',
    );

    // A new sign-in (in a later second than the logout) gets a new session whose token works.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    const again = await signIn(citizen.accountId, jar);
    assert.notEqual(again.tokens.claims()!.sid, sid);
    const folders = await readFolders(again.tokens.access_token);
    assert.equal(folders.status, 200, folders.text);
  });
});

describe('embedded OpenID provider across a restart', () => {
  test('its keys and client secrets persist in the data dir: a token from before the restart is still accepted', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'khoso-idp-restart-'));
    try {
      const first = await startLocalVault({ dataDir, port: 0 });
      const { port } = new URL(first.url);
      const a08 = first.identityProvider.clients.machines[0]!;
      let token: string;
      try {
        const rp = await oidc.discovery(
          new URL(first.identityProvider.issuer),
          a08.clientId,
          undefined,
          oidc.ClientSecretBasic(a08.clientSecret),
          { execute: [oidc.allowInsecureRequests] },
        );
        token = (await oidc.clientCredentialsGrant(rp, { scope: a08.scopes.join(' ') })).access_token;
      } finally {
        await first.close();
      }
      // The same port, so the same issuer URL, as `npm start` on its fixed port.
      const second = await startLocalVault({ dataDir, port: Number(port) });
      try {
        assert.equal(second.identityProvider.clients.machines[0]!.clientSecret, a08.clientSecret);
        assert.equal(
          second.identityProvider.clients.vault.clientSecret,
          first.identityProvider.clients.vault.clientSecret,
        );
        // Verified with the JWKS the restarted provider publishes: 403 for a system, not 401.
        assertProblem(await createApi(second.url)('GET', '/v1/folders', { token }), 403, 'forbidden-role');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
