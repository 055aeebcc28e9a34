import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import type { RouteContract } from '../../../functions/platform/http/contract/route-contract.ts';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import type { TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';
import { backChannelLogoutEvent } from '../../../functions/auth/core/logout.ts';
import { entities } from '../../../functions/platform/storage/schema.ts';
import type { ApiResponse } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../support/test-vault.ts';
import { authAuditEntries, type AuthAuditEntry } from '../support/auth-audit.ts';

/**
 * Single logout over HTTP against the embedded runtime, with real keys: the embedded issuer signs
 * access and logout tokens, and a second provider (DVCQG-style claims, citizens only) publishes its
 * JWKS from its own HTTP server, which the vault fetches.
 */
let t: TestVault;
let portal: Server;
let portalIssuer: TrustedIssuer;
const portalKeys = await generateKeyPair('ES256', { extractable: true });
const strangerKeys = await generateKeyPair('ES256');

before(async () => {
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(portalKeys.publicKey)), kid: 'portal-1', alg: 'ES256' }],
  });
  portal = createServer((req, res) => {
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  portalIssuer = {
    id: 'portal',
    issuer: `${base}/`,
    jwksUrl: `${base}/jwks.json`,
    clientId: 'khoso-rp',
    audience: 'khoso',
    claimMapping: 'dvcqg',
    accountTypes: ['citizen'],
    tokenKinds: ['user'],
    maxTokenLifetimeSeconds: 3600,
  };
  t = await startTestVault({ identityProviders: [portalIssuer] });
});
after(async () => {
  await t.close();
  await new Promise((resolve) => portal.close(resolve));
});

const citizen = personas.citizen;

async function sessionToken(sid: string): Promise<string> {
  const response = await t.api<{ accessToken: string }>('POST', '/_local/token', { body: { ...citizen, sid } });
  assert.equal(response.status, 200, response.text);
  return response.json.accessToken;
}

const readFolders = (token: string) => t.api('GET', '/v1/folders', { token });

function backChannel(logoutToken: string, contentType = 'application/x-www-form-urlencoded') {
  return t.api('POST', '/auth/backchannel-logout', {
    rawBody: new URLSearchParams({ logout_token: logoutToken }).toString(),
    headers: { 'content-type': contentType },
  });
}

function authAudit(): Promise<AuthAuditEntry[]> {
  return authAuditEntries(t.vault);
}

/** Each refusal is the spec's 400 with an OAuth error, not cached. */
function assertInvalidRequest(response: ApiResponse, label: string) {
  assert.equal(response.status, 400, `${label}: ${response.text}`);
  assert.equal(response.json?.error, 'invalid_request', label);
  assert.equal(typeof response.json?.error_description, 'string', label);
  assert.equal(response.headers.get('cache-control'), 'no-store', label);
}

describe('single logout reaches bearer tokens', () => {
  test('back-channel logout: the session is refused within 5 s; a later login is accepted', async () => {
    const token = await sessionToken('bc-session-1');
    const otherSession = await sessionToken('bc-session-2');
    assert.equal((await readFolders(token)).status, 200);

    const started = performance.now();
    const response = await backChannel(await t.vault.issuer.issueLogoutToken({ sid: 'bc-session-1' }));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    let refused = await readFolders(token);
    while (refused.status === 200 && performance.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await readFolders(token);
    }
    const elapsed = performance.now() - started;
    console.log(`back-channel logout to first refused request (embedded runtime): ${elapsed.toFixed(0)} ms`);
    assert.equal(refused.status, 401);
    assert.match(refused.json.detail, /logged out/);
    assert.ok(elapsed < 5000, `${elapsed} ms`);
    assert.equal((await readFolders(otherSession)).status, 200, 'another session of the same person is untouched');

    // A new login of the same session id, in a later second than the logout, is not blocked.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    assert.equal((await readFolders(await sessionToken('bc-session-1'))).status, 200);
    assert.ok((await authAudit()).some((entry) => entry.action === 'auth.logout'));
  });

  test('front-channel logout ends the session it names (no-store), and only for a trusted iss', async () => {
    const token = await sessionToken('fc-session-1');
    const query = (iss: string) => `/auth/frontchannel-logout?${new URLSearchParams({ iss, sid: 'fc-session-1' })}`;
    const stranger = await t.api('GET', query('https://evil.example/'));
    assertInvalidRequest(stranger, 'unlisted iss');
    assert.equal((await readFolders(token)).status, 200);
    const response = await t.api('GET', query(t.vault.issuer.issuer));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await readFolders(token)).status, 401);
    assertInvalidRequest(await t.api('GET', '/auth/frontchannel-logout?sid=x'), 'no iss');
  });
});

