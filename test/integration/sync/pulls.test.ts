/**
 * Pulling papers from the national warehouse on the embedded runtime, against the simulator it
 * starts: outcomes per file, deduplication, reruns, a portal that is down or answers garbage,
 * and callers who are not the requester.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makePdf, readFixture, sha256Hex } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault, type VaultDocument } from '../support/test-vault.ts';
import { documentHistory, folderDocuments } from '../support/vault-reads.ts';
import type { NationalWarehouseSimulator, SeededResult } from '../../simulators/national-warehouse-simulator.ts';
import { runPull } from '../../../functions/sync/core/pull-results.ts';

interface PullFile {
  index: number;
  outcome: 'filed' | 'already-in-vault' | 'failed' | 'rejected';
  documentId?: string;
  reason?: string;
  resultTypeCode: string;
  number: string;
  issuingBody: string;
}
interface PullReport {
  pull: { id: string; state: 'running' | 'done' | 'failed'; reason?: string; fileCount?: number };
  files: PullFile[];
}

const citizen = personas.citizen.ownerId;
const citizen2 = personas.citizen2.ownerId;
const procedureCode = '1.004616.000.00.00.H56';

let t: TestVault;
let token: string;
let simulator: NationalWarehouseSimulator;
/** The seeded papers' bytes, by result number. */
const contents = new Map<string, Uint8Array>();

async function paper(index: number, overrides: Partial<SeededResult> = {}): Promise<SeededResult> {
  const number = `${100 + index}/2024/GCN`;
  const bytes = await makePdf(`National warehouse paper ${index} of ${citizen}`);
  contents.set(number, bytes);
  return {
    resultTypeCode: `KQ.G15.${String(index).padStart(6, '0')}`,
    name: `Giấy chứng nhận số ${index}`,
    number,
    issuingBody: '000.00.01.H22',
    files: [{ name: `giay-${index}.pdf`, path: `/kho/${citizen}/${index}.pdf`, content: bytes }],
    ...overrides,
  };
}

async function pull(bearer: string, body: unknown = { procedureCode }) {
  return t.api<PullReport['pull']>('POST', '/v1/national-warehouse/pulls', { token: bearer, body });
}

async function pullAndWait(bearer: string, body: unknown = { procedureCode }): Promise<PullReport> {
  const started = await pull(bearer, body);
  assert.equal(started.status, 202, started.text);
  assert.equal(started.json.state, 'running');
  await t.vault.pulls.idle();
  const report = await t.api<PullReport>('GET', `/v1/national-warehouse/pulls/${started.json.id}`, { token: bearer });
  assert.equal(report.status, 200, report.text);
  return report.json;
}

const outcomes = (report: PullReport) =>
  report.files.reduce<Record<string, number>>((counts, file) => {
    counts[file.outcome] = (counts[file.outcome] ?? 0) + 1;
    return counts;
  }, {});

before(async () => {
  t = await startTestVault({ pullRetry: { attempts: 3, baseDelayMs: 5 } });
  assert.ok(t.vault.nationalWarehouse.simulator, 'npm start runs the simulator when no warehouse is configured');
  simulator = t.vault.nationalWarehouse.simulator;
  token = await t.token('citizen');
  const papers = await Promise.all(Array.from({ length: 10 }, (_, index) => paper(index)));
  // One file the portal cannot read.
  papers[9] = { ...papers[9]!, files: [{ ...papers[9]!.files[0]!, content: 'fails' }] };
  simulator.seedResults(citizen, papers);

  // Already in the vault: paper 0's very bytes, uploaded by the citizen...
  const sameContent = await t.uploadFile(token, 'sample-result.pdf', { bytes: contents.get('100/2024/GCN') });
  assert.equal(sameContent.upload.status, 'DONE', sameContent.upload.failureReason);
  // ...and paper 1 as a scan of their own, described with its type, number and issuing body.
  const sameIdentity = await t.uploadFile(token, 'sample-result.pdf');
  assert.equal(sameIdentity.upload.status, 'DONE', sameIdentity.upload.failureReason);
  const described = await t.api('PATCH', `/v1/documents/${sameIdentity.upload.documentId}`, {
    token,
    body: { type: papers[1]!.resultTypeCode, number: papers[1]!.number, issuer: papers[1]!.issuingBody },
  });
  assert.equal(described.status, 200, described.text);
});
after(async () => {
  await t.close();
});

