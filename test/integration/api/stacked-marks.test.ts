import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestVault, type TestVault, type Upload } from '../support/test-vault.ts';

/**
 * The model reads NGUYỄN in Liberation Serif as NGUYÊN (docs/ocr-models.md). Through the real
 * workflow the RecognizePage step's post-correction puts it back, so the text the vault stores
 * holds NGUYỄN, not only the name field.
 */
const ownerId = '001187012345';
let t: TestVault;
let officer: string;

before(async () => {
  t = await startTestVault();
  officer = await t.token('officer');
});
after(async () => {
  await t.close();
});

describe('stacked-mark post-correction through the workflow', () => {
  test('the stored text of a page read NGUYÊN holds NGUYỄN', async () => {
    const bytes = new Uint8Array(
      await readFile(new URL('../../fixtures/ocr/residence-confirmation.png', import.meta.url)),
    );
    const { upload, uploadId } = await t.uploadFile(officer, 'sample-scan.png', {
      ownerId,
      bytes,
      size: bytes.length,
      contentType: 'image/png',
      fileName: 'residence-confirmation.png',
    });
    let filed: Upload = upload;
    if (upload.status === 'REVIEW') {
      const approved = await t.api('POST', `/v1/uploads/${uploadId}/review`, {
        token: officer,
        body: { approve: true },
      });
      assert.equal(approved.status, 200, approved.text);
      filed = await t.waitForUpload(officer, uploadId);
    }
    assert.equal(filed.status, 'DONE', filed.failureReason);
    const owner = await t.api('POST', '/_local/token', {
      body: { sub: `owner-${ownerId}`, role: 'citizen', ownerId },
    });
    assert.equal(owner.status, 200, owner.text);
    const text = await t.api<string>('GET', `/v1/documents/${filed.documentId}/text`, {
      token: owner.json.accessToken,
    });
    assert.equal(text.status, 200, text.text);
    assert.match(text.text, /NGUYỄN THỊ HƯƠNG/);
    assert.doesNotMatch(text.text, /NGUYÊN/);
  });
});
