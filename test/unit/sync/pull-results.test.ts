/**
 * The pull use cases over the in-memory unit of work, against the national-warehouse simulator
 * through the real HTTP adapter: who may pull and read, retries, permanent failures, checks,
 * and racing workers.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createNationalWarehouseHttpClient } from '../../../functions/sync/adapters/national-warehouse-http-client.ts';
import type { Pull, PullFile } from '../../../functions/sync/core/pull-model.ts';
import {
  abandonPull,
  getPull,
  requestPull,
  runPull,
  type PullDeps,
} from '../../../functions/sync/core/pull-results.ts';
import {
  ForbiddenRoleError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
} from '../../../functions/platform/core/errors.ts';
import { inMemoryPullStore } from '../../fakes/in-memory-pull-store.ts';
import { makePdf, samplePng } from '../../fakes/sample-files.ts';
import {
  admin,
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  officer,
  organisation,
  secondCitizen,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
} from '../../simulators/national-warehouse-simulator.ts';

let simulator: NationalWarehouseSimulator;
let vault: TestVault;
let deps: PullDeps;
let dispatched: string[];
let paper: Uint8Array;

before(async () => {
  simulator = await startNationalWarehouseSimulator();
  paper = await makePdf(1);
  simulator.seedResults(citizenId, [
    {
      resultTypeCode: 'KQ.G15.000031',
      name: 'Giấy khai sinh',
      number: '31/2015/KS',
      issuingBody: '000.00.01.H22',
      files: [
        { name: 'khai-sinh.pdf', path: '/kho/ks.pdf', content: paper },
        { name: 'anh.png', path: '/kho/anh.png', content: samplePng },
      ],
    },
  ]);
});
after(async () => {
  await simulator.close();
});

function pullDeps(testVault: TestVault, policy: Partial<PullDeps['policy']> = {}): PullDeps {
  return {
    repository: Object.assign(testVault.repository, inMemoryPullStore(testVault.repository)),
    blobs: testVault.blobs,
    clock: testVault.clock,
    ids: testVault.ids,
    policy: { ...testVault.policy, ...policy },
    warehouse: createNationalWarehouseHttpClient(simulator.clientConfig()),
    dispatcher: { dispatch: async (pullId) => void dispatched.push(pullId) },
    retry: { attempts: 3, baseDelayMs: 1 },
  };
}

beforeEach(() => {
  vault = createTestVault();
  deps = pullDeps(vault);
  dispatched = [];
});

async function report(pullId: string): Promise<{ pull: Pull; files: PullFile[] }> {
  return getPull(deps, citizen(), pullId);
}

describe('requesting a pull', () => {
  test('records it running, audits it in the owner chain, and dispatches it', async () => {
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    assert.equal(pull.state, 'running');
    assert.equal(pull.ownerId, citizenId);
    assert.deepEqual(dispatched, [pull.id]);
    const audit = vault.repository.audit.map(({ entry }) => entry);
    assert.deepEqual(
      audit.map((entry) => [entry.ownerId, entry.action, entry.resourceId]),
      [[citizenId, 'national-warehouse.pull-request', pull.id]],
    );
  });

  test('an administrator, or an officer without a unit, may not pull: nothing recorded', async () => {
    await assert.rejects(requestPull(deps, admin(), { procedureCode: '1.000046' }), ForbiddenRoleError);
    const withoutUnit = officer();
    delete withoutUnit.principal.unit;
    const forOwner = { procedureCode: '1.000046', ownerId: citizenId, caseNumber: 'HS-1' };
    await assert.rejects(requestPull(deps, withoutUnit, forOwner), ForbiddenRoleError);
    assert.equal(vault.repository.pulls.size, 0);
    assert.equal(vault.repository.audit.length, 0);
    assert.deepEqual(dispatched, []);
  });

  test('owner and case are required from officers and refused from owners, who pull only their own papers', async () => {
    await assert.rejects(requestPull(deps, officer(), { procedureCode: '1.000046' }), InvalidInputError);
    await assert.rejects(
      requestPull(deps, officer(), { procedureCode: '1.000046', ownerId: '123', caseNumber: 'HS-1' }),
      InvalidInputError,
    );
    await assert.rejects(
      requestPull(deps, citizen(), { procedureCode: '1.000046', ownerId: citizenId }),
      InvalidInputError,
    );
    await assert.rejects(
      requestPull(deps, citizen(), { procedureCode: '1.000046', caseNumber: 'HS-1' }),
      InvalidInputError,
    );
    assert.equal(vault.repository.pulls.size, 0);
    assert.deepEqual(dispatched, []);
  });

  test("an officer without the owner's consent is refused, audited in the owner's chain with the purpose", async () => {
    const forOwner = { procedureCode: '1.000046', ownerId: citizenId, caseNumber: 'HS-2026/7' };
    await assert.rejects(requestPull(deps, officer(), forOwner), PermissionDeniedError);
    assert.equal(vault.repository.pulls.size, 0);
    assert.deepEqual(dispatched, []);
    const [denied, ...others] = vault.repository.audit.map(({ entry }) => entry);
    assert.deepEqual(others, []);
    assert.deepEqual(
      [denied?.ownerId, denied?.action, denied?.outcome, denied?.actor.unit, denied?.detail],
      [
        citizenId,
        'national-warehouse.officer-pull-denied',
        'denied',
        'PC06',
        { procedureCode: '1.000046', caseNumber: 'HS-2026/7', unit: 'PC06', reason: 'no-consent' },
      ],
    );
  });

  test('a dispatch that fails leaves the pull failed, not running', async () => {
    deps.dispatcher = { dispatch: () => Promise.reject(new Error('throttled')) };
    const pull = await requestPull(deps, organisation(), { procedureCode: '1.000046' });
    assert.equal(pull.state, 'failed');
    assert.equal(vault.repository.pulls.get(pull.id)?.state, 'failed');
  });

  test('someone else reading it gets NotFound', async () => {
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await assert.rejects(getPull(deps, secondCitizen(), pull.id), NotFoundError);
    await assert.rejects(getPull(deps, officer(), pull.id), NotFoundError);
    await assert.rejects(getPull(deps, citizen(), 'no-such-pull'), NotFoundError);
  });
});

describe('running a pull', () => {
  test('files each file in the imported folder, unsealed, with the paper as metadata', async () => {
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await runPull(deps, pull.id);
    const { pull: done, files } = await report(pull.id);
    assert.equal(done.state, 'done');
    assert.deepEqual(
      files.map((file) => file.outcome),
      ['filed', 'filed'],
    );
    const documents = [...vault.repository.documents.values()];
    assert.equal(documents.length, 2);
    for (const document of documents) {
      assert.equal(document.folderId, 'sys-imported');
      assert.equal(document.source, 'imported');
      assert.deepEqual(
        [document.type, document.number, document.issuer],
        ['KQ.G15.000031', '31/2015/KS', '000.00.01.H22'],
      );
    }
    const pdf = documents.find((document) => document.contentType === 'application/pdf')!;
    assert.equal(pdf.sha256, createHash('sha256').update(paper).digest('hex'));
    assert.equal(vault.repository.signatures.size, 0, 'never sealed as ours');
    assert.equal(vault.repository.folders.get(`${citizenId}|sys-imported`)?.name, 'Từ kho dữ liệu quốc gia');
  });

  test('retries a retryable portal failure with backoff, then succeeds', async () => {
    const before = simulator.requestCount('pullResults');
    simulator.failNext(2, 503, 'pullResults');
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await runPull(deps, pull.id);
    assert.equal(simulator.requestCount('pullResults') - before, 3);
    assert.equal((await report(pull.id)).pull.state, 'done');
  });

  test('a permanent refusal is not retried: failed with the reason, nothing filed', async () => {
    const before = simulator.requestCount('pullResults');
    simulator.failNext(1, 400, 'pullResults');
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await runPull(deps, pull.id);
    assert.equal(simulator.requestCount('pullResults') - before, 1);
    const { pull: failed, files } = await report(pull.id);
    assert.equal(failed.state, 'failed');
    assert.match(failed.reason ?? '', /could not list the papers \(rejected\)/);
    assert.deepEqual(files, []);
    assert.equal(vault.repository.documents.size, 0);
  });

  test('a file over the size limit is rejected, not stored; one at the limit is filed', async () => {
    deps = pullDeps(vault, { maxUploadBytes: samplePng.byteLength });
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await runPull(deps, pull.id);
    const { files } = await report(pull.id);
    assert.deepEqual(
      files.map((file) => [file.outcome, 'reason' in file ? file.reason : undefined]),
      [
        ['rejected', `The file is larger than the ${samplePng.byteLength}-byte limit.`],
        ['filed', undefined],
      ],
    );
    assert.deepEqual(
      [...vault.repository.documents.values()].map((document) => document.contentType),
      ['image/png'],
    );
  });

  test('two workers of the same pull racing file each file once', async () => {
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    const barrier = commitBarrier(vault.repository, 2, (changes) => (changes.pullFiles ?? []).length > 0);
    await Promise.all([runPull(deps, pull.id), runPull(deps, pull.id)]);
    assert.equal(barrier.arrived(), 2, 'both workers reached the first filing');
    assert.equal(vault.repository.documents.size, 2);
    const { files } = await report(pull.id);
    assert.deepEqual(
      files.map((file) => file.outcome),
      ['filed', 'filed'],
    );
    assert.equal(
      vault.repository.audit.filter(({ entry }) => entry.action === 'document.import').length,
      2,
      'one import audited per paper',
    );
  });

  test('a finished pull is left alone; giving up fails only a running one', async () => {
    const pull = await requestPull(deps, citizen(), { procedureCode: '1.000046' });
    await abandonPull(deps, pull.id);
    const { pull: failed } = await report(pull.id);
    assert.equal(failed.state, 'failed');
    assert.match(failed.reason ?? '', /stopped before it could finish/);
    const before = simulator.requestCount('pullResults');
    await runPull(deps, pull.id);
    assert.equal(simulator.requestCount('pullResults'), before, 'a failed pull is not run again');
  });
});