describe('a pull of ten files', () => {
  let first: PullReport;
  let imported: VaultDocument[];

  before(async () => {
    first = await pullAndWait(token);
    imported = await folderDocuments(t.api, token, 'sys-imported');
  });

  test('7 filed, 2 already in the vault, 1 failed to download', () => {
    assert.equal(first.pull.state, 'done', first.pull.reason);
    assert.equal(first.pull.fileCount, 10);
    assert.deepEqual(outcomes(first), { filed: 7, 'already-in-vault': 2, failed: 1 });
    assert.deepEqual(
      first.files.filter((file) => file.outcome === 'already-in-vault').map((file) => file.number),
      ['100/2024/GCN', '101/2024/GCN'],
    );
    const failed = first.files.find((file) => file.outcome === 'failed');
    assert.equal(failed?.number, '109/2024/GCN');
    assert.match(failed?.reason ?? '', /could not download this file after several attempts \(server-error\)/);
  });

  test('the filed papers are in "Từ kho dữ liệu quốc gia", imported, typed and numbered, bytes as the portal sent', async () => {
    const tree = await t.api<{ folders: { id: string; name: string; system?: string }[] }>('GET', '/v1/folders', {
      token,
    });
    const folder = tree.json.folders.find((candidate) => candidate.id === 'sys-imported');
    assert.deepEqual([folder?.name, folder?.system], ['Từ kho dữ liệu quốc gia', 'imported']);
    assert.equal(imported.length, 7);
    for (const file of first.files.filter((candidate) => candidate.outcome === 'filed')) {
      const document = imported.find((candidate) => candidate.id === file.documentId);
      assert.ok(document, `document ${file.documentId} listed`);
      assert.equal(document.source, 'imported');
      assert.equal(document.type, file.resultTypeCode);
      assert.equal(document.number, file.number);
      assert.equal(document.issuer, file.issuingBody);
      // Never sealed as ours: the stored content is the portal's, byte for byte.
      assert.equal(document.sha256, sha256Hex(contents.get(file.number)!));
    }
    const one = imported[0]!;
    const redirect = await t.api('GET', `/v1/documents/${one.id}/content`, { token });
    assert.equal(redirect.status, 302, redirect.text);
    const bytes = new Uint8Array(await (await fetch(redirect.headers.get('location')!)).arrayBuffer());
    assert.equal(sha256Hex(bytes), one.sha256);
    const signatures = await t.api<{ items: unknown[] }>('GET', `/v1/documents/${one.id}/signatures`, { token });
    assert.equal(signatures.status, 200, signatures.text);
    assert.deepEqual(signatures.json.items, [], 'no seal of ours on an imported paper');
  });

  test("each import and the request are in the owner's audit chain", async () => {
    for (const document of imported) {
      const history = await documentHistory(t.api, token, document.id);
      const entry = history.find((candidate) => candidate.action === 'document.import');
      assert.ok(entry, `document.import for ${document.id}`);
      assert.equal(entry.actor.sub, personas.citizen.sub);
    }
    const requested = await t.vault.deps.repository.listHistory(citizen, first.pull.id, { limit: 10 });
    assert.ok(requested.items.some((entry) => entry.action === 'national-warehouse.pull-request'));
  });

  test('the same pull again files nothing new', async () => {
    const second = await pullAndWait(token);
    assert.equal(second.pull.state, 'done');
    assert.deepEqual(outcomes(second), { 'already-in-vault': 9, failed: 1 });
    assert.equal((await folderDocuments(t.api, token, 'sys-imported')).length, 7);
  });

  test('a rerun of a finished worker, or of one that filed part of the files, files nothing twice', async () => {
    const started = await pull(token, { procedureCode, resultCodes: [{ resultTypeCode: 'KQ.G15.000009' }] });
    assert.equal(started.status, 202, started.text);
    await t.vault.pulls.idle();
    await Promise.all([runPull(t.vault.pulls.deps, started.json.id), runPull(t.vault.pulls.deps, started.json.id)]);
    const report = await t.api<PullReport>('GET', `/v1/national-warehouse/pulls/${started.json.id}`, { token });
    assert.equal(report.json.files.length, 1);
    assert.equal((await folderDocuments(t.api, token, 'sys-imported')).length, 7);
  });
});

