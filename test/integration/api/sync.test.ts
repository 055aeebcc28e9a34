/**
 * The embedded runtime pushes issued results to its built-in national-warehouse simulator: an
 * officer's upload for a citizen is filed with its outbox record and reaches the portal; a
 * citizen's own upload does not. The admin routes report it, and refuse anyone else (audited).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../support/test-vault.ts';

interface SyncStatus {
  counts: Record<string, number>;
  dead: unknown[];
}

describe('sync on the embedded runtime', () => {
  let t: TestVault;
  before(async () => {
    t = await startTestVault();
  });
  after(async () => {
    await t.close();
  });

  test("an officer's issued result reaches the simulator; the status says synced", async () => {
    assert.equal(t.vault.sync.nationalWarehouse.simulated, true);
    const officer = await t.token('officer');
    const admin = await t.token('admin');
    const filed = await t.uploadFile(officer, 'sample-result.pdf', { ownerId: personas.citizen.ownerId });
    const { uploadId } = filed;
    let { upload } = filed;
    if (upload.status === 'REVIEW') {
      const approved = await t.api('POST', `/v1/uploads/${uploadId}/review`, {
        token: officer,
        body: { approve: true },
      });
      assert.equal(approved.status, 200, approved.text);
      upload = await t.waitForUpload(officer, uploadId);
    }
    assert.equal(upload.status, 'DONE');
    await t.uploadFile(await t.token('citizen'), 'sample-result.pdf');

    const deadline = Date.now() + 30_000;
    let status: SyncStatus;
    for (;;) {
      const response = await t.api<SyncStatus>('GET', '/v1/admin/sync/status', { token: admin });
      assert.equal(response.status, 200, response.text);
      status = response.json;
      if (status.counts.synced === 1 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(status.counts, { pending: 0, failed: 0, synced: 1, dead: 0, held: 0 });

    assertProblem(await t.api('GET', '/v1/admin/sync/status', { token: officer }), 403, 'forbidden-role');
    assertProblem(await t.api('POST', '/v1/admin/sync/redrive', { token: officer }), 403, 'forbidden-role');
    const redriven = await t.api('POST', '/v1/admin/sync/redrive', { token: admin });
    assert.equal(redriven.status, 200, redriven.text);
    assert.deepEqual(redriven.json, { reset: 0, deadLetters: 0 });
  });
});
