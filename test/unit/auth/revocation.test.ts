import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import {
  cachedDenyList,
  isRevoked,
  type DenyList,
  type RevocationKey,
} from '../../../functions/auth/core/revocation.ts';
import { createTokenVerifier, TokenRejectedError } from '../../../functions/auth/core/token-verifier.ts';
import { dvcqg, dvcqgClaims, own } from './fixtures.ts';

/** An in-memory deny list that counts its reads, as the table would be read. */
function memoryDenyList() {
  const entries = new Map<string, number>();
  const id = (key: RevocationKey) => `${key.issuer} ${key.kind} ${key.value}`;
  const store: DenyList & { reads: number } = {
    reads: 0,
    async revokedAt(key) {
      store.reads += 1;
      return entries.get(id(key));
    },
    async revoke(revocation) {
      entries.set(id(revocation), revocation.revokedAt);
    },
  };
  return store;
}

describe('deny list', () => {
  test('a logout revokes tokens issued up to its second, not those of a later login', async () => {
    const store = memoryDenyList();
    const logoutAt = Date.parse('2026-12-03T09:00:10.400Z');
    await store.revoke({ issuer: dvcqg.issuer, kind: 'sid', value: 's1', revokedAt: logoutAt, expiresAtEpoch: 0 });
    const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    const session = { issuer: dvcqg.issuer, sub: 'u', sid: 's1' };
    assert.equal(await isRevoked(store, { ...session, issuedAt: at('2026-12-03T08:55:00Z') }), true);
    assert.equal(await isRevoked(store, { ...session, issuedAt: at('2026-12-03T09:00:10Z') }), true);
    assert.equal(await isRevoked(store, { ...session, issuedAt: at('2026-12-03T09:00:11Z') }), false);
    assert.equal(await isRevoked(store, { ...session, sid: 's2', issuedAt: at('2026-12-03T08:55:00Z') }), false);
    assert.equal(
      await isRevoked(store, { ...session, issuer: own.issuer, issuedAt: at('2026-12-03T08:55:00Z') }),
      false,
      'the same sid at another provider is another session',
    );
  });

  test('a logout of the subject revokes every session of it', async () => {
    const store = memoryDenyList();
    await store.revoke({ issuer: dvcqg.issuer, kind: 'sub', value: 'u', revokedAt: Date.now(), expiresAtEpoch: 0 });
    assert.equal(await isRevoked(store, { issuer: dvcqg.issuer, sub: 'u', sid: 'any', issuedAt: 1 }), true);
    assert.equal(await isRevoked(store, { issuer: dvcqg.issuer, sub: 'v', sid: 'any', issuedAt: 1 }), false);
  });

  test('the cache answers from memory for its TTL, holds at most maxEntries keys, and sees its own writes at once', async () => {
    const store = memoryDenyList();
    let now = 0;
    const cache = cachedDenyList(store, { ttlMs: 4000, maxEntries: 2, now: () => now });
    const key = (value: string): RevocationKey => ({ issuer: dvcqg.issuer, kind: 'sid', value });
    assert.equal(await cache.revokedAt(key('a')), undefined);
    assert.equal(await cache.revokedAt(key('a')), undefined);
    assert.equal(store.reads, 1, 'a negative answer is cached');
    await store.revoke({ ...key('a'), revokedAt: 5, expiresAtEpoch: 0 });
    now = 3999;
    assert.equal(await cache.revokedAt(key('a')), undefined, 'another container wrote it: unseen within the TTL');
    now = 4000;
    assert.equal(await cache.revokedAt(key('a')), 5, 'seen once the TTL has passed');
    await cache.revoke({ ...key('b'), revokedAt: 7, expiresAtEpoch: 0 });
    assert.equal(await cache.revokedAt(key('b')), 7);
    const reads = store.reads;
    await cache.revokedAt(key('c'));
    await cache.revokedAt(key('a'));
    assert.equal(store.reads, reads + 2, 'the oldest key was dropped to hold the third');
  });
});