describe('the portal misbehaving', () => {
  test('down: the pull fails with a clear reason and nothing is filed', async () => {
    const before = (await folderDocuments(t.api, token, 'sys-imported')).length;
    await simulator.goDown();
    try {
      const report = await pullAndWait(token);
      assert.equal(report.pull.state, 'failed');
      assert.match(report.pull.reason ?? '', /could not list the papers after several attempts \(unreachable\)/);
      assert.deepEqual(report.files, []);
    } finally {
      await simulator.comeBack();
    }
    assert.equal((await folderDocuments(t.api, token, 'sys-imported')).length, before);
  });

  test('a malformed reply to every attempt fails the pull, nothing filed', async () => {
    simulator.malformNext(3);
    const report = await pullAndWait(token);
    assert.equal(report.pull.state, 'failed');
    assert.match(report.pull.reason ?? '', /malformed-reply/);
    assert.deepEqual(report.files, []);
  });

  test('a file that is not what it claims, or is damaged, is rejected and not filed', async () => {
    const bearer = await t.token('citizen2');
    const png = await readFixture('sample-scan.png');
    simulator.seedResults(citizen2, [
      {
        resultTypeCode: 'KQ.G02.000112',
        name: 'Giấy xác nhận cư trú',
        number: 'CT01-999',
        issuingBody: '000.00.06.H22',
        files: [
          { name: 'cu-tru.pdf', path: `/kho/${citizen2}/cu-tru.pdf`, content: png },
          { name: 'cu-tru-2.pdf', path: `/kho/${citizen2}/cu-tru-2.pdf`, content: await readFixture('truncated.pdf') },
          { name: 'cu-tru.exe', path: `/kho/${citizen2}/cu-tru.exe`, content: new TextEncoder().encode('MZ') },
        ],
      },
    ]);
    const report = await pullAndWait(bearer);
    assert.equal(report.pull.state, 'done');
    assert.deepEqual(outcomes(report), { rejected: 3 });
    assert.match(report.files[0]!.reason ?? '', /declared as PDF but its content is PNG/);
    assert.match(report.files[1]!.reason ?? '', /damaged or incomplete/);
    assert.match(report.files[2]!.reason ?? '', /Only PDF, JPEG, PNG and TIFF/);
    const tree = await t.api<{ folders: { id: string }[] }>('GET', '/v1/folders', { token: bearer });
    assert.ok(!tree.json.folders.some((folder) => folder.id === 'sys-imported'), 'no folder made for nothing');
  });
});

describe('hostile callers', () => {
  test("another citizen, or an officer, reading someone's pull gets 404", async () => {
    const started = await pull(token);
    await t.vault.pulls.idle();
    for (const persona of ['citizen2', 'officer'] as const) {
      const response = await t.api('GET', `/v1/national-warehouse/pulls/${started.json.id}`, {
        token: await t.token(persona),
      });
      assertProblem(response, 404, 'not-found');
    }
  });

  test('a procedure code or a number with control characters is refused with 400, nothing recorded', async () => {
    const requestsBefore = simulator.requestCount('pullResults');
    for (const body of [
      { procedureCode: '1.004616\u0000' },
      { procedureCode: '1.004616\n.H56' },
      { procedureCode, resultCodes: [{ resultTypeCode: 'KQ.G15.000031', number: '12/2024\u0007' }] },
      { procedureCode, extra: true },
    ]) {
      const response = await pull(token, body);
      assertProblem(response, 400, 'invalid-request', JSON.stringify(body));
    }
    await t.vault.pulls.idle();
    assert.equal(simulator.requestCount('pullResults'), requestsBefore);
  });

  test('an officer names the owner and the case; a citizen may not (422), nothing recorded or sent', async () => {
    const requestsBefore = simulator.requestCount('pullResults');
    assertProblem(await pull(await t.token('officer')), 422, 'invalid-input');
    assertProblem(await pull(token, { procedureCode, ownerId: citizen2, caseNumber: 'HS-1' }), 422, 'invalid-input');
    assertProblem(await pull(await t.token('admin')), 403, 'forbidden-role');
    await t.vault.pulls.idle();
    assert.equal(simulator.requestCount('pullResults'), requestsBefore);
  });
});
