import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import { integrationAuditOwner } from '../../functions/integration/core/result-model.ts';
import { entities } from '../../functions/platform/storage/schema.ts';
import { readFixture } from '../integration/support/fixtures.ts';
import { assertProblem, type ApiResponse } from '../integration/support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../integration/support/test-vault.ts';

/**
 * Hostile requests to the business systems' intake: each is a clear 4xx problem+json, files
 * nothing (no result, upload or document item appears) and leaves an audit entry.
 */
let t: TestVault;
let pdf: Uint8Array;
let a08: string;
let c06: string;

async function machineToken(clientId: string, scopes: string[], unit: string): Promise<string> {
  const response = await t.api<{ accessToken: string }>('POST', '/_local/token', {
    body: { sub: clientId, role: 'system', clientId, unit, scopes },
  });
  assert.equal(response.status, 200, response.text);
  return response.json.accessToken;
}

function resultBody(overrides: Record<string, unknown> = {}) {
  return {
    ownerId: personas.citizen.ownerId,
    resultType: 'KQ.G15.000031',
    number: '77/GXN',
    issuer: { code: '000.00.01.H22' },
    procedureCode: '1.004616.000.00.00.H56',
    caseNumber: '000.00.01.H22-241203-0077',
    issueDate: '2024-12-03',
    file: {
      contentType: 'application/pdf',
      size: pdf.byteLength,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    },
    ...overrides,
  };
}

/** How many items of the kinds an intake writes are stored. */
async function filedItems(): Promise<Record<string, number>> {
  const { client, name } = t.vault.table;
  const counts: Record<string, number> = { result: 0, upload: 0, document: 0 };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const entity = String(item.entity);
      if (entity in counts) counts[entity] = (counts[entity] ?? 0) + 1;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return counts;
}

async function refusals(resourceId: string): Promise<AuditEntry[]> {
  const page = await t.vault.deps.repository.listHistory(integrationAuditOwner, resourceId, { limit: 1000 });
  return page.items;
}

/** The attack is refused with `status`/`code`, nothing is filed, and a denied entry names it. */
async function refusedAndAudited(
  attack: () => Promise<ApiResponse>,
  expected: { status: number; code: string; auditedAs: string; detail?: RegExp },
): Promise<void> {
  const before = await filedItems();
  const audited = (await refusals(expected.auditedAs)).length;
  const response = await attack();
  assertProblem(response, expected.status, expected.code);
  assert.deepEqual(await filedItems(), before, 'nothing filed');
  const entries = await refusals(expected.auditedAs);
  assert.equal(entries.length, audited + 1, 'one audit entry for the refusal');
  const [latest] = entries;
  assert.equal(latest?.outcome, 'denied');
  if (expected.detail) assert.match(JSON.stringify(latest?.detail), expected.detail);
}

before(async () => {
  t = await startTestVault();
  pdf = await readFixture('sample-result.pdf');
  a08 = await machineToken('a08-business-system', ['results:write', 'results:read'], 'A08');
  c06 = await machineToken('c06-business-system', ['results:write', 'results:read'], 'C06');
});
after(async () => {
  await t?.close();
});

const file = (token: string, body: Record<string, unknown>) =>
  t.api('POST', '/v1/integration/results', { token, body });

