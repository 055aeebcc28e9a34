import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestVault, type Persona, type TestVault } from '../integration/support/test-vault.ts';
import { ensureSchemathesis, reportDir, runSchemathesis, type ContractRun } from './schemathesis.ts';

/**
 * The published contract is what the API does: Schemathesis generates requests from
 * /openapi.json (valid and invalid ones, every check on) for a citizen, an officer and an
 * administrator against the embedded vault. Any server error, undocumented status, response
 * off its schema, schema-valid request refused or schema-violating request accepted fails.
 * CONTRACT_MAX_EXAMPLES sets the examples per operation (5 by default), CONTRACT_ROLES the roles
 * (a comma-separated subset of citizen,officer,admin; all three by default).
 */
const maxExamples = Number(process.env.CONTRACT_MAX_EXAMPLES ?? 5);
const seed = 20261202;
const allRoles: Persona[] = ['citizen', 'officer', 'admin'];
const roles = process.env.CONTRACT_ROLES
  ? allRoles.filter((role) => process.env.CONTRACT_ROLES?.split(',').includes(role))
  : allRoles;

let t: TestVault;
let executable: string;

before(
  async () => {
    assert.ok(Number.isInteger(maxExamples) && maxExamples >= 1, 'CONTRACT_MAX_EXAMPLES must be a positive integer');
    assert.ok(roles.length > 0, 'CONTRACT_ROLES names none of citizen, officer, admin');
    executable = await ensureSchemathesis();
    t = await startTestVault();
    // A little of everything a citizen lists, so list responses are checked with items in them.
    const citizen = await t.token('citizen');
    const folder = await t.api('POST', '/v1/folders', { token: citizen, body: { name: 'Hồ sơ đất đai' } });
    assert.equal(folder.status, 201, folder.text);
    const link = await t.api('POST', '/v1/links', {
      token: citizen,
      body: { resourceType: 'folder', resourceId: folder.json.id, permissions: ['metadata'] },
    });
    assert.equal(link.status, 201, link.text);
    const share = await t.api('POST', '/v1/shares', {
      token: citizen,
      body: {
        resourceType: 'folder',
        resourceId: folder.json.id,
        grantee: { kind: 'unit', id: 'PC06' },
        permissions: ['metadata'],
      },
    });
    assert.equal(share.status, 201, share.text);
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await t?.close();
});

/** Each failure kind with its operations, then where Schemathesis' full report is. */
function describeFailures(role: string, result: ContractRun): string {
  const kinds = result.failures.map(
    (failure) => `  ${failure.code} ${failure.title} (${failure.count}): ${failure.operations.join(', ')}`,
  );
  return (
    `${role}: ${result.uniqueFailures} failures on ${result.failingOperations.length} operations ` +
    `(${result.generated} test cases)\n${kinds.join('\n')}\nfull report: ${reportDir}/${role}.txt`
  );
}

describe('the API keeps its published contract', () => {
  for (const role of roles) {
    test(`as ${role === 'admin' ? 'an administrator' : `a ${role}`}`, { timeout: 15 * 60_000 }, async () => {
      const result = await runSchemathesis({
        executable,
        baseUrl: t.url,
        token: await t.token(role),
        label: role,
        maxExamples,
        seed,
      });
      assert.equal(result.failures.length, 0, describeFailures(role, result));
      assert.equal(result.exitCode, 0, result.output.slice(-3000));
      assert.ok(result.generated > 0, 'Schemathesis generated requests');
    });
  }
});
