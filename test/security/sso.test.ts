import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomToken } from '../../functions/auth/core/sessions.ts';
import { entities } from '../../functions/platform/storage/schema.ts';
import { browse, CookieJar, loginThroughBrowser, signInAtProvider } from '../integration/support/browser.ts';
import { startTestVault, type TestVault } from '../integration/support/test-vault.ts';
import { authAuditEntries, type AuthAuditEntry } from '../integration/support/auth-audit.ts';

/**
 * Hostile browser-login requests against the relying party, with the embedded provider as the
 * real OP: each is a clear 4xx problem, creates no session (or login attempt) and revokes
 * nothing, and leaves an audit entry in the `auth` chain naming why.
 */
let t: TestVault;
before(async () => {
  t = await startTestVault();
});
after(() => t.close());

const sessionCookie = '__Host-khoso-session';

function authAudit(vault: TestVault = t): Promise<AuthAuditEntry[]> {
  return authAuditEntries(vault.vault);
}

async function itemsOf(entity: string, vault: TestVault = t): Promise<Record<string, unknown>[]> {
  const { Items } = await vault.vault.table.client.send(
    new ScanCommand({
      TableName: vault.vault.table.name,
      FilterExpression: 'entity = :entity',
      ExpressionAttributeValues: { ':entity': entity },
    }),
  );
  return Items ?? [];
}

/** What a refusal must not leave behind: sessions, pending logins, deny-list entries. */
async function stored(vault: TestVault = t) {
  return {
    sessions: (await itemsOf(entities.browserSession.entity, vault)).length,
    attempts: (await itemsOf(entities.loginAttempt.entity, vault)).length,
    revocations: (await itemsOf(entities.revocation.entity, vault)).length,
  };
}

async function assertProblem(response: Response, status: number, code: string, label: string) {
  assert.equal(response.status, status, label);
  assert.equal(response.headers.get('content-type'), 'application/problem+json', label);
  const problem = (await response.json()) as { type: string; detail?: string };
  assert.equal(problem.type, `urn:khoso:problem:${code}`, label);
  assert.ok(problem.detail, label);
  assert.equal(response.headers.get('location'), null, `${label}: no redirect`);
  assert.deepEqual(response.headers.getSetCookie(), [], `${label}: no cookie`);
  return problem;
}

/** The audit entries added while `run` ran. */
async function auditedDuring(run: () => Promise<void>, vault: TestVault = t): Promise<AuthAuditEntry[]> {
  const before = (await authAudit(vault)).length;
  await run();
  return (await authAudit(vault)).slice(before);
}

