import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import type { NationalWarehouseSimulator } from '../simulators/national-warehouse-simulator.ts';
import { makePdf } from '../integration/support/fixtures.ts';
import { ownerA, ownerB, shareWith, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Officers pulling an owner's papers from the national warehouse: only with a consent the owner
 * gave the officer's unit, themself, on the imported folder, and only while it works. Every
 * refusal is a 403 problem, records no pull, sends nothing to the portal, and is in the owner's
 * access log with the purpose the officer gave.
 */
let w: SecurityWorld;
let simulator: NationalWarehouseSimulator;
let otherUnit: string;
const procedureCode = '1.004616.000.00.00.H56';
const caseNumber = 'HS-2026/0099';

before(async () => {
  w = await startWorld({ signature: false });
  assert.ok(w.t.vault.nationalWarehouse.simulator);
  simulator = w.t.vault.nationalWarehouse.simulator;
  simulator.seedResults(ownerA, [
    {
      resultTypeCode: 'KQ.G15.000031',
      name: 'Giấy khai sinh',
      number: '31/2015/KS',
      issuingBody: '000.00.01.H22',
      files: [{ name: 'khai-sinh.pdf', path: `/kho/${ownerA}/ks.pdf`, content: await makePdf('Khai sinh') }],
    },
  ]);
  otherUnit = await w.t.vault.issuer.issueToken({ sub: 'officer-hoang-van-em', role: 'officer', unit: 'PC08' });
});
after(async () => {
  await w?.t.close();
});

interface AccessLogEntry {
  id: string;
  action: string;
  outcome: string;
  actor: { sub: string; unit?: string };
  detail?: Record<string, unknown>;
}

async function accessLog(token = w.a): Promise<AccessLogEntry[]> {
  const response = await w.t.api('GET', '/v1/access-log?limit=1000', { token });
  assert.equal(response.status, 200, response.text);
  return response.json.items as AccessLogEntry[];
}

const officerPull = (token: string, ownerId: string = ownerA) =>
  w.t.api('POST', '/v1/national-warehouse/pulls', { token, body: { procedureCode, ownerId, caseNumber } });

/**
 * Asserts the officer's pull is refused with 403 permission-denied, changes nothing in either
 * vault, sends nothing to the portal, and adds one denial (with the purpose) to the owner's access log.
 */
async function refusedAndAudited(
  token: string,
  unit: string,
  ownerId: string = ownerA,
  ownerToken = w.a,
): Promise<void> {
  const seen = new Set((await accessLog(ownerToken)).map((entry) => entry.id));
  const portalCalls = simulator.requestCount();
  await unchanged(w, async () => {
    assertProblem(await officerPull(token, ownerId), 403, 'permission-denied');
    await w.t.vault.pulls.idle();
  });
  assert.equal(simulator.requestCount(), portalCalls, 'nothing sent to the portal');
  const added = (await accessLog(ownerToken)).filter((entry) => !seen.has(entry.id));
  assert.deepEqual(
    added.map((entry) => [entry.action, entry.outcome, entry.actor.unit]),
    [['national-warehouse.officer-pull-denied', 'denied', unit]],
  );
  assert.deepEqual(added[0]!.detail, { procedureCode, caseNumber, unit, reason: 'no-consent' });
}

const consentToImported = (unit: string, extra: { expiresAt?: string } = {}) =>
  shareWith(w, {
    resourceType: 'folder',
    resourceId: 'sys-imported',
    grantee: { kind: 'unit', id: unit },
    permissions: ['metadata', 'download'],
    ...extra,
  });

describe("officers' pulls refused", () => {
  test("no consent at all: 403, nothing recorded or sent, the refusal in the owner's access log", async () => {
    await refusedAndAudited(w.officer, 'PC06');
  });

  test("a consent on another of the owner's folders, or a document, does not allow a pull", async () => {
    for (const [resourceType, resourceId] of [
      ['folder', w.ids.folder],
      ['document', w.ids.document],
    ] as const) {
      const consent = await shareWith(w, {
        resourceType,
        resourceId,
        grantee: { kind: 'unit', id: 'PC06' },
        permissions: ['metadata', 'content', 'download'],
      });
      await refusedAndAudited(w.officer, 'PC06');
      assert.equal((await w.t.api('DELETE', `/v1/shares/${consent}`, { token: w.a })).status, 204);
    }
  });

  test("the consent of another unit does not open the owner's vault to this one", async () => {
    const consent = await consentToImported('PC08');
    await refusedAndAudited(w.officer, 'PC06');
    // Control: the unit consented to may pull.
    const allowed = await officerPull(otherUnit);
    assert.equal(allowed.status, 202, allowed.text);
    await w.t.vault.pulls.idle();
    assert.equal((await w.t.api('DELETE', `/v1/shares/${consent}`, { token: w.a })).status, 204);
  });

  test("a consent to pull into A's vault does not allow pulling B's papers", async () => {
    const consent = await consentToImported('PC06');
    await refusedAndAudited(w.officer, 'PC06', ownerB, w.b);
    assert.equal((await w.t.api('DELETE', `/v1/shares/${consent}`, { token: w.a })).status, 204);
  });

  test('a revoked consent, or an expired one, is refused', async () => {
    const revoked = await consentToImported('PC06');
    assert.equal((await w.t.api('DELETE', `/v1/shares/${revoked}`, { token: w.a })).status, 204);
    await refusedAndAudited(w.officer, 'PC06');

    const expiring = await consentToImported('PC06', { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const record = (await w.t.vault.deps.repository.getShare(expiring))!;
    await w.t.vault.deps.repository.commit({
      ownerId: ownerA,
      shares: [{ next: { ...record, expiresAt: new Date(Date.now() - 1000).toISOString() }, previous: record }],
      audit: [],
    });
    await refusedAndAudited(w.officer, 'PC06');
  });

  test("a grantee resharing the owner's imported folder to a unit does not let that unit pull", async () => {
    const toB = await shareWith(w, { resourceType: 'folder', resourceId: 'sys-imported', canReshare: true });
    const reshared = await w.t.api('POST', '/v1/shares', {
      token: w.b,
      body: {
        resourceType: 'folder',
        resourceId: 'sys-imported',
        viaShareId: toB,
        grantee: { kind: 'unit', id: 'PC06' },
        permissions: ['metadata'],
      },
    });
    assert.equal(reshared.status, 201, reshared.text);
    await refusedAndAudited(w.officer, 'PC06');
    assert.equal((await w.t.api('DELETE', `/v1/shares/${toB}`, { token: w.a })).status, 204);
  });
});

describe('who may ask at all', () => {
  test('an officer token without a unit, a citizen for someone else, an administrator: refused, nothing sent', async () => {
    const portalCalls = simulator.requestCount();
    const noUnit = await w.t.vault.issuer.issueToken({ sub: 'officer-khong-don-vi', role: 'officer' });
    // Such a token never becomes a principal (officers' claims name a unit); the use case refuses one too (unit test).
    assertProblem(await officerPull(noUnit), 401, 'unauthenticated');
    assertProblem(await officerPull(w.b), 422, 'invalid-input');
    assertProblem(await officerPull(w.admin), 403, 'forbidden-role');
    await w.t.vault.pulls.idle();
    assert.equal(simulator.requestCount(), portalCalls);
  });

  test('an owner id that is not a personal ID or an enterprise code is 400 before anything is read', async () => {
    for (const ownerId of ['12345', '079203001234x', '../079203001234', '']) {
      assertProblem(await officerPull(w.officer, ownerId), 400, 'invalid-request', ownerId);
    }
  });
});