describe('token verifier', async () => {
  const dvcqgKey = await generateKeyPair('ES256', { extractable: true });
  const ownKey = await generateKeyPair('ES256', { extractable: true });
  const jwksOf = async (key: CryptoKey) => createLocalJWKSet({ keys: [{ ...(await exportJWK(key)), alg: 'ES256' }] });
  const keys = new Map([
    [dvcqg.issuer, await jwksOf(dvcqgKey.publicKey)],
    [own.issuer, await jwksOf(ownKey.publicKey)],
  ]);
  const sign = (issuer: typeof dvcqg, claims: JWTPayload, iat = Math.floor(Date.now() / 1000) - 60) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 600)
      .sign(issuer === dvcqg ? dvcqgKey.privateKey : ownKey.privateKey);

  function verifier() {
    const store = memoryDenyList();
    const verify = createTokenVerifier({
      issuers: [dvcqg, own],
      keysFor: (issuer) => keys.get(issuer.issuer)!,
      denyList: cachedDenyList(store, { ttlMs: 0, maxEntries: 10 }),
    });
    return { store, verify };
  }

  async function rejection(promise: Promise<unknown>): Promise<TokenRejectedError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof TokenRejectedError, String(error));
      return error;
    }
    assert.fail('the token was accepted');
  }

  test('each trusted issuer is verified with its own keys and mapped with its own mapping', async () => {
    const { verify } = verifier();
    assert.deepEqual(await verify(await sign(dvcqg, dvcqgClaims.citizen)), {
      sub: 'dvcqg-7f3a',
      role: 'citizen',
      ownerId: '079203001234',
    });
    assert.equal((await verify(await sign(own, { sub: 'a', role: 'admin' }))).role, 'admin');
  });

  test('a token claiming one trusted issuer but signed by another is refused (no mix-up)', async () => {
    const { verify } = verifier();
    const forged = await new SignJWT({ ...dvcqgClaims.citizen })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(dvcqg.issuer)
      .setAudience(dvcqg.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(ownKey.privateKey);
    const error = await rejection(verify(forged));
    assert.equal(error.reason, 'invalid');
  });

  test('an unlisted issuer is refused and marked for audit with the issuer it claimed', async () => {
    const { verify } = verifier();
    const error = await rejection(
      verify(await sign({ ...own, issuer: 'https://evil.example' }, { sub: 'a', role: 'admin' })),
    );
    assert.equal(error.reason, 'unlisted-issuer');
    assert.equal(error.audited, true);
    assert.equal(error.issuer, 'https://evil.example');
  });

  test('a failed mapping is marked for audit with the verified issuer and subject', async () => {
    const { verify } = verifier();
    const error = await rejection(verify(await sign(dvcqg, { sub: 'dvcqg-x', LoaiTaiKhoan: '1', SoDinhDanh: '1' })));
    assert.deepEqual(
      [error.reason, error.audited, error.issuer, error.subject],
      ['mapping-failed', true, dvcqg.issuer, 'dvcqg-x'],
    );
  });

  test('a logged-out session is refused even when its token was verified before; a later login is not', async () => {
    const { store, verify } = verifier();
    const before = await sign(dvcqg, { ...dvcqgClaims.citizen, sid: 'S1' });
    await verify(before);
    await store.revoke({ issuer: dvcqg.issuer, kind: 'sid', value: 'S1', revokedAt: Date.now(), expiresAtEpoch: 0 });
    const error = await rejection(verify(before));
    assert.equal(error.reason, 'revoked');
    assert.equal(error.audited, false);
    const later = await sign(dvcqg, { ...dvcqgClaims.citizen, sid: 'S1' }, Math.floor(Date.now() / 1000) + 1);
    assert.equal((await verify(later)).ownerId, '079203001234');
  });

  test('auth_time, when present, decides: a token refreshed after the logout in the old login is refused', async () => {
    const { store, verify } = verifier();
    const now = Math.floor(Date.now() / 1000);
    await store.revoke({
      issuer: dvcqg.issuer,
      kind: 'sub',
      value: 'dvcqg-7f3a',
      revokedAt: Date.now(),
      expiresAtEpoch: 0,
    });
    const refreshed = await sign(dvcqg, { ...dvcqgClaims.citizen, auth_time: now - 100 }, now + 1);
    assert.equal((await rejection(verify(refreshed))).reason, 'revoked');
  });

  test('an oversize token is refused before it is decoded', async () => {
    const { verify } = verifier();
    assert.equal((await rejection(verify(`${'a'.repeat(9000)}.b.c`))).reason, 'size');
  });
});
