import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import type { Folder } from '../integration/support/test-vault.ts';
import { makePdf } from '../integration/support/fixtures.ts';
import {
  attempt,
  expectEach,
  observable,
  ownerA,
  ownerB,
  randomId,
  shareWith,
  startWorld,
  unchanged,
  unchangedButAudited,
  type SecurityWorld,
} from './support.ts';

/**
 * Grants, attacked by their grantee and by everyone else: a share reaches exactly what it
 * covers with exactly its permissions, while it is active; anything else looks missing (or
 * is 403 for a permission it lacks), and each refusal of a real share is audited in the
 * owner's history.
 */
let w: SecurityWorld;
let org: string;
/** A folder of A's shared with B (metadata and content, no download), holding one PDF. */
let sharedFolder = '';
let sharedDocument = '';
let folderShare = '';

before(async () => {
  w = await startWorld({ signature: false });
  org = await w.t.token('organization');
  const folder = await w.t.api<Folder>('POST', '/v1/folders', {
    token: w.a,
    body: { name: 'Chia sẻ với Bình', parentId: w.ids.folder },
  });
  assert.equal(folder.status, 201, folder.text);
  sharedFolder = folder.json.id;
  const filed = await w.t.uploadFile(w.a, 'sample-result.pdf', { folderId: sharedFolder });
  assert.equal(filed.upload.status, 'DONE', filed.upload.failureReason);
  sharedDocument = filed.upload.documentId!;
  folderShare = await shareWith(w, {
    resourceType: 'folder',
    resourceId: sharedFolder,
    permissions: ['metadata', 'content'],
  });
});
after(async () => {
  await w?.t.close();
});

/**
 * The attack changes nothing but the history of `resourceId` (a document of A's outside the snapshot); returns what it
 * added.
 */
async function auditedOn(resourceId: string, attack: () => Promise<void>) {
  const read = async () => (await w.t.vault.deps.repository.listHistory(ownerA, resourceId, { limit: 1000 })).items;
  const before = new Set((await read()).map((entry) => entry.id));
  await unchanged(w, attack);
  return { added: (await read()).filter((entry) => !before.has(entry.id)) };
}

const denials = (added: { action: string; outcome: string; detail?: Record<string, unknown> }[]) =>
  added.map((entry) => [entry.action, entry.outcome, entry.detail?.reason]);

