import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { startTestVault, type TestVault } from '../support/test-vault.ts';
import { browse, CookieJar, followProviderRedirects, loginThroughBrowser } from '../support/browser.ts';

/**
 * Browser login against the embedded OpenID provider (oidc-provider), driven over HTTP with a
 * cookie jar: the vault is the relying party (openid-client), the session a cookie, unsafe
 * methods need its CSRF token, and logout goes through the provider's end-session endpoint.
 */
let t: TestVault;
before(async () => {
  t = await startTestVault();
});
after(() => t.close());

const sessionCookie = '__Host-khoso-session';

describe('browser login with the embedded provider', () => {
  test('login → provider → callback → session cookie → API with the cookie and CSRF → logout', async () => {
    const jar = new CookieJar();
    const login = await browse(jar, `${t.url}/auth/login?provider=local-sso&returnTo=/auth/session`);
    assert.equal(login.status, 303);
    const authorization = new URL(login.headers.get('location')!);
    assert.equal(`${authorization.origin}${authorization.pathname}`, `${t.url}/oidc/auth`);
    const params = authorization.searchParams;
    assert.equal(params.get('client_id'), 'khoso-vault');
    assert.equal(params.get('redirect_uri'), `${t.url}/auth/callback`);
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('scope'), 'openid profile');
    assert.equal(params.get('code_challenge_method'), 'S256');
    for (const name of ['state', 'nonce', 'code_challenge']) assert.match(params.get(name) ?? '', /^[\w-]{40,}$/);
    const binding = login.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-khoso-login='));
    assert.match(binding ?? '', /; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);

    jar.cookies.clear();
    const callback = await loginThroughBrowser(jar, t.url, 'citizen-nguyen-thi-lan');
    assert.equal(callback.status, 303);
    assert.equal(callback.headers.get('location'), '/auth/session');
    const setCookies = callback.headers.getSetCookie();
    assert.match(
      setCookies.find((cookie) => cookie.startsWith(`${sessionCookie}=`)) ?? '',
      /^__Host-khoso-session=[\w-]{43}; Path=\/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax$/,
    );
    assert.ok(
      setCookies.some((cookie) => /^__Host-khoso-login=; .*Max-Age=0/.test(cookie)),
      'binding cleared',
    );
    const sessionId = jar.cookies.get(sessionCookie)!;

    const session = await browse(jar, `${t.url}/auth/session`);
    assert.equal(session.status, 200);
    const view = (await session.json()) as Record<string, any>;
    assert.deepEqual(view.principal, { sub: 'citizen-nguyen-thi-lan', role: 'citizen', ownerId: '001190012345' });
    assert.equal(view.displayName, 'Nguyễn Thị Lan');
    assert.equal(view.provider, 'local-sso');
    assert.equal(view.authenticatedBy, 'session');
    const expiresIn = Date.parse(view.expiresAt) - Date.now();
    assert.ok(expiresIn > 8 * 3600_000 - 60_000 && expiresIn <= 8 * 3600_000, `expires in ${expiresIn} ms`);
    assert.match(view.csrfToken, /^[\w-]{43}$/);

    const folders = await browse(jar, `${t.url}/v1/folders`);
    assert.equal(folders.status, 200, await folders.clone().text());

    const withoutCsrf = await browse(jar, `${t.url}/v1/folders`, { json: { name: 'Hồ sơ đất đai' } });
    assert.equal(withoutCsrf.status, 403);
    assert.equal(withoutCsrf.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await withoutCsrf.json()) as { type: string }).type, 'urn:khoso:problem:csrf-rejected');
    const wrongCsrf = await browse(jar, `${t.url}/v1/folders`, {
      json: { name: 'Hồ sơ đất đai' },
      // The same token with its last character changed.
      headers: { 'x-csrf-token': `${view.csrfToken.slice(0, -1)}${view.csrfToken.endsWith('A') ? 'B' : 'A'}` },
    });
    assert.equal(wrongCsrf.status, 403);
    const created = await browse(jar, `${t.url}/v1/folders`, {
      json: { name: 'Hồ sơ đất đai' },
      headers: { 'x-csrf-token': view.csrfToken },
    });
    assert.equal(created.status, 201, await created.clone().text());

    assert.equal((await browse(jar, `${t.url}/auth/logout`, { method: 'POST' })).status, 403, 'logout needs CSRF');
    const logout = await browse(jar, `${t.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': view.csrfToken },
    });
    assert.equal(logout.status, 303);
    assert.ok(!jar.cookies.has(sessionCookie), 'the session cookie is cleared');
    const endSession = new URL(logout.headers.get('location')!);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${t.url}/oidc/session/end`);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${t.url}/auth/logged-out`);
    assert.equal(endSession.searchParams.get('client_id'), 'khoso-vault');
    assert.match(endSession.searchParams.get('state') ?? '', /^[\w-]{40,}$/);
    const hint = decodeJwt(endSession.searchParams.get('id_token_hint')!);
    assert.equal(hint.sub, 'citizen-nguyen-thi-lan');
    assert.equal(hint.iss, `${t.url}/oidc`);

    // The provider asks to confirm; confirming ends its session and returns to the signed-out page.
    const confirm = await browse(jar, endSession.href);
    assert.equal(confirm.status, 200);
    const confirmPage = await confirm.text();
    const action =
      /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"/.exec(
        confirmPage,
      );
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmPage)?.[1];
    assert.ok(action && xsrf, 'the provider shows its logout form');
    const { location } = await followProviderRedirects(
      jar,
      t.url,
      await browse(jar, new URL(action[1] ?? action[2]!, t.url).href, { form: { xsrf, logout: 'yes' } }),
    );
    assert.equal(`${location?.origin}${location?.pathname}`, `${t.url}/auth/logged-out`);
    assert.equal(location?.searchParams.get('state'), endSession.searchParams.get('state'));
    const loggedOut = await browse(jar, location!.href);
    assert.equal(loggedOut.status, 200);
    assert.match(loggedOut.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const page = await loggedOut.text();
    assert.match(page, /Bạn đã đăng xuất/);
    assert.match(page, /You are signed out/);
    assert.match(page, /href="\/auth\/login\?provider=local-sso"/);
    assert.doesNotMatch(page, /<script/i);

    // The old cookie, replayed, no longer opens anything.
    const replay = new CookieJar();
    replay.cookies.set(sessionCookie, sessionId);
    const refused = await browse(replay, `${t.url}/v1/folders`);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { type: string }).type, 'urn:khoso:problem:unauthenticated');
    assert.equal((await browse(replay, `${t.url}/auth/session`)).status, 401);
  });

  test('the logout reaches bearer tokens of the same provider session; a new login afterwards works', async () => {
    const jar = new CookieJar();
    await loginThroughBrowser(jar, t.url, 'citizen-tran-van-minh');
    // Another app of the same provider session holds a bearer token (here: a code flow in the same browser).
    const { vault } = t.vault.identityProvider.clients;
    const rp = await oidc.discovery(
      new URL(vault.issuer),
      vault.clientId,
      undefined,
      oidc.ClientSecretBasic(vault.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorization = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: vault.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const { location } = await followProviderRedirects(jar, t.url, await browse(jar, authorization.href));
    assert.ok(location, 'the provider session signs the second flow in without a login page');
    const tokens = await oidc.authorizationCodeGrant(rp, location, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    assert.equal((await fetch(`${t.url}/v1/folders`, { headers: bearer })).status, 200);

    const { csrfToken } = (await (await browse(jar, `${t.url}/auth/session`)).json()) as { csrfToken: string };
    const logout = await browse(jar, `${t.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(logout.status, 303);
    const hint = decodeJwt(new URL(logout.headers.get('location')!).searchParams.get('id_token_hint')!);
    assert.equal(decodeJwt(tokens.access_token).sid, hint.sid, 'the bearer token is of the same provider session');
    const refused = await fetch(`${t.url}/v1/folders`, { headers: bearer });
    assert.equal(refused.status, 401);
    assert.match(((await refused.json()) as { detail: string }).detail, /logged out/);

    // The deny-list entry names that provider session only: a new login (a new session) is not blocked.
    const fresh = new CookieJar();
    const again = await loginThroughBrowser(fresh, t.url, 'citizen-tran-van-minh');
    assert.equal(again.status, 303);
    assert.equal((await browse(fresh, `${t.url}/v1/folders`)).status, 200);
  });

  test('a logout at the provider (its back-channel logout) ends the browser session too', async () => {
    const jar = new CookieJar();
    await loginThroughBrowser(jar, t.url, 'citizen-le-hoang-phuong-anh');
    assert.equal((await browse(jar, `${t.url}/v1/folders`)).status, 200);
    // Signing out at the provider itself, not through the vault: the provider asks, then notifies the vault.
    const confirm = await browse(jar, `${t.url}/oidc/session/end`);
    assert.equal(confirm.status, 200);
    const page = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(action && xsrf);
    const started = Date.now();
    await followProviderRedirects(
      jar,
      t.url,
      await browse(jar, new URL(action, t.url).href, { form: { xsrf, logout: 'yes' } }),
    );
    assert.ok(jar.cookies.has(sessionCookie), 'the browser still holds the vault cookie');
    let status = 200;
    while (status === 200 && Date.now() - started < 5_000) {
      status = (await browse(jar, `${t.url}/v1/folders`)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 401, 'the session is refused within 5 s of the provider logout');
  });
});
