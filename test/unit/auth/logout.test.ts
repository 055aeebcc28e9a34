import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import type { TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';
import {
  backChannelLogout,
  backChannelLogoutEvent,
  frontChannelLogout,
  LogoutRequestError,
  type LogoutDeps,
} from '../../../functions/auth/core/logout.ts';
import type { Revocation } from '../../../functions/auth/core/revocation.ts';
import { dvcqg, own } from './fixtures.ts';

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
const other = await generateKeyPair('ES256');
const source = { sourceIp: '203.0.113.7', requestId: 'req-1' };

interface Recorded {
  revoked: Revocation[];
  audit: AuditEntry[];
  seen: Set<string>;
}

function depsFor(recorded: Recorded): LogoutDeps {
  return {
    issuers: [dvcqg, own],
    keysFor: (issuer: TrustedIssuer) =>
      issuer.issuer === dvcqg.issuer ? createLocalJWKSet(jwks) : () => Promise.reject(),
    denyList: { revoke: async (revocation) => void recorded.revoked.push(revocation) },
    replays: {
      claimOnce: async (issuer, jti) => {
        const key = `${issuer} ${jti}`;
        if (recorded.seen.has(key)) return false;
        recorded.seen.add(key);
        return true;
      },
    },
    appendAudit: async (entry) => void recorded.audit.push(entry),
    clock: { now: () => new Date('2026-12-03T09:00:00.500Z') },
    ids: { newId: () => `id-${Math.random()}` },
  };
}

/** A logout token as DVCQG would sign it; each option bends one thing. */
async function logoutToken(
  options: {
    claims?: JWTPayload;
    omit?: string[];
    header?: Record<string, unknown>;
    key?: CryptoKey | Uint8Array;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: dvcqg.issuer,
    aud: dvcqg.clientId,
    iat: now,
    exp: now + 120,
    jti: `jti-${Math.random()}`,
    sid: 'session-1',
    sub: 'dvcqg-7f3a',
    events: { [backChannelLogoutEvent]: {} },
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'logout+jwt', ...options.header })
    .sign(options.key ?? privateKey);
}

let recorded: Recorded;
let deps: LogoutDeps;
beforeEach(() => {
  recorded = { revoked: [], audit: [], seen: new Set() };
  deps = depsFor(recorded);
});

async function refused(token: string, description: RegExp) {
  await assert.rejects(backChannelLogout(deps, source, token), (error: unknown) => {
    assert.ok(error instanceof LogoutRequestError, String(error));
    assert.match(error.message, description);
    return true;
  });
  assert.deepEqual(recorded.revoked, [], 'nothing revoked');
  assert.equal(recorded.audit.at(-1)?.action, 'auth.logout-refused');
  assert.equal(recorded.audit.at(-1)?.ownerId, 'auth');
}

describe('back-channel logout token validation (OpenID Connect Back-Channel Logout 1.0)', () => {
  test('a valid token revokes the session it names, until the longest token lifetime', async () => {
    await backChannelLogout(deps, source, await logoutToken());
    assert.deepEqual(recorded.revoked, [
      {
        issuer: dvcqg.issuer,
        kind: 'sid',
        value: 'session-1',
        revokedAt: Date.parse('2026-12-03T09:00:00.500Z'),
        expiresAtEpoch: Math.ceil(Date.parse('2026-12-03T09:00:00.500Z') / 1000) + 3600,
      },
    ]);
    assert.deepEqual(
      recorded.audit.map((entry) => [entry.action, entry.ownerId, entry.outcome, entry.resourceId]),
      [['auth.logout', 'auth', 'success', 'session-1']],
    );
  });

  test('without sid, every session of the subject is revoked; typ may be absent or JWT', async () => {
    await backChannelLogout(deps, source, await logoutToken({ omit: ['sid'], header: { typ: undefined } }));
    await backChannelLogout(deps, source, await logoutToken({ omit: ['sub'], header: { typ: 'JWT' } }));
    assert.deepEqual(
      recorded.revoked.map((r) => [r.kind, r.value]),
      [
        ['sub', 'dvcqg-7f3a'],
        ['sid', 'session-1'],
      ],
    );
  });

  test('hostile and malformed tokens are refused, audited, and revoke nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new UnsecuredJWT({
      iss: dvcqg.issuer,
      aud: dvcqg.clientId,
      iat: now,
      exp: now + 60,
      jti: 'x',
      sid: 's',
      events: { [backChannelLogoutEvent]: {} },
    }).encode();
    await refused(unsigned, /signature or algorithm/);
    const publicPem = new TextEncoder().encode(await exportSPKI(publicKey));
    await refused(await logoutToken({ header: { alg: 'HS256' }, key: publicPem }), /signature or algorithm/);
    await refused(await logoutToken({ key: other.privateKey }), /signature or algorithm/);
    await refused(await logoutToken({ claims: { aud: 'someone-else' } }), /aud/);
    await refused(await logoutToken({ claims: { aud: dvcqg.audience } }), /aud/);
    await refused(await logoutToken({ claims: { iss: 'https://evil.example' } }), /not issued by a trusted issuer/);
    await refused(await logoutToken({ claims: { iat: now - 600, exp: now - 300 } }), /expired/);
    await refused(await logoutToken({ omit: ['exp'] }), /exp/);
    await refused(await logoutToken({ omit: ['iat'] }), /iat/);
    await refused(await logoutToken({ omit: ['jti'] }), /jti/);
    await refused(await logoutToken({ omit: ['events'] }), /events/);
    await refused(await logoutToken({ claims: { events: { 'http://schemas.openid.net/event/other': {} } } }), /events/);
    await refused(await logoutToken({ claims: { events: { [backChannelLogoutEvent]: 'yes' } } }), /events/);
    await refused(await logoutToken({ claims: { events: [backChannelLogoutEvent] } }), /events/);
    await refused(await logoutToken({ claims: { nonce: 'n-1' } }), /nonce/);
    await refused(await logoutToken({ omit: ['sub', 'sid'] }), /neither sub nor sid/);
    await refused(await logoutToken({ header: { typ: 'at+jwt' } }), /typ/);
    await refused(await logoutToken({ claims: { pad: 'x'.repeat(9000) } }), /too large/);
    await refused('not-a-jwt', /not a signed JWT/);
    assert.equal(recorded.audit.length, 19);
  });

  test('a replayed jti is refused, and the first logout stands alone', async () => {
    const token = await logoutToken();
    await backChannelLogout(deps, source, token);
    await assert.rejects(backChannelLogout(deps, source, token), /already used/);
    assert.equal(recorded.revoked.length, 1);
    assert.deepEqual(
      recorded.audit.map((entry) => entry.action),
      ['auth.logout', 'auth.logout-refused'],
    );
  });
});

describe('front-channel logout', () => {
  test("revokes the trusted issuer's session; an unlisted issuer revokes nothing (audited)", async () => {
    await frontChannelLogout(deps, source, { iss: own.issuer, sid: 'fc-1' });
    await assert.rejects(frontChannelLogout(deps, source, { iss: 'https://evil.example', sid: 'fc-2' }), /iss/);
    assert.deepEqual(
      recorded.revoked.map((r) => [r.issuer, r.kind, r.value, r.expiresAtEpoch - Math.ceil(r.revokedAt / 1000)]),
      [[own.issuer, 'sid', 'fc-1', 3600]],
    );
    assert.deepEqual(
      recorded.audit.map((entry) => [entry.action, entry.outcome]),
      [
        ['auth.logout', 'success'],
        ['auth.logout-refused', 'denied'],
      ],
    );
  });
});
