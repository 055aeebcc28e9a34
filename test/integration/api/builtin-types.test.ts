import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestVault, type TestVault, type Upload, type VaultDocument } from '../support/test-vault.ts';

/**
 * Each built-in document type, rendered as a clean 300 dpi page (test/fixtures/ocr/types,
 * made by the synthetic corpus generator), goes through the real workflow: an officer
 * uploads it for its owner, OCR reads it, the template is chosen, the fields extracted.
 */
const typesDir = new URL('../../fixtures/ocr/types/', import.meta.url);
type Truth = Record<
  string,
  { ownerId: string; ownerRole: 'citizen' | 'organization'; fields: Record<string, string | number> }
>;

let t: TestVault;
let officer: string;
let truth: Truth;

before(async () => {
  t = await startTestVault();
  officer = await t.token('officer');
  truth = JSON.parse(await readFile(new URL('ground-truth.json', typesDir), 'utf8')) as Truth;
});
after(async () => {
  await t.close();
});

async function ownerToken(type: string): Promise<string> {
  const { ownerId, ownerRole } = truth[type]!;
  const response = await t.api('POST', '/_local/token', {
    body: { sub: `owner-${ownerId}`, role: ownerRole, ownerId },
  });
  assert.equal(response.status, 200, response.text);
  return response.json.accessToken;
}

describe('each built-in type through the workflow', () => {
  for (const type of [
    'xac-nhan-cu-tru',
    'giay-phep-lai-xe',
    'dang-ky-xe',
    'quyet-dinh-xu-phat',
    'chung-nhan-antt',
    'cong-van',
  ]) {
    test(`${type}: classified, fields extracted, filed in the owner's vault`, async () => {
      const expected = truth[type]!;
      const bytes = new Uint8Array(await readFile(new URL(`${type}.png`, typesDir)));
      const { upload, uploadId } = await t.uploadFile(officer, 'sample-scan.png', {
        ownerId: expected.ownerId,
        bytes,
        size: bytes.length,
        contentType: 'image/png',
        fileName: `${type}.png`,
      });
      let filed: Upload = upload;
      if (upload.status === 'REVIEW') {
        assert.equal(
          upload.proposed?.type,
          type,
          `classified as ${type} (reasons: ${upload.proposed?.reasons.join('; ')})`,
        );
        const approved = await t.api('POST', `/v1/uploads/${uploadId}/review`, {
          token: officer,
          body: { approve: true },
        });
        assert.equal(approved.status, 200, approved.text);
        filed = await t.waitForUpload(officer, uploadId);
      }
      assert.equal(filed.status, 'DONE', filed.failureReason);
      const document = (
        await t.api<VaultDocument>('GET', `/v1/documents/${filed.documentId}`, { token: await ownerToken(type) })
      ).json;
      assert.equal(document.type, type);
      assert.equal(document.source, 'issued');
      const fields = document.fields ?? {};
      const names = Object.keys(expected.fields);
      const matched = names.filter((name) => fields[name] === expected.fields[name]).length;
      // Every field is present; most are read exactly (the benchmark measures the exact-match rate).
      assert.deepEqual(
        Object.keys(fields)
          .filter((name) => names.includes(name))
          .sort(),
        [...names].sort(),
        `fields found: ${JSON.stringify(fields)}`,
      );
      assert.ok(
        matched >= names.length - 1,
        `${matched}/${names.length} exact: ${JSON.stringify({ got: fields, expected: expected.fields })}`,
      );
    });
  }
});
