import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { staffAuditOwner } from '../../functions/audit/core/audit.ts';
import { templateAuditOwner } from '../../functions/templates/core/template-repository.ts';
import { personas } from '../integration/support/test-vault.ts';
import type { ApiOptions } from '../integration/support/http-client.ts';
import {
  attempt,
  deniedAudit,
  observable,
  ownerA,
  ownerB,
  randomId,
  startWorld,
  unchanged,
  type SecurityWorld,
} from './support.ts';

/**
 * Insecure direct object references: B (and others) use A's ids on every id-bearing route.
 * Each answer is 404 not-found, indistinguishable from an id that does not exist, and
 * nothing in either vault changes. Refused folder, document, upload and signing look-ups are
 * audited under the caller's vault; template refusals in the template's own history.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld();
});
after(async () => {
  await w?.t.close();
});

type Ids = { folder: string; document: string; trashed: string; upload: string; signature: string };
type Probe = [method: string, path: string, body?: unknown];

/** Each probe with A's ids and with random ids: both 404 not-found, same status, type and body shape. */
async function assertLikeMissing(token: string, probes: (ids: Ids) => Probe[]): Promise<void> {
  const theirs = probes(w.ids);
  const nobody = probes({
    folder: randomId(),
    document: randomId(),
    trashed: randomId(),
    upload: randomId(),
    signature: randomId(),
  });
  const wrong: string[] = [];
  await unchanged(w, async () => {
    for (const [index, [method, path, body]] of theirs.entries()) {
      const options: ApiOptions = { token, ...(body !== undefined ? { body } : {}) };
      const probe = await attempt(w.t, method, path, options);
      const control = await attempt(w.t, method, nobody[index]![1], options);
      if (
        probe.status !== 404 ||
        probe.json?.type !== 'urn:khoso:problem:not-found' ||
        !/^application\/problem\+json/.test(probe.contentType)
      ) {
        wrong.push(`${method} ${path} -> ${probe.status} ${probe.text.slice(0, 200)}`);
      } else if (JSON.stringify(observable(probe)) !== JSON.stringify(observable(control))) {
        wrong.push(`${method} ${path}: ${probe.text} differs from the missing id's ${control.text}`);
      }
      assert.equal(probe.headers.get('location'), null, 'no redirect to content');
    }
  });
  assert.deepEqual(wrong, [], "A's ids must look exactly like ids that do not exist");
}

