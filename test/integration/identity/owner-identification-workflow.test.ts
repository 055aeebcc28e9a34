import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { paperPdf } from '../../../lib/local/local-national-warehouse.ts';
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

  test('an old identity card (9-digit CMND) resolves to the owner; naming another owner sends it to REVIEW', async () => {
    // A template for the old identity card, whose number field is the legacy CMND.
    const admin = await t.token('admin');
    const created = await t.api('POST', '/v1/ocr-templates', {
      token: admin,
      body: {
        id: 'chung-minh-nhan-dan',
        key: 'chung-minh-nhan-dan',
        name: 'Giấy chứng minh nhân dân',
        active: true,
        identification: { anchors: [{ phrase: 'CHUNG MINH NHAN DAN', weight: 3 }], minScore: 0.5 },
        fields: [
          { name: 'legacyId', labels: ['So CMND:'], normaliser: 'text', required: true },
          { name: 'fullName', labels: ['Ho va ten:'], normaliser: 'name', required: true },
          { name: 'dateOfBirth', labels: ['Ngay sinh:'], normaliser: 'date', required: true },
        ],
        stopLabels: [],
        permissions: {
          view: [{ role: 'officer' }],
          use: [{ role: 'officer' }],
          edit: [{ role: 'admin' }],
          grant: [{ role: 'admin' }],
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    // The standard PDF font has no Vietnamese marks: the name is read without them, as a faded card often is.
    const card = await paperPdf([
      'GIAY CHUNG MINH NHAN DAN',
      'So CMND: 171234567',
      'Ho va ten: LUU XUAN HIEN',
      'Ngay sinh: 17/07/1964',
    ]);
    const send = (ownerId: string) =>
      t.uploadFile(officer, 'sample-result.pdf', { ownerId, bytes: card, size: card.length, fileName: 'cmnd.pdf' });

    const own = await send(holder);
    for (const reason of own.upload.proposed?.reasons ?? []) assert.doesNotMatch(reason, identityReason);
    const [resolved] = await lookups(holder, own.uploadId);
    assert.equal(resolved?.detail?.by, 'legacy-id', JSON.stringify(own.upload.proposed));
    assert.equal(resolved?.detail?.result, 'confirmed');
    assert.equal(resolved?.detail?.nameFolded, true);
    assert.doesNotMatch(JSON.stringify(resolved), /171234567|HIỂN|HIEN/i);
    // The name read without its marks is proposed, and filed, as the population database spells it.
    const registeredName = 'LƯU XUÂN HIỂN';
    let settled = own.upload;
    if (settled.status === 'REVIEW') {
      assert.equal(settled.proposed?.fields.fullName, registeredName);
      const approved = await t.api('POST', `/v1/uploads/${own.uploadId}/review`, {
        token: officer,
        body: { approve: true },
      });
      assert.equal(approved.status, 200, approved.text);
      settled = await t.waitForUpload(officer, own.uploadId);
    }
    assert.equal(settled.status, 'DONE', settled.failureReason);
    const filed = await t.vault.deps.repository.getDocument(holder, settled.documentId!);
    assert.equal(filed?.fields?.fullName, registeredName);

    const other = await send(someoneElse);
    assert.equal(other.upload.status, 'REVIEW');
    assert.ok(
      other.upload.proposed?.reasons.includes(
        `the identity card number on the page belongs to personal ID ${holder}, not the owner ${someoneElse}`,
      ),
      other.upload.proposed?.reasons.join('; '),
    );
    await reject(other.uploadId);
  });
});
