import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConflictError, ForbiddenRoleError } from '../../../functions/platform/core/errors.ts';
import { SealNotConfiguredError } from '../../../functions/signing/core/seal-readiness.ts';
import type { RequestContext } from '../../../functions/platform/core/principal.ts';
import { fileResult, getResultStatus } from '../../../functions/integration/core/results.ts';
import type { ResultRequest } from '../../../functions/integration/core/result-request.ts';
import { citizen, citizenId, commitBarrier, createTestVault } from '../../fakes/vault-test-deps.ts';

const a08: RequestContext = {
  principal: {
    sub: 'a08',
    role: 'system',
    clientId: 'a08-business-system',
    unit: 'A08',
    scopes: ['results:write', 'results:read'],
  },
  sourceIp: '203.0.113.8',
  requestId: 'req-a08',
};

function request(sha256 = 'a'.repeat(64)): ResultRequest {
  return {
    ownerId: citizenId,
    resultType: 'KQ.G15.000031',
    number: '1/GXN',
    issuer: { code: '000.00.01.H22' },
    procedureCode: '1.000046',
    caseNumber: 'HS-1',
    issueDate: '2024-12-03',
    file: { contentType: 'application/pdf', size: 100, sha256 },
  };
}

describe('fileResult', () => {
  test('five identical requests racing past their reads file one result with one upload', async () => {
    const vault = createTestVault();
    // Every racer has read "no such result" before any of them commits.
    const barrier = commitBarrier(vault.repository, 5, (changes) => (changes.results ?? []).length > 0);
    const receipts = await Promise.all(Array.from({ length: 5 }, () => fileResult(vault, a08, request())));
    assert.equal(barrier.arrived(), 5);
    assert.equal(receipts.filter((receipt) => receipt.created).length, 1);
    assert.equal(new Set(receipts.map((receipt) => receipt.result.id)).size, 1);
    const snapshot = vault.repository.snapshot();
    assert.equal(snapshot.results.length, 1);
    assert.equal(snapshot.uploads.length, 1);
    assert.equal(snapshot.audit.filter((entry) => entry.action === 'result.receive').length, 1);
    // The repeats answer a POST for the one upload, whose file has not arrived.
    for (const receipt of receipts) {
      assert.equal(receipt.presigned?.fields.key, `incoming/${snapshot.uploads[0]?.id}`);
    }
  });

  test('racing requests with other content: one files, the others are conflicts', async () => {
    const vault = createTestVault();
    commitBarrier(vault.repository, 2, (changes) => (changes.results ?? []).length > 0);
    const outcomes = await Promise.allSettled([
      fileResult(vault, a08, request('a'.repeat(64))),
      fileResult(vault, a08, request('b'.repeat(64))),
    ]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    const [rejected] = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.ok(rejected?.reason instanceof ConflictError);
    assert.equal(vault.repository.snapshot().results.length, 1);
  });

  test('the upload it registers skips recognition and files in the issued folder as the client unit', async () => {
    const vault = createTestVault();
    const receipt = await fileResult(vault, a08, request());
    const upload = receipt.upload;
    assert.equal(upload?.source, 'issued');
    assert.equal(upload?.folderId, 'sys-results');
    assert.equal(upload?.createdByRole, 'system');
    assert.equal(upload?.createdByUnit, 'A08');
    assert.equal(upload?.given?.resultId, receipt.result.id);
    assert.equal(upload?.given?.recognition.type, 'KQ.G15.000031');
    assert.equal(upload?.given?.recognition.fields.number, '1/GXN');
  });

  test('a person, or a client without the scope, is refused and audited', async () => {
    const vault = createTestVault();
    await assert.rejects(fileResult(vault, citizen(), request()), ForbiddenRoleError);
    const reader = { ...a08, principal: { ...a08.principal, scopes: ['results:read' as const] } };
    await assert.rejects(fileResult(vault, reader, request()), ForbiddenRoleError);
    const writer = { ...a08, principal: { ...a08.principal, scopes: ['results:write' as const] } };
    const receipt = await fileResult(vault, writer, request());
    await assert.rejects(getResultStatus(vault, writer, receipt.result.id), ForbiddenRoleError);
    const refusals = vault.repository.snapshot().audit.filter((entry) => entry.outcome === 'denied');
    assert.deepEqual(
      refusals.map((entry) => [entry.ownerId, entry.action, entry.detail?.reason]),
      [
        ['integration', 'access.refused', 'role citizen'],
        ['integration', 'access.refused', 'missing-scope results:write'],
        ['integration', 'access.refused', 'missing-scope results:read'],
      ],
    );
  });

  test('a stage whose seal has no certificate refuses results up front, names what to import, files nothing', async () => {
    const vault = createTestVault({ sealCertificate: false });
    await assert.rejects(
      fileResult(vault, a08, request()),
      (error: Error) =>
        error instanceof SealNotConfiguredError &&
        error.code === 'seal-not-configured' &&
        /seal-certificate/.test(error.message),
    );
    const snapshot = vault.repository.snapshot();
    assert.equal(snapshot.results.length, 0);
    assert.equal(snapshot.uploads.length, 0);
    assert.deepEqual(
      snapshot.audit.map((entry) => [entry.ownerId, entry.action, entry.outcome]),
      [['integration', 'result.refused', 'denied']],
    );
  });
});
