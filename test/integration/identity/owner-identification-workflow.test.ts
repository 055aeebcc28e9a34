import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * An officer's upload through the real workflow on the embedded runtime, with the population
 * database simulator npm start runs: the driving licence fixture names LƯU XUÂN HIỂN, born
 * 1964-07-17, who the simulator holds under 038064357769.
 */
const licence = new URL('../../fixtures/ocr/types/giay-phep-lai-xe.png', import.meta.url);
const holder = '038064357769';
const someoneElse = '079085004321';

let t: TestVault;
let officer: string;
let bytes: Uint8Array;

before(async () => {
  t = await startTestVault();
  officer = await t.token('officer');
  bytes = new Uint8Array(await readFile(licence));
});
after(async () => {
  await t.close();
});

const upload = (ownerId: string) =>
  t.uploadFile(officer, 'sample-scan.png', {
    ownerId,
    bytes,
    size: bytes.length,
    contentType: 'image/png',
    fileName: 'giay-phep-lai-xe.png',
  });

async function lookups(ownerId: string, uploadId: string) {
  const history = await t.vault.deps.repository.listHistory(ownerId, uploadId, { limit: 50 });
  return history.items.filter((entry) => entry.action === 'identity.lookup');
}

/** A paused run keeps the runtime busy until it is answered: the officer rejects what waits for review. */
async function reject(uploadId: string) {
  const rejected = await t.api('POST', `/v1/uploads/${uploadId}/review`, {
    token: officer,
    body: { approve: false, reason: 'not this owner' },
  });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal((await t.waitForUpload(officer, uploadId)).status, 'FAILED');
}

const identityReason = /population database|identity card|on the page differ/;

describe("an officer's page is confirmed against the owner the officer named", () => {
  test('a page naming the owner proceeds: no identity reason, the look-up audited with the upload', async () => {
    const { upload: settled, uploadId } = await upload(holder);
    // It may still wait for review on confidence, never on identity.
    for (const reason of settled.proposed?.reasons ?? []) assert.doesNotMatch(reason, identityReason);
    const [entry, ...more] = await lookups(holder, uploadId);
    assert.equal(more.length, 0);
    assert.equal(entry?.actor.sub, 'officer-le-van-cuong');
    assert.equal(entry?.detail?.uploadId, uploadId);
    assert.equal(entry?.detail?.result, 'confirmed');
    assert.equal(entry?.detail?.ownerConfirmed, true);
    assert.doesNotMatch(JSON.stringify(entry), /HIỂN|HIEN|1964/i);
    if (settled.status === 'REVIEW') await reject(uploadId);
  });

  test('a page naming another person goes to REVIEW with the reason, and files nothing', async () => {
    const { upload: settled, uploadId } = await upload(someoneElse);
    assert.equal(settled.status, 'REVIEW');
    assert.ok(
      settled.proposed?.reasons.includes(
        `the name and date of birth on the page differ from the population database's record of the owner ${someoneElse}`,
      ),
      settled.proposed?.reasons.join('; '),
    );
    assert.equal(settled.documentId, undefined);
    const [entry] = await lookups(someoneElse, uploadId);
    assert.equal(entry?.detail?.result, 'mismatch');
    assert.equal(entry?.detail?.differs, 'fullName,birthDate');
    await reject(uploadId);
  });

  test('the population database down sends the page to REVIEW (never filed unconfirmed)', async () => {
    const simulator = t.vault.populationDatabase.simulator!;
    await simulator.goDown();
    try {
      const { upload: settled, uploadId } = await upload(holder);
      assert.equal(settled.status, 'REVIEW');
      assert.ok(
        settled.proposed?.reasons.some((reason) => reason.startsWith('the population database could not confirm')),
        settled.proposed?.reasons.join('; '),
      );
      const [entry] = await lookups(holder, uploadId);
      assert.equal(entry?.outcome, 'failed');
      assert.equal(entry?.detail?.result, 'unavailable');
      await reject(uploadId);
    } finally {
      await simulator.comeBack();
    }
  });
});
