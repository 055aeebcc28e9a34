import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault, type VaultDocument } from '../support/test-vault.ts';
import { documentHistory } from '../support/vault-reads.ts';

let t: TestVault;
let token: string;
let huong: VaultDocument;
let dangKy: VaultDocument;
let congVan: VaultDocument;
let folderId: string;

async function fileWithMetadata(
  bearer: string,
  fixture: 'sample-result.pdf' | 'sample-scan.png',
  metadata: Record<string, unknown>,
  overrides = {},
) {
  const { upload } = await t.uploadFile(bearer, fixture, overrides);
  assert.equal(upload.status, 'DONE', upload.failureReason);
  const patched = await t.api<VaultDocument>('PATCH', `/v1/documents/${upload.documentId}`, { token, body: metadata });
  assert.equal(patched.status, 200, patched.text);
  return patched.json;
}

async function search(query: string, bearer = token) {
  return t.api<{ items: VaultDocument[]; nextCursor?: string }>('GET', `/v1/documents?${query}`, { token: bearer });
}

async function searchIds(query: string): Promise<string[]> {
  const response = await search(query);
  assert.equal(response.status, 200, response.text);
  return response.json.items.map((document) => document.id).sort();
}

before(async () => {
  t = await startTestVault();
  token = await t.token('citizen');
  const folder = await t.api('POST', '/v1/folders', { token, body: { name: 'Xe cộ' } });
  folderId = folder.json.id;
  huong = await fileWithMetadata(token, 'sample-result.pdf', {
    title: 'Giấy xác nhận cư trú của NGUYỄN THỊ HƯƠNG',
    type: 'xac-nhan-cu-tru',
    number: '123/XN-CA',
    issueDate: '2024-03-15',
  });
  dangKy = await fileWithMetadata(
    token,
    'sample-scan.png',
    {
      title: 'Đăng ký xe máy',
      type: 'dang-ky-xe',
      number: '051234',
      issueDate: '2022-06-02',
    },
    { folderId },
  );
  congVan = await fileWithMetadata(token, 'sample-result.pdf', {
    title: 'Công văn triển khai dịch vụ công',
    type: 'cong-van',
    number: '633/CAT-PV01',
    summary: 'V/v triển khai thực hiện các dịch vụ công',
    issueDate: '2022-06-02',
  });
});
after(async () => {
  await t.close();
});

