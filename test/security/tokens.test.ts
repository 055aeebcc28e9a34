import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportSPKI, generateKeyPair, importJWK, UnsecuredJWT, type CryptoKey } from 'jose';
import { assertProblem } from '../integration/support/http-client.ts';
import { personas } from '../integration/support/test-vault.ts';
import { startWorld, tokenCrafter, unchanged, type SecurityWorld } from './support.ts';

/**
 * Tokens an attacker can make: every one is a 401 problem+json with a Bearer challenge, on a
 * read and on a write, and the write changes nothing. Unauthenticated calls have no
 * principal, so there is nobody's history to audit them in.
 */
let w: SecurityWorld;
let crafter: Awaited<ReturnType<typeof tokenCrafter>>;

before(async () => {
  w = await startWorld({ signature: false });
  crafter = await tokenCrafter(w.t);
});
after(async () => {
  await w?.t.close();
});

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function assertRefused(authorization: string, label: string): Promise<void> {
  await unchanged(w, async () => {
    const read = await w.t.api('GET', `/v1/documents/${w.ids.document}`, { headers: { authorization } });
    assertProblem(read, 401, 'unauthenticated', `${label} (read)`);
    assert.match(read.headers.get('www-authenticate') ?? '', /^Bearer/, `${label}: WWW-Authenticate`);
    assert.doesNotMatch(
      read.text,
      /personas|079203001234|at \w+ \(|node_modules|\.ts:\d+/,
      `${label}: nothing about the vault or internals`,
    );
    const write = await w.t.api('PATCH', `/v1/documents/${w.ids.document}`, {
      headers: { authorization },
      body: { title: `by ${label}` },
    });
    assertProblem(write, 401, 'unauthenticated', `${label} (write)`);
    const create = await w.t.api('POST', '/v1/folders', { headers: { authorization }, body: { name: `by ${label}` } });
    assertProblem(create, 401, 'unauthenticated', `${label} (create)`);
  });
}

describe('tokens', () => {
  test("control: a well-formed token signed by the issuer opens A's document", async () => {
    const response = await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: await crafter.craft() });
    assert.equal(response.status, 200, response.text);
  });

  test('forged: the payload changed to another owner, the signature kept', async () => {
    const [header, , signature] = (await crafter.craft({ claims: personas.citizen2 })).split('.');
    const now = Math.floor(Date.now() / 1000);
    const payload = b64url({
      ...personas.citizen,
      iss: w.t.vault.issuer.issuer,
      aud: w.t.vault.issuer.audience,
      iat: now - 60,
      exp: now + 600,
    });
    await assertRefused(`Bearer ${header}.${payload}.${signature}`, 'forged payload');
  });

  test("forged: a token signed by an attacker's key under the issuer's kid", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await assertRefused(`Bearer ${await crafter.craft({ key: privateKey })}`, 'foreign key');
  });

  test('expired a minute ago (beyond the 5 s clock tolerance)', async () => {
    await assertRefused(`Bearer ${await crafter.craft({ expiresAt: Math.floor(Date.now() / 1000) - 60 })}`, 'expired');
  });

  test('not valid yet (nbf an hour ahead)', async () => {
    await assertRefused(
      `Bearer ${await crafter.craft({ notBefore: Math.floor(Date.now() / 1000) + 3600 })}`,
      'nbf in the future',
    );
  });

  test('wrong issuer, and an issuer differing only by a trailing slash', async () => {
    await assertRefused(`Bearer ${await crafter.craft({ issuer: 'https://sso.evil.example/' })}`, 'wrong issuer');
    await assertRefused(
      `Bearer ${await crafter.craft({ issuer: `${w.t.vault.issuer.issuer}/` })}`,
      'issuer with a trailing slash',
    );
  });

  test('wrong audience, and an audience list that does not name the vault', async () => {
    await assertRefused(`Bearer ${await crafter.craft({ audience: 'khoso-admin' })}`, 'wrong audience');
    await assertRefused(
      `Bearer ${await crafter.craft({ audience: ['another-app', 'khoso '] })}`,
      'audience list without khoso',
    );
  });

  test('alg:none, in both spellings', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsecured = new UnsecuredJWT({ ...personas.citizen })
      .setIssuer(w.t.vault.issuer.issuer)
      .setAudience(w.t.vault.issuer.audience)
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 600)
      .encode();
    await assertRefused(`Bearer ${unsecured}`, 'alg none');
    const [, payload] = unsecured.split('.');
    await assertRefused(`Bearer ${b64url({ alg: 'NONE', typ: 'JWT' })}.${payload}.`, 'alg NONE');
    // The valid token's signature kept, the header swapped to none.
    const [, signedPayload, signature] = (await crafter.craft()).split('.');
    await assertRefused(
      `Bearer ${b64url({ alg: 'none', kid: 'khoso-local-1' })}.${signedPayload}.${signature}`,
      'alg none with a signature',
    );
  });

  test("HS256 with the issuer's public key as the secret (PEM, JWK and x coordinate)", async () => {
    const { d: _secret, ...publicJwk } = crafter.privateJwk;
    const pem = await exportSPKI((await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    const secrets = [pem, pem.trim(), JSON.stringify(w.t.vault.issuer.jwks.keys[0]), publicJwk.x ?? ''];
    for (const [index, secret] of secrets.entries()) {
      await assertRefused(
        `Bearer ${await crafter.craft({ alg: 'HS256', key: new TextEncoder().encode(secret) })}`,
        `HS256 #${index}`,
      );
    }
  });

  test('required claims missing: no exp, no iat, no sub', async () => {
    await assertRefused(`Bearer ${await crafter.craft({ omit: ['exp'] })}`, 'no exp');
    await assertRefused(`Bearer ${await crafter.craft({ omit: ['iat'] })}`, 'no iat');
    await assertRefused(`Bearer ${await crafter.craft({ omit: ['sub'] })}`, 'no sub');
  });

  test('a signed token whose role claim is escalated or malformed', async () => {
    // The issuer's key, but claims the vault does not accept: it checks them, not just the signature.
    for (const claims of [
      { role: 'superuser' },
      { role: ['admin', 'citizen'] },
      { role: 'Admin' },
      { ownerId: '079203001234 OR 1=1' },
      { ownerId: ['079203001234'] },
    ]) {
      await assertRefused(`Bearer ${await crafter.craft({ claims })}`, `claims ${JSON.stringify(claims)}`);
    }
  });

  test('a token passed anywhere but the Authorization header is ignored (query string, cookie)', async () => {
    const valid = await crafter.craft();
    await unchanged(w, async () => {
      const query = await w.t.api('GET', `/v1/documents/${w.ids.document}?access_token=${valid}`);
      assert.ok(query.status === 401 || query.status === 400, query.text);
      assert.ok(
        query.json?.type === 'urn:khoso:problem:unauthenticated' ||
          query.json?.type === 'urn:khoso:problem:invalid-request',
        query.text,
      );
      const cookie = await w.t.api('POST', '/v1/folders', {
        headers: { cookie: `access_token=${valid}` },
        body: { name: 'qua cookie' },
      });
      assertProblem(cookie, 401, 'unauthenticated');
    });
  });

  test("a token of another persona cannot reach A's vault even when it names A's ownerId elsewhere", async () => {
    // B's token, A's ownerId smuggled in a header and the query: the principal comes from the token alone.
    await unchanged(w, async () => {
      const response = await w.t.api('GET', `/v1/documents/${w.ids.document}`, {
        token: w.b,
        headers: { 'x-owner-id': personas.citizen.ownerId, 'x-forwarded-user': personas.citizen.sub },
      });
      assertProblem(response, 404, 'not-found');
    });
  });
});
