import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../support/test-vault.ts';
import { snapshotVault } from '../support/vault-reads.ts';

let t: TestVault;
let privateJwk: JWK;
let signingKey: CryptoKey | Uint8Array;

before(async () => {
  t = await startTestVault();
  // The embedded issuer keeps its key in the data dir: tests may sign as it to craft tokens.
  privateJwk = JSON.parse(await readFile(join(t.dataDir, 'issuer-key.json'), 'utf8')) as JWK;
  signingKey = await importJWK(privateJwk, 'ES256');
});
after(async () => {
  await t.close();
});

const citizenClaims = personas.citizen;

/** A token signed with the issuer's real key; each option bends one thing. */
async function craft(
  options: {
    claims?: JWTPayload;
    issuer?: string;
    audience?: string;
    expiresAt?: number;
    key?: CryptoKey | Uint8Array;
    alg?: string;
    kid?: string;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...citizenClaims, ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? privateJwk.kid ?? 'khoso-local-1' })
    .setIssuer(options.issuer ?? t.vault.issuer.issuer)
    .setAudience(options.audience ?? t.vault.issuer.audience)
    .setIssuedAt(now - 120)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(options.key ?? signingKey);
}

/** Every token below must be refused the same way, on reads and on writes, and change nothing. */
async function assertRefused(authorization: string | undefined, label: string) {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  const read = await t.api('GET', '/v1/folders', { headers });
  const problem = assertProblem(read, 401, 'unauthenticated', label);
  assert.match(read.headers.get('www-authenticate') ?? '', /^Bearer/, `${label}: WWW-Authenticate`);
  assert.doesNotMatch(read.text, /at \w+ \(|node_modules|\.ts:\d+/, `${label}: no internals`);
  assert.ok(problem.detail === undefined || problem.detail.length < 200);
  const write = await t.api('POST', '/v1/folders', {
    headers: { ...headers, 'content-type': 'application/json' },
    rawBody: JSON.stringify({ name: `by ${label}` }),
  });
  assertProblem(write, 401, 'unauthenticated', `${label} (write)`);
}

describe('authentication', () => {
  test('a valid local token opens the vault (the control case)', async () => {
    const response = await t.api('GET', '/v1/folders', { token: await craft() });
    assert.equal(response.status, 200, response.text);
    const issued = await t.api('GET', '/v1/folders', { token: await t.token('citizen') });
    assert.equal(issued.status, 200, issued.text);
  });

  test('missing, garbage and malformed Authorization headers are 401', async () => {
    const before = await snapshotVault(t.api, await t.token('citizen'), { folders: [] });
    await assertRefused(undefined, 'no header');
    await assertRefused('', 'empty header');
    await assertRefused('Bearer', 'Bearer alone');
    await assertRefused('Bearer garbage', 'garbage');
    await assertRefused('Bearer a.b.c', 'three garbage segments');
    await assertRefused(`Basic ${Buffer.from('u:p').toString('base64')}`, 'Basic');
    await assertRefused(`Token ${await craft()}`, 'wrong scheme');
    await assertRefused(`Bearer ${await craft()}x`, 'tampered signature');
    assert.deepEqual(
      await snapshotVault(t.api, await t.token('citizen'), { folders: [] }),
      before,
      'nothing was created',
    );
  });

  test('wrong issuer, wrong audience and expired tokens are 401', async () => {
    await assertRefused(`Bearer ${await craft({ issuer: 'https://evil.example/_local' })}`, 'wrong issuer');
    await assertRefused(`Bearer ${await craft({ audience: 'someone-else' })}`, 'wrong audience');
    await assertRefused(`Bearer ${await craft({ expiresAt: Math.floor(Date.now() / 1000) - 60 })}`, 'expired');
  });

  test('alg:none and HS256 signed with the public key are 401', async () => {
    const unsecured = new UnsecuredJWT({ ...citizenClaims })
      .setIssuer(t.vault.issuer.issuer)
      .setAudience(t.vault.issuer.audience)
      .setSubject(citizenClaims.sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    await assertRefused(`Bearer ${unsecured}`, 'alg none');

    const { d: _secret, ...publicJwk } = privateJwk;
    const pem = await exportSPKI((await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    for (const [label, secret] of [
      ['PEM', pem],
      ['JWK', JSON.stringify(t.vault.issuer.jwks.keys[0])],
    ] as const) {
      const token = await craft({ alg: 'HS256', key: new TextEncoder().encode(secret) });
      await assertRefused(`Bearer ${token}`, `HS256 with the public key (${label})`);
    }
  });

  test('a token from another key under the same kid is 401', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await assertRefused(`Bearer ${await craft({ key: privateKey })}`, 'foreign key');
  });

  test('invalid claims: /_local/token refuses them (400), and signed anyway they are 401', async () => {
    const invalid = [
      { sub: 'c', role: 'citizen', ownerId: '999203001234' }, // no such province
      { sub: 'c', role: 'citizen', ownerId: '07920300123' }, // 11 digits
      { sub: 'c', role: 'citizen', ownerId: '0101234567' }, // an enterprise code is not a personal ID
      { sub: 'c', role: 'organization', ownerId: 'ABC' },
      { sub: 'c', role: 'officer' }, // no unit
      { sub: 'c', role: 'superuser', ownerId: '079203001234' },
      { sub: '', role: 'citizen', ownerId: '079203001234' },
    ];
    for (const claims of invalid) {
      const label = JSON.stringify(claims);
      assertProblem(await t.api('POST', '/_local/token', { body: claims }), 400, 'invalid-request', label);
      const signed = await t.vault.issuer.issueToken(claims as { sub: string; role: string });
      await assertRefused(`Bearer ${signed}`, `signed ${label}`);
    }
    assertProblem(
      await t.api('POST', '/_local/token', { rawBody: '{"sub":', headers: { 'content-type': 'application/json' } }),
      400,
      ['malformed-json', 'invalid-request'],
      'malformed JSON to /_local/token',
    );
  });
});

describe('authorization by role', () => {
  /** A body each vault route accepts, so only the role decides the answer. */
  const validBodies: Record<string, unknown> = {
    createFolder: { name: 'Hồ sơ' },
    updateFolder: { name: 'Hồ sơ mới' },
    updateDocument: { summary: 'Trích yếu' },
    createVersion: { fileName: 'scan.pdf', contentType: 'application/pdf', size: 1000 },
  };
  const vaultRoutes = apiRoutes.filter((route) => route.group === 'folders' || route.group === 'documents');

  for (const persona of ['officer', 'admin'] as const) {
    test(`${persona} calling any vault route gets 403 forbidden-role`, async () => {
      const token = await t.token(persona);
      assert.ok(vaultRoutes.length >= 15);
      const wrong: string[] = [];
      for (const route of vaultRoutes) {
        const path =
          route.path.replace('{id}', 'sys-self').replace('{n}', '1') +
          (route.operationId === 'listDocuments' ? '?folderId=sys-self' : '');
        const body = validBodies[route.operationId];
        const response = await t.api(route.method, path, { token, ...(body ? { body } : {}) });
        // Collected, so one run names every route that answers wrongly.
        if (response.status !== 403 || response.json?.type !== 'urn:khoso:problem:forbidden-role') {
          wrong.push(`${route.method} ${path} -> ${response.status} ${response.json?.type}`);
        } else {
          assertProblem(response, 403, 'forbidden-role', `${persona} ${route.method} ${path}`);
        }
      }
      assert.deepEqual(wrong, [], `${persona} must get 403 forbidden-role on every vault route`);
    });
  }

  test('an admin cannot request uploads; an officer must name a valid owner', async () => {
    const body = { fileName: 'scan.pdf', contentType: 'application/pdf', size: 1000 };
    assertProblem(await t.api('POST', '/v1/uploads', { token: await t.token('admin'), body }), 403, 'forbidden-role');
    assertProblem(
      await t.api('POST', '/v1/uploads', {
        token: await t.token('admin'),
        body: { ...body, ownerId: personas.citizen.ownerId },
      }),
      403,
      'forbidden-role',
    );
    assertProblem(await t.api('POST', '/v1/uploads', { token: await t.token('officer'), body }), 422, 'invalid-input');
    assertProblem(
      await t.api('POST', '/v1/uploads', {
        token: await t.token('officer'),
        body: { ...body, ownerId: '999203001234' },
      }),
      // No province 999: the published ownerId pattern refuses it.
      400,
      'invalid-request',
    );
  });

  test("a citizen may not upload into another owner's vault", async () => {
    const token = await t.token('citizen');
    const body = {
      fileName: 'scan.pdf',
      contentType: 'application/pdf',
      size: 1000,
      ownerId: personas.citizen2.ownerId,
    };
    const response = await t.api('POST', '/v1/uploads', { token, body });
    assert.ok(response.status === 403 || response.status === 422, response.text);
    assertProblem(response, response.status, ['forbidden-role', 'invalid-input']);
    const own = await t.api('POST', '/v1/uploads', { token, body: { ...body, ownerId: personas.citizen.ownerId } });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.json.status.ownerId, personas.citizen.ownerId);
  });
});