describe('shares', () => {
  test("control: B reads the shared document's metadata through the folder share", async () => {
    const response = await w.t.api('GET', `/v1/shares/${folderShare}/documents/${sharedDocument}`, { token: w.b });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.id, sharedDocument);
    assert.equal(response.json.folderId, undefined, 'where it is filed is not shown');
    assert.equal(response.json.ownerId, undefined);
  });

  test("a grantee reaching outside the shared folder (parent folder, A's other document) gets 404, audited", async () => {
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(
        await w.t.api('GET', `/v1/shares/${folderShare}/documents/${w.ids.document}`, { token: w.b }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('GET', `/v1/shares/${folderShare}/documents/${w.ids.document}/text`, { token: w.b }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('GET', `/v1/shares/${folderShare}/items?folderId=${w.ids.folder}`, { token: w.b }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('GET', `/v1/shares/${folderShare}/items?folderId=${w.ids.otherFolder}`, { token: w.b }),
        404,
        'not-found',
      );
    });
    assert.deepEqual(denials(added), Array(4).fill(['share.access-denied', 'denied', 'outside-share']));
  });

  test('a permission the share lacks: download is 403 permission-denied, audited, with no redirect', async () => {
    const { added } = await unchangedButAudited(w, async () => {
      const response = await w.t.api('GET', `/v1/shares/${folderShare}/documents/${sharedDocument}/content`, {
        token: w.b,
      });
      assertProblem(response, 403, 'permission-denied');
      assert.equal(response.headers.get('location'), null);
    });
    assert.deepEqual(denials(added), [['share.access-denied', 'denied', 'no-download-permission']]);
  });

  test('someone who is not the grantee (an organisation, A herself) gets 404 like a random share id; the real one is audited', async () => {
    const { added } = await unchangedButAudited(w, async () => {
      for (const token of [org, w.a]) {
        const probe = await w.t.api('GET', `/v1/shares/${folderShare}/documents/${sharedDocument}`, { token });
        const missing = await w.t.api('GET', `/v1/shares/${randomId()}/documents/${sharedDocument}`, { token });
        assertProblem(probe, 404, 'not-found');
        assert.deepEqual(observable(probe), observable(missing));
        assertProblem(await w.t.api('GET', `/v1/shares/${folderShare}`, { token }), 404, 'not-found');
        assertProblem(await w.t.api('GET', `/v1/shares/${folderShare}/items`, { token }), 404, 'not-found');
      }
    });
    assert.deepEqual(denials(added), Array(6).fill(['share.access-denied', 'denied', 'not-grantee']));
  });

  test('a revoked share stops at once for every route, audited as revoked', async () => {
    const share = await shareWith(w, { resourceType: 'document', resourceId: sharedDocument });
    assert.equal((await w.t.api('GET', `/v1/shares/${share}`, { token: w.b })).status, 200);
    assert.equal((await w.t.api('DELETE', `/v1/shares/${share}`, { token: w.a })).status, 204);
    const { added } = await auditedOn(sharedDocument, async () => {
      await expectEach(
        w.t,
        [
          '',
          `/documents/${sharedDocument}`,
          `/documents/${sharedDocument}/text`,
          `/documents/${sharedDocument}/content`,
        ].map((suffix) => ({ method: 'GET', path: `/v1/shares/${share}${suffix}`, options: { token: w.b } })),
        404,
        'not-found',
      );
    });
    assert.deepEqual(denials(added), Array(4).fill(['share.access-denied', 'denied', 'revoked']));
    assertProblem(await w.t.api('DELETE', `/v1/shares/${share}`, { token: w.a }), 404, 'not-found', 'revoking twice');
  });

  test('an expired share stops working, audited as expired; an expiry in the past is refused', async () => {
    const share = await shareWith(w, {
      resourceType: 'document',
      resourceId: sharedDocument,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const record = (await w.t.vault.deps.repository.getShare(share))!;
    await w.t.vault.deps.repository.commit({
      ownerId: ownerA,
      shares: [{ next: { ...record, expiresAt: new Date(Date.now() - 1000).toISOString() }, previous: record }],
      audit: [],
    });
    const { added } = await auditedOn(sharedDocument, async () => {
      assertProblem(
        await w.t.api('GET', `/v1/shares/${share}/documents/${sharedDocument}`, { token: w.b }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: w.a,
          body: {
            resourceType: 'document',
            resourceId: sharedDocument,
            grantee: { kind: 'citizen', id: ownerB },
            permissions: ['metadata'],
            expiresAt: '2001-01-01T00:00:00Z',
          },
        }),
        422,
        'invalid-input',
      );
    });
    assert.deepEqual(denials(added), [['share.access-denied', 'denied', 'expired']]);
  });

  test("IDOR: B cannot share, reshare without a grant, or revoke what is A's", async () => {
    const share = await shareWith(w, { resourceType: 'document', resourceId: w.ids.document });
    const { added } = await unchangedButAudited(w, async () => {
      const orgId = '0101234567';
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: w.b,
          body: {
            resourceType: 'document',
            resourceId: w.ids.document,
            grantee: { kind: 'organization', id: orgId },
            permissions: ['metadata'],
          },
        }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: w.b,
          body: {
            resourceType: 'folder',
            resourceId: w.ids.folder,
            grantee: { kind: 'organization', id: orgId },
            permissions: ['metadata'],
          },
        }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: org,
          body: {
            resourceType: 'document',
            resourceId: w.ids.document,
            grantee: { kind: 'citizen', id: ownerB },
            permissions: ['metadata'],
            viaShareId: share,
          },
        }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('DELETE', `/v1/shares/${share}`, { token: w.b }),
        404,
        'not-found',
        'the grantee revoking',
      );
      assertProblem(
        await w.t.api('DELETE', `/v1/shares/${share}`, { token: org }),
        404,
        'not-found',
        'a stranger revoking',
      );
    });
    // A stranger presenting A's real share to reshare from it is a denied use of that share, and may be audited as
    // such.
    for (const entry of added) {
      assert.equal(entry.outcome, 'denied', JSON.stringify(entry));
      assert.ok(['share.access-denied', 'share.create'].includes(entry.action), entry.action);
      assert.notEqual(entry.actor.ownerId, ownerA);
    }
    assert.equal((await w.t.api('GET', `/v1/shares/${share}`, { token: w.b })).status, 200, 'the share still works');
  });

  test('resharing: not allowed (403), with more permissions (422), or outside the share (404), each audited', async () => {
    const plain = await shareWith(w, { resourceType: 'folder', resourceId: sharedFolder, permissions: ['metadata'] });
    const reshareable = await shareWith(w, {
      resourceType: 'folder',
      resourceId: sharedFolder,
      permissions: ['metadata'],
      canReshare: true,
    });
    const body = (via: string, extra: Record<string, unknown> = {}) => ({
      resourceType: 'document',
      resourceId: sharedDocument,
      grantee: { kind: 'organization', id: '0101234567' },
      permissions: ['metadata'],
      viaShareId: via,
      ...extra,
    });
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await w.t.api('POST', '/v1/shares', { token: w.b, body: body(plain) }), 403, 'forbidden-role');
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: w.b,
          body: body(reshareable, { permissions: ['metadata', 'download'] }),
        }),
        422,
        'invalid-input',
      );
      assertProblem(
        await w.t.api('POST', '/v1/shares', { token: w.b, body: body(reshareable, { resourceId: w.ids.document }) }),
        404,
        'not-found',
      );
    });
    assert.deepEqual(
      denials(added).map(([action, outcome]) => [action, outcome]),
      Array(3).fill(['share.create', 'denied']),
    );
    assert.deepEqual(added.map((entry) => entry.detail?.reason).sort(), [
      'more-permissions',
      'outside-share',
      'reshare-not-allowed',
    ]);
  });

  test("mass assignment on shares: owner, granter, revocation and ids are the system's", async () => {
    const base = {
      resourceType: 'document',
      resourceId: w.ids.document,
      grantee: { kind: 'citizen', id: ownerB },
      permissions: ['metadata'],
    };
    await unchanged(w, async () => {
      await expectEach(
        w.t,
        [
          { ownerId: ownerB },
          { grantedBy: ownerB },
          { revokedAt: null },
          { id: randomId() },
          { createdAt: '2000-01-01T00:00:00Z' },
          { active: true },
          { parentShareId: folderShare },
          { grantee: { kind: 'admin', id: 'x' } },
          { grantee: { kind: 'citizen', id: ownerB, role: 'admin' } },
          { permissions: ['metadata', 'owner'] },
        ].map((extra) => ({
          method: 'POST',
          path: '/v1/shares',
          options: { token: w.a, body: { ...base, ...extra } },
        })),
        400,
        'invalid-request',
      );
      await expectEach(
        w.t,
        // Each kind of grantee has its id pattern in the published schema.
        [
          { grantee: { kind: 'citizen', id: "0' OR '1'='1" } },
          { grantee: { kind: 'unit', id: 'pc06; DROP' } },
          { grantee: { kind: 'organization', id: ownerB } },
        ].map((extra) => ({
          method: 'POST',
          path: '/v1/shares',
          options: { token: w.a, body: { ...base, ...extra } },
        })),
        400,
        'invalid-request',
      );
      // Sharing with yourself is well formed; the core refuses it.
      assertProblem(
        await w.t.api('POST', '/v1/shares', {
          token: w.a,
          body: { ...base, grantee: { kind: 'citizen', id: ownerA } },
        }),
        422,
        'invalid-input',
      );
    });
  });

  test('moving a document out of a shared folder removes the access that came through it', async () => {
    const filed = await w.t.uploadFile(w.a, 'sample-result.pdf', {
      folderId: sharedFolder,
      bytes: await makePdf('Se chuyen di'),
    });
    const documentId = filed.upload.documentId!;
    assert.equal(
      (await w.t.api('GET', `/v1/shares/${folderShare}/documents/${documentId}`, { token: w.b })).status,
      200,
      'while inside',
    );
    assert.equal(
      (await w.t.api('PATCH', `/v1/documents/${documentId}`, { token: w.a, body: { folderId: w.ids.folder } })).status,
      200,
    );
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(
        await w.t.api('GET', `/v1/shares/${folderShare}/documents/${documentId}`, { token: w.b }),
        404,
        'not-found',
      );
    });
    assert.deepEqual(denials(added), [['share.access-denied', 'denied', 'outside-share']]);
  });

  test("a grantee's lists show the shared resource and nothing else of the owner", async () => {
    const incoming = await w.t.api('GET', '/v1/shares?direction=incoming', { token: w.b });
    assert.equal(incoming.status, 200, incoming.text);
    const text = incoming.text;
    for (const secret of ['Hồ sơ của An', 'Giấy tờ xe', w.ids.folder, w.ids.subfolder])
      assert.ok(!text.includes(secret), `incoming list leaks ${secret}`);
    const items = await w.t.api('GET', `/v1/shares/${folderShare}/items`, { token: w.b });
    assert.equal(items.status, 200, items.text);
    assert.ok(
      !items.text.includes('Hồ sơ của An') && !items.text.includes(w.ids.folder),
      'the parent folder is not named',
    );
    const outgoingOfB = await w.t.api('GET', '/v1/shares?direction=outgoing', { token: w.b });
    assert.ok(!outgoingOfB.text.includes(folderShare), "B does not see A's outgoing shares");
    assertProblem(
      await attempt(w.t, 'GET', '/v1/shares?direction=incoming&granteeId=079203001234', { token: w.b }),
      400,
      'invalid-request',
    );
    assertProblem(await attempt(w.t, 'GET', '/v1/shares?direction=sideways', { token: w.b }), 400, 'invalid-request');
  });
});