describe('hostile results', () => {
  test('an owner ID that fails validation (bad province code, wrong length, letters)', async () => {
    for (const ownerId of ['999203001234', '07920300123', '07920300123A']) {
      await refusedAndAudited(() => file(a08, resultBody({ ownerId })), {
        status: 422,
        code: 'invalid-input',
        auditedAs: 'a08-business-system',
        detail: /ownerId/,
      });
    }
  });

  test('a result-type code or a number with control or invisible characters', async () => {
    for (const overrides of [
      { resultType: 'KQ.G15\u0000.000031' },
      { resultType: 'KQ.G15.000031\n' + 'X' },
      { number: '77/GXN\u0007' },
      { number: '77/\u202EGXN' },
      { number: '77\r\n/GXN' },
    ]) {
      await refusedAndAudited(() => file(a08, resultBody(overrides)), {
        status: 422,
        code: 'invalid-input',
        auditedAs: 'a08-business-system',
      });
    }
  });

  test('a 2 GB declared size', async () => {
    await refusedAndAudited(
      () => file(a08, resultBody({ file: { ...resultBody().file, size: 2 * 1024 * 1024 * 1024 } })),
      { status: 422, code: 'invalid-input', auditedAs: 'a08-business-system', detail: /file\.size/ },
    );
  });

  test('a machine client without results:write', async () => {
    const reader = await machineToken('c07-reader', ['results:read'], 'C07');
    await refusedAndAudited(() => file(reader, resultBody()), {
      status: 403,
      code: 'forbidden-role',
      auditedAs: 'c07-reader',
      detail: /missing-scope results:write/,
    });
  });

  test("a citizen's, an officer's and an administrator's token", async () => {
    for (const persona of ['citizen', 'officer', 'admin'] as const) {
      const token = await t.token(persona);
      await refusedAndAudited(() => file(token, resultBody()), {
        status: 403,
        code: 'forbidden-role',
        auditedAs: personas[persona].sub,
        detail: new RegExp(`role ${personas[persona].role}`),
      });
    }
  });

  test("another client's result id on the read and revocation routes looks like no result", async () => {
    const filed = await file(a08, resultBody({ number: '78/GXN' }));
    assert.equal(filed.status, 201, filed.text);
    const { resultId } = filed.json as { resultId: string };
    await refusedAndAudited(() => t.api('GET', `/v1/integration/results/${resultId}`, { token: c06 }), {
      status: 404,
      code: 'not-found',
      auditedAs: resultId,
      detail: /c06-business-system/,
    });
    await refusedAndAudited(
      () => t.api('POST', `/v1/integration/results/${resultId}/revocation`, { token: c06, body: { reason: 'không' } }),
      { status: 404, code: 'not-found', auditedAs: resultId },
    );
    const own = await t.api('GET', `/v1/integration/results/${resultId}`, { token: a08 });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.revoked, false);
    assert.equal(own.json.state, 'PENDING_UPLOAD');
    assert.equal('upload' in own.json, false, 'the status carries no way to the content');
  });

  test("another system sending the same identity and content gets a 409, not the first system's upload", async () => {
    const first = await file(a08, resultBody({ number: '79/GXN' }));
    assert.equal(first.status, 201, first.text);
    const { resultId } = first.json as { resultId: string };
    await refusedAndAudited(() => file(c06, resultBody({ number: '79/GXN' })), {
      status: 409,
      code: 'conflict',
      auditedAs: resultId,
      detail: /another system/,
    });
  });

  test('a stage without a seal certificate: 409 seal-not-configured naming the import, nothing filed', async () => {
    const unsealed = await startTestVault({ installDevelopmentSeal: false });
    try {
      const token = (
        await unsealed.api<{ accessToken: string }>('POST', '/_local/token', {
          body: {
            sub: 'a08',
            role: 'system',
            clientId: 'a08-business-system',
            unit: 'A08',
            scopes: ['results:write'],
          },
        })
      ).json.accessToken;
      const refused = await unsealed.api('POST', '/v1/integration/results', { token, body: resultBody() });
      assertProblem(refused, 409, 'seal-not-configured');
      assert.match(refused.json.detail, /PUT \/v1\/signing\/seal-certificate/);
      const { items } = await unsealed.vault.deps.repository.listHistory(integrationAuditOwner, 'a08-business-system', {
        limit: 10,
      });
      assert.equal(items[0]?.action, 'result.refused');
      const { Items = [] } = await unsealed.vault.table.client.send(
        new ScanCommand({
          TableName: unsealed.vault.table.name,
          FilterExpression: 'entity IN (:result, :upload)',
          ExpressionAttributeValues: { ':result': 'result', ':upload': 'upload' },
        }),
      );
      assert.equal(Items.length, 0, 'nothing filed');
    } finally {
      await unsealed.close();
    }
  });

  test("machine clients reach none of a person's routes", async () => {
    for (const [method, path] of [
      ['GET', '/v1/folders'],
      ['POST', '/v1/uploads'],
      ['GET', '/v1/documents'],
    ] as const) {
      const response = await t.api(method, path, {
        token: a08,
        ...(method === 'POST' ? { body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 10 } } : {}),
      });
      assertProblem(response, 403, 'forbidden-role');
    }
  });

  test('the refusals chain verifies for an administrator', async () => {
    const admin = await t.token('admin');
    const verification = await t.api('GET', `/v1/admin/audit-chains/${integrationAuditOwner}/verification`, {
      token: admin,
    });
    assert.equal(verification.status, 200, verification.text);
    assert.equal(verification.json.ok, true, verification.text);
    assert.ok(verification.json.entries > 0, verification.text);
  });
});

// Entities an intake writes are named in the schema; a rename must update this suite's counting.
assert.equal(entities.issuedResult.entity, 'result');