describe("IDOR: another owner's ids are 404", () => {
  test('folders: items and history', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['GET', `/v1/folders/${id.folder}/items`],
      ['GET', `/v1/folders/${id.folder}/history`],
      ['GET', `/v1/folders/${id.folder}/items?limit=1`],
    ]);
  });

  test('folders: rename, move and delete', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['PATCH', `/v1/folders/${id.folder}`, { name: 'Chiếm quyền' }],
      ['PATCH', `/v1/folders/${id.folder}`, { parentId: null }],
      ['PATCH', `/v1/folders/${id.folder}`, { parentId: w.ids.otherFolder }],
      ['DELETE', `/v1/folders/${id.folder}`],
    ]);
  });

  test("folders: B creates a folder, moves a folder or lists documents inside A's folder", async () => {
    await assertLikeMissing(w.b, (id) => [
      ['POST', '/v1/folders', { name: 'Lấn sân', parentId: id.folder }],
      ['PATCH', `/v1/folders/${w.ids.otherFolder}`, { parentId: id.folder }],
      ['GET', `/v1/documents?folderId=${id.folder}`],
    ]);
  });

  test('documents: details, text, versions and history', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['GET', `/v1/documents/${id.document}`],
      ['GET', `/v1/documents/${id.document}/text`],
      ['GET', `/v1/documents/${id.document}/versions`],
      ['GET', `/v1/documents/${id.document}/history`],
      ['GET', `/v1/documents/${id.trashed}`],
    ]);
  });

  test('documents: content (current and a given version) gives no presigned URL', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['GET', `/v1/documents/${id.document}/content`],
      ['GET', `/v1/documents/${id.document}/content?version=1`],
      ['GET', `/v1/documents/${id.trashed}/content`],
    ]);
  });

  test('documents: edit, move and delete', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['PATCH', `/v1/documents/${id.document}`, { title: 'Chiếm quyền' }],
      ['PATCH', `/v1/documents/${id.document}`, { folderId: w.ids.otherFolder }],
      ['DELETE', `/v1/documents/${id.document}`],
    ]);
  });

  test("documents: B moves its own document into A's folder", async () => {
    await assertLikeMissing(w.b, (id) => [['PATCH', `/v1/documents/${w.ids.otherDocument}`, { folderId: id.folder }]]);
  });

  test("versions: a new version of A's document, and restoring one of its versions", async () => {
    await assertLikeMissing(w.b, (id) => [
      [
        'POST',
        `/v1/documents/${id.document}/versions`,
        { fileName: 'gia-mao.pdf', contentType: 'application/pdf', size: 1000 },
      ],
      ['POST', `/v1/documents/${id.document}/versions/1/restore`],
    ]);
  });

  test("uploads: status and review of A's upload, and an upload into A's folder", async () => {
    await assertLikeMissing(w.b, (id) => [
      ['GET', `/v1/uploads/${id.upload}`],
      ['POST', `/v1/uploads/${id.upload}/review`, { approve: false, reason: 'Từ chối hộ' }],
      ['POST', '/v1/uploads', { fileName: 'x.pdf', contentType: 'application/pdf', size: 1000, folderId: id.folder }],
    ]);
  });

  test("uploads: an officer who did not request it cannot see a citizen's upload", async () => {
    await assertLikeMissing(w.officer, (id) => [['GET', `/v1/uploads/${id.upload}`]]);
  });

  test("trash: restoring A's trashed document or A's folder", async () => {
    await assertLikeMissing(w.b, (id) => [
      ['POST', `/v1/trash/${id.trashed}/restore`],
      ['POST', `/v1/trash/${id.folder}/restore`],
    ]);
  });

  test('signatures: list, one signature, its file and verification', async () => {
    await assertLikeMissing(w.b, (id) => [
      ['GET', `/v1/documents/${id.document}/signatures`],
      ['GET', `/v1/documents/${id.document}/signatures/${id.signature}`],
      ['GET', `/v1/documents/${id.document}/signatures/${id.signature}/content`],
      ['GET', `/v1/documents/${id.document}/verification`],
      ['GET', `/v1/documents/${id.document}/verification?version=1`],
    ]);
  });

  test("refused folder, document and upload look-ups are audited in B's vault history, never in A's", async () => {
    // A filed document keeps its upload's id, so the type tells the two refusals apart.
    const refusedOf = async ([type, id]: [string, string]) =>
      (await deniedAudit(w, ownerB, ownerB, 'access.refused')).filter(
        (entry) => entry.detail?.requestedType === type && entry.detail?.requestedId === id,
      ).length;
    const ids: [string, string][] = [
      ['document', w.ids.document],
      ['folder', w.ids.folder],
      ['upload', w.ids.upload],
    ];
    const before = await Promise.all(ids.map(refusedOf));
    for (const path of [
      `/v1/documents/${w.ids.document}`,
      `/v1/folders/${w.ids.folder}/items`,
      `/v1/uploads/${w.ids.upload}`,
    ]) {
      assert.equal((await attempt(w.t, 'GET', path, { token: w.b })).status, 404);
    }
    const after = await Promise.all(ids.map(refusedOf));
    assert.deepEqual(
      after.map((count, index) => count - (before[index] ?? 0)),
      [1, 1, 1],
    );
    assert.equal(
      (await deniedAudit(w, ownerA, ownerA, 'access.refused')).length,
      0,
      "A's vault holds nothing of B's probes",
    );
    assert.equal((await deniedAudit(w, ownerA, w.ids.document)).length, 0);
  });

  test("an officer's refused look-up of an upload is audited under the staff pseudo-owner", async () => {
    const officer = w.officer;
    const refused = async () =>
      (
        await w.t.vault.deps.repository.listHistory(staffAuditOwner, personas.officer.sub, { limit: 1000 })
      ).items.filter((entry) => entry.action === 'access.refused' && entry.detail?.requestedId === w.ids.upload).length;
    const before = await refused();
    assert.equal((await attempt(w.t, 'GET', `/v1/uploads/${w.ids.upload}`, { token: officer })).status, 404);
    assert.equal(await refused(), before + 1);
  });

  test("signatures: requesting and completing on A's document are 404 and audited under B", async () => {
    const before = await deniedAudit(w, ownerB, w.ids.document);
    await assertLikeMissing(w.b, (id) => [
      ['POST', `/v1/documents/${id.document}/signatures`, { provider: 'ca-token', certificateChain: w.chainPem }],
      ['POST', `/v1/documents/${id.document}/signatures/${id.signature}/complete`, { signature: 'MEUCIQ==' }],
    ]);
    const after = await deniedAudit(w, ownerB, w.ids.document);
    const fresh = after.filter((entry) => !before.some((old) => old.id === entry.id));
    assert.deepEqual(fresh.map((entry) => entry.action).sort(), ['signature.complete', 'signature.request']);
    for (const entry of fresh) {
      assert.equal(entry.actor.sub, 'citizen-tran-thi-binh');
      assert.equal(entry.resourceId, w.ids.document);
    }
    assert.equal((await deniedAudit(w, ownerA, w.ids.document)).length, 0, "nothing was written into A's history");
    const signature = await w.t.vault.deps.repository.getSignature(ownerA, w.ids.document, w.ids.signature);
    assert.equal(signature?.status, 'pending', "A's request is untouched");
  });

  test('templates: a citizen may not view a built-in template: 404 on every route, each refusal audited', async () => {
    const id = 'builtin-cong-van';
    const adminView = async () => (await w.t.api('GET', `/v1/ocr-templates/${id}/versions`, { token: w.admin })).json;
    const templateBefore = await adminView();
    const deniedBefore = (await deniedAudit(w, templateAuditOwner, id)).length;
    const probes = (id: string): Probe[] => [
      ['GET', `/v1/ocr-templates/${id}`],
      ['GET', `/v1/ocr-templates/${id}/versions`],
      ['GET', `/v1/ocr-templates/${id}/history`],
      ['PATCH', `/v1/ocr-templates/${id}`, { name: 'Đổi tên' }],
      ['POST', `/v1/ocr-templates/${id}/activate`],
      ['POST', `/v1/ocr-templates/${id}/deactivate`],
      [
        'PUT',
        `/v1/ocr-templates/${id}/permissions`,
        {
          view: [{ role: 'officer' }],
          use: [{ role: 'officer' }],
          edit: [{ role: 'officer' }],
          grant: [{ role: 'admin' }],
        },
      ],
      ['POST', `/v1/ocr-templates/${id}/test`, { contentType: 'image/png', sample: 'aGVsbG8=' }],
    ];
    // The control probes a template id that does not exist.
    await assertLikeMissing(w.a, (ids) => probes(ids.folder === w.ids.folder ? id : ids.folder));
    assert.deepEqual(await adminView(), templateBefore, 'the template did not change');
    const denied = await deniedAudit(w, templateAuditOwner, id);
    assert.equal(denied.length - deniedBefore, probes(id).length, 'each refusal on the real template is audited');
    assert.ok(denied.every((entry) => entry.resourceType === 'template'));
  });

  test("an organisation probing a citizen's ids gets the same 404", async () => {
    const org = await w.t.token('organization');
    await assertLikeMissing(org, (id) => [
      ['GET', `/v1/documents/${id.document}`],
      ['GET', `/v1/folders/${id.folder}/items`],
      ['GET', `/v1/uploads/${id.upload}`],
      ['GET', `/v1/documents/${id.document}/signatures/${id.signature}`],
    ]);
    assert.equal(
      (await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a })).status,
      200,
      'A still reads it (control)',
    );
    assert.notEqual(ownerA, ownerB);
  });
});
