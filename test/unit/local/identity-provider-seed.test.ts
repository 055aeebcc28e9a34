import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mapClaims } from '../../../functions/auth/core/claim-mapping.ts';
import { isEnterpriseCode, isPersonalId } from '../../../functions/platform/core/principal.ts';
import { embeddedClientIds, embeddedClients } from '../../../lib/local/identity-provider/clients.ts';
import { loadProviderSecrets } from '../../../lib/local/identity-provider/provider-secrets.ts';
import { seedAccounts } from '../../../lib/local/identity-provider/seed-accounts.ts';
import type { TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';

const localSso: TrustedIssuer = {
  id: 'local-sso',
  issuer: 'http://localhost:3000/oidc',
  jwksUrl: 'http://localhost:3000/oidc/jwks',
  clientId: 'khoso-vault',
  audience: 'khoso',
  claimMapping: 'vault-claims',
  accountTypes: ['citizen', 'business', 'organisation', 'officer', 'admin'],
  tokenKinds: ['user', 'machine'],
  maxTokenLifetimeSeconds: 3600,
};

test('the seeded people are the ones the brief asks for, and each maps to a valid vault principal', () => {
  const byRole = (role: string) => seedAccounts.filter((account) => account.claims.role === role);
  assert.equal(byRole('citizen').length, 3);
  assert.equal(byRole('organization').length, 1);
  assert.deepEqual(
    byRole('officer').map((account) => (account.claims as { unit: string }).unit),
    ['PC06', 'PC08'],
  );
  assert.equal(byRole('admin').length, 1);
  assert.equal(new Set(seedAccounts.map((account) => account.accountId)).size, seedAccounts.length);
  for (const account of byRole('citizen')) {
    assert.ok(isPersonalId((account.claims as { ownerId: string }).ownerId), account.name);
    assert.match(account.name, /[^\x00-\x7f]/, 'a Vietnamese name with diacritics');
  }
  for (const account of byRole('organization')) {
    assert.ok(isEnterpriseCode((account.claims as { ownerId: string }).ownerId), account.name);
  }
  for (const account of seedAccounts) {
    const { principal } = mapClaims(localSso, { sub: account.accountId, ...account.claims, name: account.name });
    assert.equal(principal.role, account.claims.role);
  }
});

test('client secrets, signing and cookie keys are made once and read back unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'khoso-idp-secrets-'));
  try {
    const file = join(dir, 'identity-provider.json');
    const first = await loadProviderSecrets(file, embeddedClientIds);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(first.signingKeys.map((key) => key.alg).sort(), ['ES256', 'RS256']);
    assert.ok(
      first.signingKeys.every((key) => typeof key.d === 'string'),
      'private keys are kept',
    );
    const before = await readFile(file, 'utf8');
    const second = await loadProviderSecrets(file, embeddedClientIds);
    assert.deepEqual(second, first);
    assert.equal(await readFile(file, 'utf8'), before, 'nothing rewritten');
    // A client added later gets a secret; the others keep theirs.
    const third = await loadProviderSecrets(file, [...embeddedClientIds, 'c07-business-system']);
    assert.ok(third.clientSecrets['c07-business-system']);
    assert.equal(third.clientSecrets['khoso-vault'], first.clientSecrets['khoso-vault']);
    const clients = embeddedClients('http://localhost:3000', third.clientSecrets);
    assert.equal(clients.vault.redirectUri, 'http://localhost:3000/auth/callback');
    assert.equal(clients.vault.discoveryUrl, 'http://localhost:3000/oidc/.well-known/openid-configuration');
    assert.notEqual(clients.machines[0]!.clientSecret, clients.machines[1]!.clientSecret);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
