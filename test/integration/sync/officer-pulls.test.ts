/**
 * An officer pulling an owner's papers from the national warehouse within a procedure, with the
 * owner's consent, on the embedded runtime against its simulator: the papers land in the owner's
 * vault, the portal hears the officer on channel 1, the owner sees who pulled and why, and the
 * officer reads the papers through the same consent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makePdf, sha256Hex } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault, type VaultDocument } from '../support/test-vault.ts';
import { documentHistory, folderDocuments } from '../support/vault-reads.ts';
import type { NationalWarehouseSimulator } from '../../simulators/national-warehouse-simulator.ts';

interface PullReport {
  pull: {
    id: string;
    ownerId: string;
    state: 'running' | 'done' | 'failed';
    reason?: string;
    fileCount?: number;
    requester: { sub: string; role: string; unit?: string };
    officer?: { caseNumber: string; consentId: string };
  };
  files: { outcome: string; documentId?: string; number: string }[];
}
interface AccessLogEntry {
  action: string;
  outcome: string;
  resourceId: string;
  actor: { sub: string; unit?: string };
  detail?: Record<string, unknown>;
}

const owner = personas.citizen2.ownerId;
const procedureCode = '1.004616.000.00.00.H56';
const caseNumber = 'HS-2026/0042';

let t: TestVault;
let simulator: NationalWarehouseSimulator;
let ownerToken: string;
let officerToken: string;
const contents = new Map<string, Uint8Array>();

before(async () => {
  t = await startTestVault({ pullRetry: { attempts: 3, baseDelayMs: 5 } });
  assert.ok(t.vault.nationalWarehouse.simulator);
  simulator = t.vault.nationalWarehouse.simulator;
  ownerToken = await t.token('citizen2');
  officerToken = await t.token('officer');
  const papers = await Promise.all(
    [1, 2].map(async (index) => {
      const number = `${index}/2025/XN`;
      const content = await makePdf(`Paper ${index} of ${owner}`);
      contents.set(number, content);
      return {
        resultTypeCode: `KQ.G02.00000${index}`,
        name: `Giấy xác nhận ${index}`,
        number,
        issuingBody: '000.00.06.H22',
        files: [{ name: `xac-nhan-${index}.pdf`, path: `/kho/${owner}/${index}.pdf`, content }],
      };
    }),
  );
  simulator.seedResults(owner, papers);
});
after(async () => {
  await t.close();
});

describe("an officer's pull with the owner's consent", () => {
  let consentId: string;
  let report: PullReport;
  let imported: VaultDocument[];

  before(async () => {
    // The owner has never pulled: consenting to pulls into the imported folder creates it.
    const consent = await t.api<{ id: string }>('POST', '/v1/shares', {
      token: ownerToken,
      body: {
        resourceType: 'folder',
        resourceId: 'sys-imported',
        grantee: { kind: 'unit', id: 'PC06' },
        permissions: ['metadata', 'download'],
      },
    });
    assert.equal(consent.status, 201, consent.text);
    consentId = consent.json.id;

    const started = await t.api<PullReport['pull']>('POST', '/v1/national-warehouse/pulls', {
      token: officerToken,
      body: { procedureCode, ownerId: owner, caseNumber },
    });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.json.ownerId, owner);
    assert.deepEqual(started.json.requester, { sub: personas.officer.sub, role: 'officer', unit: 'PC06' });
    assert.deepEqual(started.json.officer, { caseNumber, consentId });
    await t.vault.pulls.idle();
    const read = await t.api<PullReport>('GET', `/v1/national-warehouse/pulls/${started.json.id}`, {
      token: officerToken,
    });
    assert.equal(read.status, 200, read.text);
    report = read.json;
    imported = await folderDocuments(t.api, ownerToken, 'sys-imported');
  });

  test("files the papers in the owner's folder, imported, bytes as the portal sent", () => {
    assert.equal(report.pull.state, 'done', report.pull.reason);
    assert.deepEqual(
      report.files.map((file) => file.outcome),
      ['filed', 'filed'],
    );
    assert.equal(imported.length, 2);
    for (const file of report.files) {
      const document = imported.find((candidate) => candidate.id === file.documentId);
      assert.ok(document, `document ${file.documentId} in the owner's imported folder`);
      assert.equal(document.ownerId, owner);
      assert.equal(document.source, 'imported');
      assert.equal(document.sha256, sha256Hex(contents.get(file.number)!));
    }
  });

  test('the portal heard the officer: channel 1, their account as requester, the owner and the procedure', () => {
    const message = simulator.pullMessages().at(-1);
    assert.deepEqual(message, {
      SoDinhDanhChuSoHuu: owner,
      HoTenNguoiYeuCau: personas.officer.sub,
      KenhThucHien: '1',
      SoDinhDanhNguoiYeuCau: personas.officer.sub,
      MaThuTuc: procedureCode,
      DanhSachDanhMucKetQua: [],
    });
  });

  test('the owner and the requesting officer see the pull; another unit, another citizen do not', async () => {
    const path = `/v1/national-warehouse/pulls/${report.pull.id}`;
    const byOwner = await t.api<PullReport>('GET', path, { token: ownerToken });
    assert.equal(byOwner.status, 200, byOwner.text);
    assert.deepEqual(byOwner.json.pull.officer, { caseNumber, consentId });
    const otherUnit = await t.vault.issuer.issueToken({ sub: 'officer-hoang-van-em', role: 'officer', unit: 'PC08' });
    for (const token of [otherUnit, await t.token('citizen')]) {
      assertProblem(await t.api('GET', path, { token }), 404, 'not-found');
    }
  });

  test("the owner's access log shows the officer's pull with unit and purpose; each import names the officer", async () => {
    const log = await t.api<{ items: AccessLogEntry[] }>('GET', '/v1/access-log?limit=100', { token: ownerToken });
    assert.equal(log.status, 200, log.text);
    const entry = log.json.items.find((candidate) => candidate.action === 'national-warehouse.officer-pull-request');
    assert.ok(entry, 'the pull is in the access log');
    assert.equal(entry.resourceId, report.pull.id);
    assert.deepEqual([entry.outcome, entry.actor.sub, entry.actor.unit], ['success', personas.officer.sub, 'PC06']);
    assert.equal(entry.detail?.procedureCode, procedureCode);
    assert.equal(entry.detail?.caseNumber, caseNumber);
    assert.equal(entry.detail?.basis, `consent:${consentId}`);
    for (const document of imported) {
      const imports = (await documentHistory(t.api, ownerToken, document.id)).filter(
        (candidate) => candidate.action === 'document.import',
      );
      assert.deepEqual(
        imports.map((candidate) => [candidate.actor.sub, candidate.actor.unit]),
        [[personas.officer.sub, 'PC06']],
      );
    }
  });

  test('the officer then reads the pulled papers through the same consent, within the purpose', async () => {
    const purpose = `procedureCode=1.004616&caseNumber=${encodeURIComponent(caseNumber)}`;
    const document = imported[0]!;
    const metadata = await t.api<{ id: string }>(
      'GET',
      `/v1/officer/owners/${owner}/documents/${document.id}?${purpose}`,
      { token: officerToken },
    );
    assert.equal(metadata.status, 200, metadata.text);
    const content = await t.api('GET', `/v1/officer/owners/${owner}/documents/${document.id}/content?${purpose}`, {
      token: officerToken,
    });
    assert.equal(content.status, 302, content.text);
    const bytes = new Uint8Array(await (await fetch(content.headers.get('location')!)).arrayBuffer());
    assert.equal(sha256Hex(bytes), document.sha256);
  });

  test('a consent revoked after the request: the worker pulls nothing, the pull fails saying why', async () => {
    const requestsBefore = simulator.requestCount('pullResults');
    const paused = t.vault.pulls.deps.dispatcher;
    const held: string[] = [];
    t.vault.pulls.deps.dispatcher = { dispatch: async (pullId) => void held.push(pullId) };
    try {
      const started = await t.api<PullReport['pull']>('POST', '/v1/national-warehouse/pulls', {
        token: officerToken,
        body: { procedureCode, ownerId: owner, caseNumber },
      });
      assert.equal(started.status, 202, started.text);
      const revoked = await t.api('DELETE', `/v1/shares/${consentId}`, { token: ownerToken });
      assert.equal(revoked.status, 204, revoked.text);
      await paused.dispatch(started.json.id);
      await t.vault.pulls.idle();
      const read = await t.api<PullReport>('GET', `/v1/national-warehouse/pulls/${started.json.id}`, {
        token: ownerToken,
      });
      assert.equal(read.json.pull.state, 'failed');
      assert.match(read.json.pull.reason ?? '', /consent ended before the pull ran/);
      assert.deepEqual(read.json.files, []);
    } finally {
      t.vault.pulls.deps.dispatcher = paused;
    }
    assert.equal(simulator.requestCount('pullResults'), requestsBefore, 'nothing reached the portal');
    assert.equal((await folderDocuments(t.api, ownerToken, 'sys-imported')).length, 2);
    const log = await t.api<{ items: AccessLogEntry[] }>('GET', '/v1/access-log?limit=100', { token: ownerToken });
    const denied = log.json.items.find((entry) => entry.action === 'national-warehouse.officer-pull-denied');
    assert.deepEqual(
      [denied?.outcome, denied?.detail?.reason, denied?.detail?.caseNumber],
      ['denied', 'consent-ended', caseNumber],
    );
  });
});
