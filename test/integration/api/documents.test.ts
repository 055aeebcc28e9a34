import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { makePdf, readFixture, sha256Hex } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import {
  personas,
  startTestVault,
  type DocumentVersion,
  type Folder,
  type TestVault,
  type VaultDocument,
} from '../support/test-vault.ts';
import { documentHistory, folderDocuments } from '../support/vault-reads.ts';

let t: TestVault;
let token: string;
let pdf: VaultDocument;
let png: VaultDocument;
let pdfUploadId: string;

before(async () => {
  t = await startTestVault();
  token = await t.token('citizen');
  const pdfUpload = await t.uploadFile(token, 'sample-result.pdf', { fileName: 'Giấy xác nhận cư trú.pdf' });
  assert.equal(pdfUpload.upload.status, 'DONE', pdfUpload.upload.failureReason);
  pdfUploadId = pdfUpload.uploadId;
  pdf = (await t.api<VaultDocument>('GET', `/v1/documents/${pdfUpload.upload.documentId}`, { token })).json;
  const pngUpload = await t.uploadFile(token, 'sample-scan.png', { fileName: 'Bản chụp.png' });
  assert.equal(pngUpload.upload.status, 'DONE', pngUpload.upload.failureReason);
  png = (await t.api<VaultDocument>('GET', `/v1/documents/${pngUpload.upload.documentId}`, { token })).json;
});
after(async () => {
  await t.close();
});

async function getDocument(id: string): Promise<VaultDocument> {
  const response = await t.api<VaultDocument>('GET', `/v1/documents/${id}`, { token });
  assert.equal(response.status, 200, response.text);
  return response.json;
}