describe('hostile logout requests: 400, audited, nothing revoked', () => {
  test('every malformed or forged logout token is refused and the session stays open', async () => {
    const victim = await sessionToken('victim');
    const issuer = t.vault.issuer;
    const now = Math.floor(Date.now() / 1000);
    const valid = { sid: 'victim' };
    const localJwk = issuer.jwks.keys[0]!;
    const publicPem = new TextEncoder().encode(await exportSPKI((await importJWK(localJwk, 'ES256')) as CryptoKey));
    const claims: JWTPayload = {
      iss: issuer.issuer,
      aud: 'khoso-local',
      iat: now,
      exp: now + 60,
      jti: 'forged',
      sid: 'victim',
      events: { [backChannelLogoutEvent]: {} },
    };
    const replayed = await issuer.issueLogoutToken({ sid: 'replay-target' });
    assert.equal((await backChannel(replayed)).status, 200);
    const cases: [string, string][] = [
      ['alg none', new UnsecuredJWT(claims).encode()],
      [
        'HS256 with the JWKS public key',
        await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(publicPem),
      ],
      [
        'signed by a stranger',
        await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(strangerKeys.privateKey),
      ],
      ['wrong aud', await issuer.issueLogoutToken(valid, { claims: { aud: 'khoso' } })],
      ['wrong iss', await issuer.issueLogoutToken(valid, { claims: { iss: 'https://evil.example/' } })],
      ['another trusted iss', await issuer.issueLogoutToken(valid, { claims: { iss: portalIssuer.issuer } })],
      ['expired', await issuer.issueLogoutToken(valid, { claims: { iat: now - 600, exp: now - 300 } })],
      ['missing events', await issuer.issueLogoutToken(valid, { claims: { events: undefined } })],
      [
        'wrong event URI',
        await issuer.issueLogoutToken(valid, { claims: { events: { 'http://schemas.openid.net/event/logout': {} } } }),
      ],
      ['nonce present', await issuer.issueLogoutToken(valid, { claims: { nonce: 'n' } })],
      ['neither sub nor sid', await issuer.issueLogoutToken({})],
      ['replayed jti', replayed],
      ['oversize token', await issuer.issueLogoutToken(valid, { claims: { pad: 'x'.repeat(10_000) } })],
    ];
    const refusedBefore = (await authAudit()).filter((entry) => entry.action === 'auth.logout-refused').length;
    for (const [label, token] of cases) assertInvalidRequest(await backChannel(token), label);
    assertInvalidRequest(await backChannel(await issuer.issueLogoutToken(valid), 'application/json'), 'JSON body');
    assertInvalidRequest(
      await t.api('POST', '/auth/backchannel-logout', {
        rawBody: 'logout_token=a&logout_token=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      'repeated parameter',
    );
    const refused = (await authAudit()).filter((entry) => entry.action === 'auth.logout-refused');
    assert.equal(refused.length - refusedBefore, cases.length, 'each refused token is audited');
    assert.equal((await readFolders(victim)).status, 200, 'nothing was revoked');
    console.log(`hostile logout requests refused: ${cases.length + 2}`);
  });
});

describe('hostile access tokens: 401, audited in the auth chain, never in a citizen chain', () => {
  const signAsPortal = (claims: JWTPayload, issuer = portalIssuer.issuer, key = portalKeys.privateKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'portal-1' })
      .setIssuer(issuer)
      .setAudience('khoso')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  test("the portal's citizen is accepted through the portal's own JWKS (the control case)", async () => {
    const token = await signAsPortal({ sub: 'p-1', LoaiTaiKhoan: '1', SoDinhDanh: '079203001234' });
    assert.equal((await readFolders(token)).status, 200);
  });

  test('unlisted issuer, failed mapping, account type not allowed, person with machine scopes', async () => {
    const cases: [string, string, string][] = [
      [
        'unlisted issuer',
        await signAsPortal({ sub: 'p-2', LoaiTaiKhoan: '1', SoDinhDanh: '079203001234' }, 'https://evil.example/'),
        'unlisted-issuer',
      ],
      ['mapping failure', await signAsPortal({ sub: 'p-3', LoaiTaiKhoan: '1', SoDinhDanh: '123' }), 'mapping-failed'],
      [
        'account type not allowed',
        await signAsPortal({ sub: 'p-4', LoaiTaiKhoan: '2', MaSoThue: '0101234567' }),
        'account-type-not-allowed',
      ],
      [
        'user token with machine scopes',
        await t.vault.issuer.issueToken({ ...citizen, scope: 'results:read' }),
        'user-token-with-machine-scopes',
      ],
    ];
    for (const [label, token, reason] of cases) {
      const response = await readFolders(token);
      assert.equal(response.status, 401, `${label}: ${response.text}`);
      assert.equal(response.contentType, 'application/problem+json', label);
      const audited = (await authAudit()).filter((entry) => entry.action === 'auth.token-refused');
      assert.equal(audited.at(-1)?.detail?.reason, reason, label);
    }
    const { Items } = await t.vault.table.client.send(
      new QueryCommand({
        TableName: t.vault.table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': entities.auditEntry.pk.of({ ownerId: citizen.ownerId, block: 0 }) },
      }),
    );
    assert.ok(!(Items ?? []).some((item) => String(item.action).startsWith('auth.')), 'no citizen chain touched');
  });

  test("a machine client (role system) is authenticated but may use none of a person's routes: 403", async () => {
    const response = await t.api<{ accessToken: string }>('POST', '/_local/token', {
      body: { sub: 'svc-a08', role: 'system', clientId: 'a08', unit: 'A08', scopes: ['results:write'] },
    });
    assert.equal(response.status, 200, response.text);
    const token = response.json.accessToken;
    // Its own routes (machineScope) are tested in integration-results.test.ts.
    const routes = (apiRoutes as readonly RouteContract[]).filter((route) => !route.public && !route.machineScope);
    assert.ok(routes.length > 30);
    for (const route of routes) {
      const path = route.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const refused = await t.api(route.method, path, { token, ...(route.body ? { body: {} } : {}) });
      assert.equal(refused.status, 403, `${route.method} ${route.path}: ${refused.text}`);
    }
  });
});