describe('SSO browser login: hostile requests', () => {
  test('open-redirect returnTo in many forms: 400, no login started, audited', async () => {
    const before = await stored();
    const hostile = [
      'https://evil.example/steal',
      '//evil.example/steal',
      '/\\evil.example',
      'javascript:alert(document.cookie)',
      'https://localhost.evil.example/',
      `http://127.0.0.1:1/`,
      '/console\r\nSet-Cookie: x=1',
    ];
    const entries = await auditedDuring(async () => {
      for (const returnTo of hostile) {
        const jar = new CookieJar();
        const response = await browse(
          jar,
          `${t.url}/auth/login?provider=local-sso&returnTo=${encodeURIComponent(returnTo)}`,
        );
        await assertProblem(response, 400, 'invalid-request', returnTo);
      }
    });
    assert.deepEqual(await stored(), before);
    assert.equal(entries.length, hostile.length);
    for (const entry of entries) {
      assert.equal(entry.action, 'auth.login-refused');
      assert.equal(entry.outcome, 'denied');
      assert.equal(entry.detail?.reason, 'return-to');
      assert.equal(entry.detail?.provider, 'local-sso');
    }
  });

  test('an unknown provider: 400, audited', async () => {
    const before = await stored();
    const entries = await auditedDuring(async () => {
      await assertProblem(
        await browse(new CookieJar(), `${t.url}/auth/login?provider=evil-sso&returnTo=/auth/session`),
        400,
        'invalid-request',
        'unknown provider',
      );
    });
    assert.deepEqual(await stored(), before);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason, entry.detail?.provider]),
      [['auth.login-refused', 'unknown-provider', 'evil-sso']],
    );
  });

  test('a callback with a foreign state: 400, no session, audited', async () => {
    const before = await stored();
    const entries = await auditedDuring(async () => {
      for (const query of [`code=abc&state=${randomToken()}`, 'code=abc', `state=${'x'.repeat(200)}`]) {
        await assertProblem(
          await browse(new CookieJar(), `${t.url}/auth/callback?${query}`),
          400,
          'invalid-request',
          query,
        );
      }
    });
    assert.deepEqual(await stored(), before);
    assert.deepEqual(
      entries.map((entry) => entry.detail?.reason),
      ['unknown-state', 'unknown-state', 'unknown-state'],
    );
  });

  test('a valid callback opened in another browser (login CSRF): 400, no session, audited', async () => {
    const attacker = new CookieJar();
    const login = await browse(attacker, `${t.url}/auth/login?provider=local-sso&returnTo=/auth/session`);
    const callback = await signInAtProvider(attacker, t.url, login, 'citizen-le-hoang-phuong-anh');
    const before = await stored();
    const entries = await auditedDuring(async () => {
      // The victim's browser has no binding cookie for this attempt (or a cookie of its own attempt).
      const victim = new CookieJar();
      await assertProblem(await browse(victim, callback.href), 400, 'invalid-request', 'other browser');
    });
    const after = await stored();
    assert.equal(after.sessions, before.sessions, 'no session');
    assert.equal(after.attempts, before.attempts - 1, 'the attempt is used up');
    assert.equal(after.revocations, before.revocations);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason]),
      [['auth.login-refused', 'browser-mismatch']],
    );
    // Nor can the attacker finish it afterwards: one use.
    await assertProblem(await browse(attacker, callback.href), 400, 'invalid-request', 'after the mismatch');
  });

  test('a replayed callback: the second use is 400, one session only, audited', async () => {
    const jar = new CookieJar();
    const login = await browse(jar, `${t.url}/auth/login?provider=local-sso&returnTo=/auth/session`);
    const callback = await signInAtProvider(jar, t.url, login, 'citizen-nguyen-thi-lan');
    const binding = jar.cookies.get('__Host-khoso-login')!;
    const before = await stored();
    assert.equal((await browse(jar, callback.href)).status, 303);
    const entries = await auditedDuring(async () => {
      const replay = new CookieJar();
      replay.cookies.set('__Host-khoso-login', binding);
      await assertProblem(await browse(replay, callback.href), 400, 'invalid-request', 'replay');
    });
    assert.equal((await stored()).sessions, before.sessions + 1);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason]),
      [['auth.login-refused', 'unknown-state']],
    );
  });

  test('the session id is new at every login: a cookie the browser brought is never adopted', async () => {
    const jar = new CookieJar();
    const planted = randomToken();
    jar.cookies.set(sessionCookie, planted);
    assert.equal((await loginThroughBrowser(jar, t.url, 'citizen-nguyen-thi-lan')).status, 303);
    const issued = jar.cookies.get(sessionCookie);
    assert.ok(issued && issued !== planted);
    const sessions = await itemsOf(entities.browserSession.entity);
    assert.ok(!JSON.stringify(sessions).includes(issued), 'the raw session id is not stored');
  });

  test('a POST with the session cookie but no CSRF token: 403, nothing created, audited', async () => {
    const jar = new CookieJar();
    await loginThroughBrowser(jar, t.url, 'citizen-nguyen-thi-lan');
    const folders = async () => ((await (await browse(jar, `${t.url}/v1/folders`)).json()) as unknown[]).length;
    const count = await folders();
    const entries = await auditedDuring(async () => {
      const unsafe: [string, string][] = [
        ['POST', '/v1/folders'],
        ['PUT', '/v1/signing/trust-anchors/sim'],
        ['PATCH', '/v1/folders/01HXAMPLE000000000000000'],
        ['DELETE', '/v1/folders/01HXAMPLE000000000000000'],
      ];
      for (const [method, path] of unsafe) {
        const response = await browse(jar, `${t.url}${path}`, {
          method,
          json: { name: 'Giả mạo' },
          headers: { origin: 'https://evil.example' },
        });
        await assertProblem(response, 403, 'csrf-rejected', method);
      }
      await assertProblem(
        await browse(jar, `${t.url}/auth/logout`, { method: 'POST' }),
        403,
        'csrf-rejected',
        'logout without CSRF',
      );
    });
    assert.equal(await folders(), count);
    assert.equal((await stored()).revocations, 0, 'the refused logout revoked nothing');
    assert.equal((await browse(jar, `${t.url}/auth/session`)).status, 200, 'the session lives on');
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason, entry.detail?.method]),
      ['POST', 'PUT', 'PATCH', 'DELETE', 'POST'].map((method) => ['auth.session-refused', 'csrf', method]),
    );
  });

  test('a made-up session id: 401, audited without the cookie value', async () => {
    const jar = new CookieJar();
    const madeUp = randomToken();
    jar.cookies.set(sessionCookie, madeUp);
    const entries = await auditedDuring(async () => {
      const response = await browse(jar, `${t.url}/v1/folders`);
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { type: string }).type, 'urn:khoso:problem:unauthenticated');
    });
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason]),
      [['auth.session-refused', 'unknown-session']],
    );
    assert.ok(!JSON.stringify(entries).includes(madeUp));
  });
});

describe('SSO browser login: an account type the provider may not vouch for', () => {
  let citizensOnly: TestVault;
  before(async () => {
    citizensOnly = await startTestVault({ embeddedProviderAccountTypes: ['citizen'] });
  });
  after(() => citizensOnly.close());

  test('an officer signing in through a citizens-only provider: 403, no session, audited', async () => {
    const entries = await auditedDuring(async () => {
      const jar = new CookieJar();
      const response = await loginThroughBrowser(jar, citizensOnly.url, 'officer-pham-duc-thang');
      const problem = await assertProblem(response, 403, 'login-refused', 'officer');
      assert.match(problem.detail ?? '', /may not vouch for officer accounts/);
      assert.ok(!jar.cookies.has(sessionCookie));
    }, citizensOnly);
    assert.deepEqual(await stored(citizensOnly), { sessions: 0, attempts: 0, revocations: 0 });
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.detail?.reason, entry.detail?.sub]),
      [['auth.login-refused', 'account-type-not-allowed', 'officer-pham-duc-thang']],
    );
    // A citizen still signs in there.
    assert.equal((await loginThroughBrowser(new CookieJar(), citizensOnly.url, 'citizen-tran-van-minh')).status, 303);
  });
});
