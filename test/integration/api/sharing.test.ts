import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type AuditEntry, type Folder, type TestVault } from '../support/test-vault.ts';
import { documentHistory, folderDocuments } from '../support/vault-reads.ts';

let t: TestVault;
let a: string; // the owner
let b: string; // the grantee
let org: string; // a bystander
let officer: string;
const ids = { folder: '', subfolder: '', private: '', document: '', privateDocument: '' };

before(async () => {
  t = await startTestVault();
  [a, b, org, officer] = await Promise.all([
    t.token('citizen'),
    t.token('citizen2'),
    t.token('organization'),
    t.token('officer'),
  ]);
  ids.folder = (await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Hồ sơ xin việc' } })).json.id;
  ids.subfolder = (
    await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Bằng cấp', parentId: ids.folder } })
  ).json.id;
  ids.private = (await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Riêng tư' } })).json.id;
  const shared = await t.uploadFile(a, 'sample-result.pdf', { folderId: ids.subfolder });
  assert.equal(shared.upload.status, 'DONE', shared.upload.failureReason);
  ids.document = shared.upload.documentId!;
  const kept = await t.uploadFile(a, 'sample-scan.png', { folderId: ids.private });
  ids.privateDocument = kept.upload.documentId!;
});
after(async () => {
  await t.close();
});

const share = (token: string, body: Record<string, unknown>) => t.api('POST', '/v1/shares', { token, body });
const lastEntry = async (documentId: string, action: string): Promise<AuditEntry | undefined> =>
  (await documentHistory(t.api, a, documentId)).find((entry) => entry.action === action);
const folderHistory = async (folderId: string): Promise<AuditEntry[]> =>
  (await t.api<{ items: AuditEntry[] }>('GET', `/v1/folders/${folderId}/history?limit=200`, { token: a })).json.items;
const accessLog = async () =>
  (await t.api<{ items: AuditEntry[] }>('GET', '/v1/access-log?limit=200', { token: a })).json.items;

describe('folder shares', () => {
  test("a grantee sees the shared folder, its subfolders and documents, reads and downloads, each read in the owner's history", async () => {
    const created = await share(a, {
      resourceType: 'folder',
      resourceId: ids.folder,
      grantee: { kind: 'citizen', id: personas.citizen2.ownerId },
      permissions: ['content', 'download'],
    });
    assert.equal(created.status, 201, created.text);
    const shareId = created.json.id as string;
    assert.deepEqual(created.json.permissions, ['metadata', 'content', 'download']);

    const incoming = await t.api('GET', '/v1/shares?direction=incoming&resourceType=folder', { token: b });
    assert.equal(incoming.status, 200, incoming.text);
    assert.deepEqual(
      incoming.json.items.map((item: { id: string; resourceName: string }) => [item.id, item.resourceName]),
      [[shareId, 'Hồ sơ xin việc']],
    );
    assert.equal(incoming.json.items[0].grantee, undefined);
    assert.deepEqual(
      (await t.api('GET', '/v1/shares?direction=incoming&resourceType=document', { token: b })).json.items,
      [],
    );
    assert.deepEqual(
      (await t.api('GET', '/v1/shares?direction=outgoing', { token: a })).json.items.map(
        (item: { id: string }) => item.id,
      ),
      [shareId],
    );

    const what = await t.api('GET', `/v1/shares/${shareId}`, { token: b });
    assert.equal(what.status, 200, what.text);
    assert.deepEqual(what.json.folder, { id: ids.folder, name: 'Hồ sơ xin việc' });
    const items = await t.api('GET', `/v1/shares/${shareId}/items`, { token: b });
    assert.deepEqual(items.json.folders, [{ id: ids.subfolder, name: 'Bằng cấp' }]);
    const inside = await t.api('GET', `/v1/shares/${shareId}/items?folderId=${ids.subfolder}`, { token: b });
    assert.deepEqual(
      inside.json.documents.items.map((d: { id: string }) => d.id),
      [ids.document],
    );
    assert.equal(inside.json.documents.items[0].folderId, undefined, "no place in the owner's tree");

    const metadata = await t.api('GET', `/v1/shares/${shareId}/documents/${ids.document}`, { token: b });
    assert.equal(metadata.status, 200, metadata.text);
    assert.equal(metadata.json.ownerId, undefined);
    const text = await t.api('GET', `/v1/shares/${shareId}/documents/${ids.document}/text`, { token: b });
    assert.equal(text.status, 200, text.text);
    const content = await t.api('GET', `/v1/shares/${shareId}/documents/${ids.document}/content`, { token: b });
    assert.equal(content.status, 302, content.text);
    assert.equal((await fetch(content.headers.get('location') as string)).status, 200);

    const read = await lastEntry(ids.document, 'document.grantee-read');
    assert.equal(read?.actor.ownerId, personas.citizen2.ownerId);
    assert.equal(read?.detail?.shareId, shareId);
    assert.ok(
      (await accessLog()).some((entry) => entry.action === 'document.grantee-read' && entry.detail?.part === 'content'),
    );
  });

  test('denials look like missing things, are audited, and change nothing', async () => {
    const created = await share(a, {
      resourceType: 'folder',
      resourceId: ids.folder,
      grantee: { kind: 'citizen', id: personas.citizen2.ownerId },
      permissions: ['metadata'],
    });
    const shareId = created.json.id as string;
    const before = {
      shares: (await t.api('GET', '/v1/shares?direction=outgoing', { token: a })).json,
      documents: await folderDocuments(t.api, a, ids.private),
    };

    assertProblem(
      await t.api('GET', `/v1/shares/${shareId}/documents/${ids.privateDocument}`, { token: b }),
      404,
      'not-found',
      'outside the share',
    );
    assertProblem(
      await t.api('GET', `/v1/shares/${shareId}/items?folderId=${ids.private}`, { token: b }),
      404,
      'not-found',
      'folder outside',
    );
    assertProblem(await t.api('GET', `/v1/shares/${shareId}`, { token: org }), 404, 'not-found', 'not the grantee');
    assertProblem(
      await t.api('GET', `/v1/shares/${shareId}/documents/${ids.document}/content`, { token: b }),
      403,
      'permission-denied',
    );
    assertProblem(
      await t.api('GET', '/v1/shares/00000000-0000-4000-8000-000000000000', { token: b }),
      404,
      'not-found',
      'never issued',
    );
    assertProblem(
      await t.api('DELETE', `/v1/shares/${shareId}`, { token: b }),
      404,
      'not-found',
      'the grantee cannot revoke',
    );
    assertProblem(
      await share(b, {
        resourceType: 'document',
        resourceId: ids.document,
        grantee: { kind: 'organization', id: personas.organization.ownerId },
        permissions: ['metadata'],
        viaShareId: shareId,
      }),
      403,
      'forbidden-role',
      'no reshare',
    );

    const reasons = (await accessLog())
      .filter((entry) => entry.outcome === 'denied')
      .map((entry) => entry.detail?.reason);
    for (const reason of ['outside-share', 'not-grantee', 'no-download-permission'])
      assert.ok(reasons.includes(reason), `${reason} audited`);
    assert.ok(
      (await folderHistory(ids.folder)).some((entry) => entry.action === 'share.create' && entry.outcome === 'denied'),
      'the refused reshare',
    );
    assert.deepEqual(
      {
        shares: (await t.api('GET', '/v1/shares?direction=outgoing', { token: a })).json,
        documents: await folderDocuments(t.api, a, ids.private),
      },
      before,
    );
    assert.deepEqual(
      (await t.api('GET', '/v1/shares?direction=outgoing', { token: b })).json.items,
      [],
      'no reshare was made',
    );
  });

  test('moving a document out removes the access; revoking stops the share at once', async () => {
    const created = await share(a, {
      resourceType: 'folder',
      resourceId: ids.folder,
      grantee: { kind: 'citizen', id: personas.citizen2.ownerId },
      permissions: ['metadata'],
    });
    const shareId = created.json.id as string;
    const path = `/v1/shares/${shareId}/documents/${ids.document}`;
    assert.equal((await t.api('GET', path, { token: b })).status, 200);
    assert.equal(
      (await t.api('PATCH', `/v1/documents/${ids.document}`, { token: a, body: { folderId: ids.private } })).status,
      200,
    );
    assertProblem(await t.api('GET', path, { token: b }), 404, 'not-found', 'moved out');
    assert.equal(
      (await t.api('PATCH', `/v1/documents/${ids.document}`, { token: a, body: { folderId: ids.subfolder } })).status,
      200,
    );
    assert.equal((await t.api('GET', path, { token: b })).status, 200);

    assert.equal((await t.api('DELETE', `/v1/shares/${shareId}`, { token: a })).status, 204);
    assertProblem(await t.api('GET', path, { token: b }), 404, 'not-found', 'revoked');
    assertProblem(await t.api('DELETE', `/v1/shares/${shareId}`, { token: a }), 404, 'not-found', 'revoked twice');
    assert.ok(
      (await accessLog()).some((entry) => entry.detail?.shareId === shareId && entry.detail?.reason === 'revoked'),
    );
  });
});

describe('links', () => {
  test('a PIN-protected, limited link shows only its document, counts uses, and is audited', async () => {
    const created = await t.api('POST', '/v1/links', {
      token: a,
      body: { resourceType: 'document', resourceId: ids.document, permissions: ['download'], pin: '2468', maxUses: 2 },
    });
    assert.equal(created.status, 201, created.text);
    const { token } = created.json as { token: string };
    assert.ok(Buffer.from(token, 'base64url').length >= 16);
    const path = `/v1/shared-links/${token}`;

    assertProblem(await t.api('GET', path), 403, 'pin-required', 'no PIN');
    assertProblem(await t.api('GET', path, { headers: { 'x-link-pin': '1111' } }), 403, 'pin-required', 'wrong PIN');
    const view = await t.api('GET', path, { headers: { 'x-link-pin': '2468' } });
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.document.id, ids.document);
    assert.equal(view.json.remainingUses, 1);
    assert.deepEqual(
      Object.keys(view.json).sort(),
      ['document', 'permissions', 'remainingUses', 'resourceType'],
      'what is shared and nothing else',
    );
    const download = await t.api('GET', `${path}/content`, { headers: { 'x-link-pin': '2468' } });
    assert.equal(download.status, 302, download.text);
    assertProblem(await t.api('GET', path, { headers: { 'x-link-pin': '2468' } }), 404, 'not-found', 'used up');

    const listed = await t.api('GET', '/v1/links', { token: a });
    const mine = listed.json.items.find((item: { id: string }) => item.id === created.json.link.id);
    assert.equal(mine.uses, 2);
    assert.equal(mine.pinProtected, true);
    assert.equal(JSON.stringify(listed.json).includes(token), false, 'the token is never shown again');
    const reasons = (await accessLog())
      .filter((entry) => entry.detail?.linkId === created.json.link.id)
      .map((entry) => entry.detail?.reason ?? entry.action);
    assert.deepEqual(reasons, ['used-up', 'link.open', 'link.open', 'wrong-pin']);
  });

  test('revoked links are 404 for everyone; other owners cannot revoke them', async () => {
    const created = await t.api('POST', '/v1/links', {
      token: a,
      body: { resourceType: 'folder', resourceId: ids.folder, permissions: ['metadata'] },
    });
    const { token, link } = created.json as { token: string; link: { id: string } };
    const view = await t.api('GET', `/v1/shared-links/${token}?folderId=${ids.subfolder}`);
    assert.deepEqual(
      view.json.documents.items.map((d: { id: string }) => d.id),
      [ids.document],
    );
    assertProblem(
      await t.api('GET', `/v1/shared-links/${token}/content?documentId=${ids.document}`),
      403,
      'permission-denied',
    );
    assertProblem(
      await t.api('GET', `/v1/shared-links/${token}?folderId=${ids.private}`),
      404,
      'not-found',
      'outside the folder',
    );
    assertProblem(await t.api('DELETE', `/v1/links/${link.id}`, { token: b }), 404, 'not-found');
    assert.equal((await t.api('DELETE', `/v1/links/${link.id}`, { token: a })).status, 204);
    assertProblem(await t.api('GET', `/v1/shared-links/${token}`), 404, 'not-found', 'revoked');
  });

  test('wrong PINs lock the link with 429 and retry-after', async () => {
    const created = await t.api('POST', '/v1/links', {
      token: a,
      body: { resourceType: 'document', resourceId: ids.document, permissions: ['metadata'], pin: '13579' },
    });
    const path = `/v1/shared-links/${created.json.token}`;
    for (let attempt = 1; attempt < 5; attempt += 1)
      assertProblem(await t.api('GET', path, { headers: { 'x-link-pin': '0000' } }), 403, 'pin-required');
    const locked = await t.api('GET', path, { headers: { 'x-link-pin': '0000' } });
    assertProblem(locked, 429, 'rate-limited');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assertProblem(
      await t.api('GET', path, { headers: { 'x-link-pin': '13579' } }),
      429,
      'rate-limited',
      'locked for the right PIN too',
    );
  });
});

describe('officer access', () => {
  const purpose = 'procedureCode=1.004227&caseNumber=HS-2025%2F0042';

  test('a consent to the unit, or a document the unit issued, is readable for a recorded purpose', async () => {
    const path = `/v1/officer/owners/${personas.citizen.ownerId}/documents/${ids.privateDocument}`;
    assertProblem(await t.api('GET', `${path}?${purpose}`, { token: officer }), 404, 'not-found', 'no consent yet');
    assertProblem(await t.api('GET', path, { token: officer }), 400, 'invalid-request', 'a purpose is required');
    assertProblem(
      await t.api('GET', `${path}?procedureCode=drop%20table&caseNumber=1`, { token: officer }),
      400,
      'invalid-request',
    );
    const consent = await share(a, {
      resourceType: 'folder',
      resourceId: ids.private,
      grantee: { kind: 'unit', id: 'PC06' },
      permissions: ['download'],
    });
    assert.equal(consent.status, 201, consent.text);
    const read = await t.api('GET', `${path}?${purpose}`, { token: officer });
    assert.equal(read.status, 200, read.text);
    assert.equal((await t.api('GET', `${path}/content?${purpose}`, { token: officer })).status, 302);
    assertProblem(await t.api('GET', `${path}?${purpose}`, { token: b }), 403, 'forbidden-role');

    const entry = await lastEntry(ids.privateDocument, 'document.officer-read');
    assert.equal(entry?.actor.unit, 'PC06');
    assert.equal(entry?.detail?.procedureCode, '1.004227');
    assert.equal(entry?.detail?.caseNumber, 'HS-2025/0042');
    assert.ok(
      await lastEntry(ids.privateDocument, 'document.officer-read-denied'),
      'the refused read is in the history too',
    );

    const issued = await t.uploadFile(officer, 'sample-result.pdf', { ownerId: personas.citizen.ownerId });
    if (issued.upload.status === 'REVIEW') {
      assert.equal(
        (await t.api('POST', `/v1/uploads/${issued.uploadId}/review`, { token: officer, body: { approve: true } }))
          .status,
        200,
      );
    }
    const filed = await t.waitForUpload(officer, issued.uploadId);
    assert.equal(filed.status, 'DONE', filed.failureReason);
    const issuedRead = await t.api(
      'GET',
      `/v1/officer/owners/${personas.citizen.ownerId}/documents/${filed.documentId}?${purpose}`,
      { token: officer },
    );
    assert.equal(issuedRead.status, 200, issuedRead.text);
    assert.ok(
      (await accessLog()).some(
        (entry) => entry.resourceId === filed.documentId && entry.detail?.basis === 'issued-by-unit',
      ),
    );
  });
});

describe('unknown link tokens', () => {
  test('are rate-limited per source address with 429 and retry-after', async () => {
    let limited;
    for (let attempt = 0; attempt < 25 && !limited; attempt += 1) {
      const response = await t.api('GET', `/v1/shared-links/${'g'.repeat(40)}${attempt}`);
      if (response.status === 429) limited = response;
      else assertProblem(response, 404, 'not-found');
    }
    assert.ok(limited, 'the budget runs out');
    assertProblem(limited, 429, 'rate-limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});