describe('citizen search', () => {
  test('ignores diacritics and case; d matches đ', async () => {
    assert.deepEqual(await searchIds('q=nguyen%20thi%20huong'), [huong.id]);
    assert.deepEqual(await searchIds(`q=${encodeURIComponent('NGUYỄN thị hương')}`), [huong.id]);
    assert.deepEqual(await searchIds('q=dang%20ky'), [dangKy.id]);
    assert.deepEqual(await searchIds('q=dich%20vu%20cong'), [congVan.id], 'summary text is searched');
    assert.deepEqual(await searchIds('q=633%2FCAT'), [congVan.id], 'numbers are searched');
  });

  test('every term must occur', async () => {
    assert.deepEqual(await searchIds('q=huong%20dang'), []);
    assert.deepEqual(await searchIds('q=giay%20huong'), [huong.id]);
  });

  test('filters by type, folder and issue date, alone or with text', async () => {
    assert.deepEqual(await searchIds('type=dang-ky-xe'), [dangKy.id]);
    assert.deepEqual(await searchIds(`folderId=${folderId}&q=xe`), [dangKy.id]);
    assert.deepEqual(await searchIds('issuedFrom=2022-01-01&issuedTo=2022-12-31'), [congVan.id, dangKy.id].sort());
    assert.deepEqual(await searchIds('issuedFrom=2023-01-01'), [huong.id]);
    assert.deepEqual(await searchIds('q=cong&type=xac-nhan-cu-tru'), []);
  });

  test('pages through matches with a cursor that only fits this listing', async () => {
    const first = await search('issuedFrom=2000-01-01&limit=2');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.items.length, 2);
    assert.ok(first.json.nextCursor);
    const second = await search(`issuedFrom=2000-01-01&limit=2&cursor=${first.json.nextCursor}`);
    assert.equal(second.status, 200, second.text);
    const all = [...first.json.items, ...second.json.items].map((document) => document.id).sort();
    assert.deepEqual(all, [huong.id, dangKy.id, congVan.id].sort());
    assert.equal(second.json.nextCursor, undefined);
    const forged = Buffer.from(JSON.stringify({ pk: `OWNER#${personas.citizen2.ownerId}`, sk: 'SEARCH#' })).toString(
      'base64url',
    );
    assertProblem(await search(`q=xe&cursor=${forged}`), 422, 'invalid-input', "another owner's partition is refused");
  });

  test("finds neither trashed documents nor another owner's", async () => {
    const other = await t.token('citizen2');
    const theirs = await search('q=huong', other);
    assert.equal(theirs.status, 200, theirs.text);
    assert.deepEqual(theirs.json.items, []);
    const trashed = await fileWithMetadata(token, 'sample-scan.png', { title: 'Tạm trú đã xoá' });
    assert.deepEqual(await searchIds('q=tam%20tru'), [trashed.id]);
    assert.equal((await t.api('DELETE', `/v1/documents/${trashed.id}`, { token })).status, 204);
    assert.deepEqual(await searchIds('q=tam%20tru'), []);
  });

  test('refuses queries with nothing to search and officer-only parameters', async () => {
    assertProblem(await search('q=%21%21%21'), 422, 'invalid-input');
    assertProblem(await search('number=123'), 403, 'forbidden-role');
    assertProblem(await search('issuedFrom=2024-01-01&issuedTo=2023-01-01'), 422, 'invalid-input');
    assertProblem(await search('issuedFrom=2024-02-30'), 400, 'invalid-request');
    assertProblem(await search('sort=name'), 400, 'invalid-request');
  });
});

describe('officer look-ups', () => {
  test("find an issued document by type and number, audited in the owner's history", async () => {
    const officer = await t.token('officer');
    const { upload: waiting, uploadId } = await t.uploadFile(officer, 'sample-result.pdf', {
      ownerId: personas.citizen.ownerId,
    });
    assert.equal(waiting.status, 'REVIEW', waiting.failureReason);
    assert.equal(
      (await t.api('POST', `/v1/uploads/${uploadId}/review`, { token: officer, body: { approve: true } })).status,
      200,
    );
    const upload = await t.waitForUpload(officer, uploadId);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const issued = await t.api<VaultDocument>('PATCH', `/v1/documents/${upload.documentId}`, {
      token,
      body: { type: 'quyet-dinh-xu-phat', number: '45/QĐ-XPHC' },
    });
    assert.equal(issued.status, 200, issued.text);

    const found = await search(`type=quyet-dinh-xu-phat&number=${encodeURIComponent('45/qđ-xphc')}`, officer);
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(
      found.json.items.map((document) => document.id),
      [upload.documentId],
    );
    const byOwner = await search(`ownerId=${personas.citizen.ownerId}`, officer);
    assert.deepEqual(
      byOwner.json.items.map((document) => document.id),
      [upload.documentId],
      'only issued documents',
    );

    const history = await documentHistory(t.api, token, upload.documentId as string);
    const lookups = history.filter((entry) => entry.action === 'document.lookup');
    assert.equal(lookups.length, 2);
    assert.ok(lookups.every((entry) => entry.actor.sub === personas.officer.sub && entry.actor.unit === 'PC06'));

    assertProblem(await search('q=huong', officer), 403, 'forbidden-role', 'officers do not browse vaults');
    assertProblem(await search('type=cong-van', officer), 422, 'invalid-input');
  });
});
