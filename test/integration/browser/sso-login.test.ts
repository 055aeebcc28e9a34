import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * The browser login in a real Chromium (headless, driven by playwright-core with the system's
 * Chromium: `CHROMIUM_PATH`, else /usr/bin/chromium): the embedded provider's login page, the
 * `__Host-` session cookie (Chromium treats http://localhost as a secure context, so it keeps
 * Secure cookies there), API calls from the page with the cookie and its CSRF token, and the
 * RP-initiated logout through a plain form and the provider's confirmation.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const sessionCookie = '__Host-khoso-session';

let t: TestVault;
let browser: Browser;
before(async () => {
  t = await startTestVault();
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('SSO login in Chromium', () => {
  test('sign in at the provider, use the API with the cookie, sign out through the provider', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${t.url}/auth/login?provider=local-sso&returnTo=/auth/session`);
    assert.match(page.url(), new RegExp(`^${t.url}/oidc/interaction/`), 'the provider shows its login page');
    await page.click('button[name="accountId"][value="citizen-nguyen-thi-lan"]');
    await page.waitForURL(`${t.url}/auth/session`);
    const view = JSON.parse(await page.innerText('body')) as Record<string, any>;
    assert.deepEqual(view.principal, { sub: 'citizen-nguyen-thi-lan', role: 'citizen', ownerId: '001190012345' });
    assert.equal(view.authenticatedBy, 'session');
    assert.equal(view.displayName, 'Nguyễn Thị Lan');

    const cookie = (await context.cookies(t.url)).find((candidate) => candidate.name === sessionCookie);
    assert.ok(cookie, 'Chromium kept the __Host- cookie on http://localhost');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.ok(!(await context.cookies(t.url)).some((candidate) => candidate.name === '__Host-khoso-login'));
    assert.doesNotMatch(String(await page.evaluate('document.cookie')), /khoso-session/, 'scripts cannot read it');

    const fromPage = (method: string, path: string, csrfToken?: string) =>
      page.evaluate(
        async ({ method, path, csrfToken }) => {
          const response = await fetch(path, {
            method,
            headers: {
              'content-type': 'application/json',
              ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
            },
            ...(method === 'GET' ? {} : { body: JSON.stringify({ name: 'Giấy tờ nhà' }) }),
          });
          return { status: response.status, type: ((await response.json()) as { type?: string }).type };
        },
        { method, path, csrfToken },
      );
    assert.equal((await fromPage('GET', '/v1/folders')).status, 200);
    assert.deepEqual(await fromPage('POST', '/v1/folders'), {
      status: 403,
      type: 'urn:khoso:problem:csrf-rejected',
    });
    assert.equal((await fromPage('POST', '/v1/folders', view.csrfToken)).status, 201);

    // Sign out as a page would: a plain form with the CSRF token, then the provider's confirmation.
    await page.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/auth/logout';
      const field = Object.assign(document.createElement('input'), { type: 'hidden', name: 'csrfToken' });
      field.value = ${JSON.stringify(view.csrfToken)};
      form.append(field);
      document.body.append(form);
      form.submit();
    })()`);
    await page.waitForURL(new RegExp(`^${t.url}/oidc/session/end`));
    assert.ok(!(await context.cookies(t.url)).some((candidate) => candidate.name === sessionCookie));
    await page.click('button[name="logout"][value="yes"]');
    await page.waitForURL(new RegExp(`^${t.url}/auth/logged-out`));
    assert.match(await page.innerText('body'), /Bạn đã đăng xuất/);

    // The old session id, sent again, opens nothing.
    const refused = await context.request.get(`${t.url}/v1/folders`, {
      headers: { cookie: `${sessionCookie}=${cookie.value}` },
    });
    assert.equal(refused.status(), 401);
    await context.close();
  });
});