/** Follows the content route's 302 to the presigned URL and downloads the bytes. */
async function download(id: string, query = '', bearer = token) {
  const redirect = await t.api('GET', `/v1/documents/${id}/content${query}`, { token: bearer });
  assert.equal(redirect.status, 302, redirect.text);
  const location = redirect.headers.get('location');
  assert.ok(location, 'a Location header');
  const response = await fetch(location, { redirect: 'manual' });
  return { location, response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('document details', () => {
  test('an uploaded PDF and PNG carry checksum, size, content type and source', async () => {
    for (const [document, fixture, type, fileName] of [
      [pdf, 'sample-result.pdf', 'application/pdf', 'Giấy xác nhận cư trú.pdf'],
      [png, 'sample-scan.png', 'image/png', 'Bản chụp.png'],
    ] as const) {
      const bytes = await readFixture(fixture);
      assert.equal(document.sha256, sha256Hex(bytes), `${fixture} checksum`);
      assert.equal(document.size, bytes.byteLength);
      assert.equal(document.contentType, type);
      assert.equal(document.fileName, fileName);
      assert.equal(document.source, 'self');
      assert.equal(document.ownerId, personas.citizen.ownerId);
      assert.equal(
        document.folderId,
        'sys-self',
        'a citizen upload without folderId lands in the self-digitised folder',
      );
      assert.equal(document.currentVersion, 1);
      assert.equal(document.versionCount, 1);
      assert.equal(document.title, fileName.replace(/\.[^.]+$/, ''));
      assert.equal(document.trashedAt, undefined);
      assert.ok(!Number.isNaN(Date.parse(document.createdAt)));
      assert.ok(!('blobKey' in document), 'storage keys stay internal');
    }
    const listed = await folderDocuments(t.api, token, 'sys-self');
    assert.ok(listed.some((d) => d.id === pdf.id) && listed.some((d) => d.id === png.id));
    assertProblem(await t.api('GET', `/v1/documents/${randomUUID()}`, { token }), 404, 'not-found');
  });

  test('PATCH edits metadata and a folderId change moves the document', async () => {
    const changes = {
      title: 'Giấy xác nhận thông tin về cư trú',
      type: 'xac-nhan-cu-tru',
      number: '1234/GXN-CAP',
      summary: 'Xác nhận nơi thường trú tại phường Hàng Đào',
      issuer: 'Công an phường Hàng Đào',
      issueDate: '2024-01-15',
      expiryDate: '2025-01-15',
    };
    const updated = await t.api<VaultDocument>('PATCH', `/v1/documents/${pdf.id}`, { token, body: changes });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual({ ...updated.json, updatedAt: '' }, { ...pdf, ...changes, updatedAt: '' });
    assert.deepEqual(await getDocument(pdf.id), updated.json, 'the change is stored');

    const cleared = await t.api<VaultDocument>('PATCH', `/v1/documents/${pdf.id}`, {
      token,
      body: { expiryDate: null },
    });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.expiryDate, undefined);
    assert.equal(cleared.json.number, changes.number, 'other fields untouched');

    const folder = (await t.api<Folder>('POST', '/v1/folders', { token, body: { name: 'Cư trú' } })).json;
    const moved = await t.api<VaultDocument>('PATCH', `/v1/documents/${pdf.id}`, {
      token,
      body: { folderId: folder.id },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.folderId, folder.id);
    assert.deepEqual(
      (await folderDocuments(t.api, token, folder.id)).map((d) => d.id),
      [pdf.id],
    );
    assert.ok(!(await folderDocuments(t.api, token, 'sys-self')).some((d) => d.id === pdf.id));
    assertProblem(
      await t.api('PATCH', `/v1/documents/${pdf.id}`, { token, body: { folderId: randomUUID() } }),
      404,
      'not-found',
    );
    assertProblem(
      await t.api('PATCH', `/v1/documents/${pdf.id}`, { token, body: { issueDate: '2024-02-30' } }),
      400,
      'invalid-request',
    );
    assertProblem(await t.api('PATCH', `/v1/documents/${pdf.id}`, { token, body: {} }), 400, 'invalid-request');
    assert.equal((await getDocument(pdf.id)).issueDate, '2024-01-15');
    pdf = await getDocument(pdf.id);
  });

  test('content downloads the exact bytes through a presigned URL valid at most 5 minutes', async () => {
    const bytes = await readFixture('sample-scan.png');
    const before = Date.now();
    const { location, response, bytes: body } = await download(png.id);
    assert.equal(response.status, 200);
    assert.deepEqual(body, bytes);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const expires = Number(new URL(location).searchParams.get('X-Khoso-Expires'));
    assert.ok(expires * 1000 <= before + 300_000 + 2_000, `expires ${expires} is within 5 minutes`);
    assert.ok(expires * 1000 > before, 'not already expired');

    const tampered = new URL(location);
    tampered.searchParams.set('X-Khoso-Expires', String(expires + 3600));
    assert.equal((await fetch(tampered, { redirect: 'manual' })).status, 403, 'the expiry is signed');
    const otherKey = location.replace(/\/[^/?]+\?/, '/someone-else?');
    assert.ok([403, 404].includes((await fetch(otherKey, { redirect: 'manual' })).status), 'the key is signed');

    assertProblem(await t.api('GET', `/v1/documents/${png.id}/content?version=2`, { token }), 404, 'not-found');
    assertProblem(await t.api('GET', `/v1/documents/${png.id}/content?version=abc`, { token }), 400, 'invalid-request');
  });
});

describe('versions', () => {
  let v2Bytes: Uint8Array;
  let v1Sha: string;

  test('a new version via POST /versions and the presigned flow becomes version 2', async () => {
    v1Sha = sha256Hex(await readFixture('sample-result.pdf'));
    v2Bytes = await makePdf('Phiên bản 2 - ban sao co chung thuc'.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
    const versionsBefore = (
      await t.api<{ items: DocumentVersion[] }>('GET', `/v1/documents/${pdf.id}/versions`, { token })
    ).json.items;
    assert.equal(versionsBefore.length, 1);
    const { upload, ticket } = await t.uploadFile(token, 'sample-result.pdf', {
      documentId: pdf.id,
      bytes: v2Bytes,
      fileName: 'Giấy xác nhận (bản 2).pdf',
    });
    assert.equal(ticket.status.targetDocumentId, pdf.id);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    assert.equal(upload.documentId, pdf.id);
    assert.equal(upload.versionNumber, 2);
    const document = await getDocument(pdf.id);
    assert.equal(document.currentVersion, 2);
    assert.equal(document.versionCount, 2);
    assert.equal(document.sha256, sha256Hex(v2Bytes));
    assert.equal(document.size, v2Bytes.byteLength);
    assert.equal(document.fileName, 'Giấy xác nhận (bản 2).pdf');
    assert.equal(document.number, pdf.number, 'metadata survives a new version');
    assert.equal(document.folderId, pdf.folderId, 'the document stays where it is');

    const versions = (await t.api<{ items: DocumentVersion[] }>('GET', `/v1/documents/${pdf.id}/versions`, { token }))
      .json.items;
    assert.deepEqual(
      versions.map((v) => v.number),
      [1, 2],
    );
    assert.deepEqual(versions[0], versionsBefore[0], 'version 1 is immutable');
    assert.equal(versions[1]?.sha256, sha256Hex(v2Bytes));
  });

  test("restoring version 1 makes version 3 with v1's checksum; v1 and v2 stay as they were", async () => {
    const before = (await t.api<{ items: DocumentVersion[] }>('GET', `/v1/documents/${pdf.id}/versions`, { token }))
      .json.items;
    const restored = await t.api('POST', `/v1/documents/${pdf.id}/versions/1/restore`, { token });
    assert.equal(restored.status, 201, restored.text);
    assert.equal(restored.json.version.number, 3);
    assert.equal(restored.json.version.restoredFrom, 1);
    assert.equal(restored.json.version.sha256, v1Sha);
    assert.equal(restored.json.document.currentVersion, 3);
    assert.equal(restored.json.document.sha256, v1Sha);
    const versions = (await t.api<{ items: DocumentVersion[] }>('GET', `/v1/documents/${pdf.id}/versions`, { token }))
      .json.items;
    assert.deepEqual(
      versions.map((v) => v.number),
      [1, 2, 3],
    );
    assert.deepEqual(versions.slice(0, 2), before, 'old versions are immutable');
    assert.deepEqual(await getDocument(pdf.id), restored.json.document);
    assertProblem(await t.api('POST', `/v1/documents/${pdf.id}/versions/9/restore`, { token }), 404, 'not-found');
    assertProblem(await t.api('POST', `/v1/documents/${pdf.id}/versions/0/restore`, { token }), 400, 'invalid-request');
  });

  test("content of a given ?version= downloads that version's bytes", async () => {
    const v1 = await readFixture('sample-result.pdf');
    assert.deepEqual((await download(pdf.id, '?version=1')).bytes, v1);
    assert.deepEqual((await download(pdf.id, '?version=2')).bytes, v2Bytes);
    assert.deepEqual((await download(pdf.id, '?version=3')).bytes, v1);
    const current = await download(pdf.id);
    assert.deepEqual(current.bytes, v1, 'the current version is the restored v1');
    assert.equal(current.response.headers.get('content-type'), 'application/pdf');
  });
});

describe('history', () => {
  test('lists create, update, move and read-content with actor, time, source IP and outcome', async () => {
    const history = await documentHistory(t.api, token, pdf.id);
    const actions = history.map((entry) => entry.action);
    for (const action of [
      'document.create',
      'document.update',
      'document.move',
      'document.read-content',
      'document.add-version',
      'document.restore-version',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    for (const entry of history) {
      assert.equal(entry.resourceId, pdf.id);
      assert.ok(!Number.isNaN(Date.parse(entry.at)), `time of ${entry.action}`);
      assert.ok(entry.actor.sub && entry.actor.role, `actor of ${entry.action}`);
      assert.ok(['success', 'denied', 'failed'].includes(entry.outcome));
      assert.ok(entry.sourceIp.length > 0);
    }
    const byCitizen = history.filter((entry) =>
      ['document.update', 'document.move', 'document.read-content', 'document.restore-version'].includes(entry.action),
    );
    for (const entry of byCitizen) {
      assert.deepEqual(
        entry.actor,
        { sub: personas.citizen.sub, role: 'citizen', ownerId: personas.citizen.ownerId },
        entry.action,
      );
      assert.match(entry.sourceIp, /^(::ffff:)?127\.0\.0\.1$|^::1$/, `${entry.action} records the caller's IP`);
      assert.equal(entry.outcome, 'success');
    }
    const reads = history.filter((entry) => entry.action === 'document.read-content');
    assert.deepEqual(
      reads.map((entry) => entry.detail?.version).sort(),
      [1, 2, 3, 3].sort(),
      'each download names its version',
    );
    const move = history.find((entry) => entry.action === 'document.move');
    assert.equal(move?.detail?.fromFolderId, 'sys-self');
    assert.equal(move?.detail?.toFolderId, pdf.folderId);
    const create = history.find((entry) => entry.action === 'document.create');
    assert.deepEqual(
      create?.actor,
      { sub: personas.citizen.sub, role: 'citizen', ownerId: personas.citizen.ownerId },
      "the filing is the uploader's act",
    );
    assert.equal(create?.detail?.via, 'digitize-workflow');
    assert.ok(
      history.some((entry) => entry.actor.sub === personas.citizen.sub && entry.resourceId === pdfUploadId),
      "the citizen's upload request is in the history",
    );
    assert.deepEqual(
      [...history].sort((a, b) => b.at.localeCompare(a.at)).map((e) => e.id),
      history.map((e) => e.id),
      'newest first',
    );

    const page = await t.api('GET', `/v1/documents/${pdf.id}/history?limit=2`, { token });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.items.length, 2);
    assert.ok(page.json.nextCursor);
    assert.deepEqual(
      page.json.items.map((e: { id: string }) => e.id),
      history.slice(0, 2).map((e) => e.id),
    );
  });
});

describe('trash', () => {
  test('delete sends a document to the trash; restore brings it back to its folder', async () => {
    const deleted = await t.api('DELETE', `/v1/documents/${png.id}`, { token });
    assert.equal(deleted.status, 204, deleted.text);
    const trash = await t.api('GET', '/v1/trash', { token });
    assert.equal(trash.status, 200, trash.text);
    assert.deepEqual(
      trash.json.documents.items.map((d: VaultDocument) => d.id),
      [png.id],
    );
    assert.ok(trash.json.documents.items[0].trashedAt);
    assert.ok(!(await folderDocuments(t.api, token, 'sys-self')).some((d) => d.id === png.id));
    assertProblem(await t.api('GET', `/v1/documents/${png.id}/content`, { token }), 404, 'not-found');
    assertProblem(await t.api('PATCH', `/v1/documents/${png.id}`, { token, body: { title: 'x' } }), 404, 'not-found');
    assertProblem(await t.api('POST', `/v1/documents/${png.id}/versions/1/restore`, { token }), 404, 'not-found');
    assertProblem(
      await t.api('POST', `/v1/documents/${png.id}/versions`, {
        token,
        body: { fileName: 'a.png', contentType: 'image/png', size: 10 },
      }),
      404,
      'not-found',
    );
    assertProblem(await t.api('DELETE', `/v1/documents/${png.id}`, { token }), 404, 'not-found', 'deleting twice');
    assert.equal(
      (await t.api('GET', `/v1/documents/${png.id}/history`, { token })).status,
      200,
      'history survives the trash',
    );

    const restored = await t.api('POST', `/v1/trash/${png.id}/restore`, { token });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.resourceType, 'document');
    assert.equal(restored.json.document.id, png.id);
    assert.equal(restored.json.document.folderId, 'sys-self');
    assert.equal(restored.json.document.trashedAt, undefined);
    assert.ok((await folderDocuments(t.api, token, 'sys-self')).some((d) => d.id === png.id));
    assert.deepEqual((await t.api('GET', '/v1/trash', { token })).json.documents.items, []);
    assert.deepEqual((await download(png.id)).bytes, await readFixture('sample-scan.png'));
    assertProblem(await t.api('POST', `/v1/trash/${png.id}/restore`, { token }), 404, 'not-found', 'restoring twice');
    assertProblem(await t.api('POST', `/v1/trash/${randomUUID()}/restore`, { token }), 404, 'not-found');
    const actions = (await documentHistory(t.api, token, png.id)).map((e) => e.action);
    assert.ok(actions.includes('document.delete') && actions.includes('document.restore'), actions.join());
  });

  test('a document whose folder was deleted on its own comes back to its default folder', async () => {
    const folder = (await t.api<Folder>('POST', '/v1/folders', { token, body: { name: 'Tạm thời' } })).json;
    const { upload } = await t.uploadFile(token, 'sample-scan.jpg', { folderId: folder.id });
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const id = upload.documentId!;
    assert.equal((await t.api('DELETE', `/v1/documents/${id}`, { token })).status, 204);
    assert.equal((await t.api('DELETE', `/v1/folders/${folder.id}`, { token })).status, 204);
    const restored = await t.api('POST', `/v1/trash/${id}/restore`, { token });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.document.folderId, 'sys-self');
    assert.ok((await folderDocuments(t.api, token, 'sys-self')).some((d) => d.id === id));
  });
});

describe('officer uploads for a citizen', () => {
  test("file into the citizen's results folder as issued, and the history names the officer", async () => {
    const officer = await t.token('officer');
    const { upload: waiting, ticket } = await t.uploadFile(officer, 'sample-result.pdf', {
      ownerId: personas.citizen.ownerId,
      fileName: 'Quyết định.pdf',
    });
    assert.equal(ticket.status.ownerId, personas.citizen.ownerId);
    // The sample's fields cannot be read, so the officer at the counter reviews it first.
    assert.equal(waiting.status, 'REVIEW', waiting.failureReason);
    assert.ok(waiting.proposed && waiting.proposed.reasons.length > 0, 'the reviewer is told why');
    const approved = await t.api('POST', `/v1/uploads/${ticket.uploadId}/review`, {
      token: officer,
      body: { approve: true, type: 'cong-van', fields: { number: '12/QĐ-CAT' } },
    });
    assert.equal(approved.status, 200, approved.text);
    const upload = await t.waitForUpload(officer, ticket.uploadId);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const document = await getDocument(upload.documentId!);
    assert.equal(document.folderId, 'sys-results');
    assert.equal(document.source, 'issued');
    assert.equal(document.type, 'cong-van', 'the reviewer chose the type');
    assert.equal(document.number, '12/QĐ-CAT', 'and corrected the number');
    assert.equal(document.ownerId, personas.citizen.ownerId);
    assert.equal(document.createdBy, personas.officer.sub);
    assert.ok((await folderDocuments(t.api, token, 'sys-results')).some((d) => d.id === document.id));

    const history = await documentHistory(t.api, token, document.id);
    const byOfficer = history.filter((entry) => entry.actor.role === 'officer');
    assert.ok(
      byOfficer.length > 0,
      `an entry by the officer in ${JSON.stringify(history.map((e) => [e.action, e.actor]))}`,
    );
    for (const entry of byOfficer) {
      assert.equal(entry.actor.sub, personas.officer.sub);
      assert.equal(entry.actor.unit, 'PC06');
      assert.equal(entry.outcome, 'success');
      assert.match(entry.sourceIp, /127\.0\.0\.1|::1/);
    }
    const create = history.find((entry) => entry.action === 'document.create');
    assert.deepEqual(
      create?.actor,
      { sub: personas.officer.sub, role: 'officer', unit: 'PC06' },
      'the filing names the officer',
    );

    assertProblem(
      await t.api('GET', `/v1/documents/${document.id}`, { token: officer }),
      403,
      'forbidden-role',
      'an officer does not browse the vault',
    );
    assertProblem(
      await t.api('GET', `/v1/documents/${document.id}`, { token: await t.token('citizen2') }),
      404,
      'not-found',
    );
    assertProblem(
      await t.api('GET', `/v1/uploads/${upload.id}`, { token: await t.token('citizen2') }),
      404,
      'not-found',
    );
    assertProblem(
      await t.api('POST', '/v1/uploads', {
        token: officer,
        body: {
          fileName: 'a.pdf',
          contentType: 'application/pdf',
          size: 10,
          ownerId: personas.citizen.ownerId,
          folderId: 'sys-self',
        },
      }),
      422,
      'invalid-input',
      'officers cannot choose the folder',
    );
  });

  test('an officer can file a TIFF for an organization', async () => {
    const officer = await t.token('officer');
    const { upload: waiting, uploadId } = await t.uploadFile(officer, 'sample-scan-2pages.tiff', {
      ownerId: personas.organization.ownerId,
    });
    assert.equal(waiting.status, 'REVIEW', waiting.failureReason);
    assert.match(waiting.proposed?.text ?? '', /\f/, 'both pages were read, separated by a form feed');
    assert.equal(
      (await t.api('POST', `/v1/uploads/${uploadId}/review`, { token: officer, body: { approve: true } })).status,
      200,
    );
    const upload = await t.waitForUpload(officer, uploadId);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const org = await t.token('organization');
    const document = (await t.api<VaultDocument>('GET', `/v1/documents/${upload.documentId}`, { token: org })).json;
    assert.equal(document.contentType, 'image/tiff');
    assert.equal(document.source, 'issued');
    assert.equal(document.sha256, sha256Hex(await readFixture('sample-scan-2pages.tiff')));
    assertProblem(
      await t.api('GET', `/v1/documents/${upload.documentId}`, { token }),
      404,
      'not-found',
      "not in the citizen's vault",
    );
  });
});
