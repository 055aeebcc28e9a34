import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { assertProblem } from '../support/http-client.ts';
import { startTestVault, type Folder, type TestVault, type VaultDocument } from '../support/test-vault.ts';
import {
  findNode,
  flattenTree,
  folderDocuments,
  folderHistory,
  getTree,
  readAllPages,
} from '../support/vault-reads.ts';

let t: TestVault;
let token: string;

before(async () => {
  t = await startTestVault();
  token = await t.token('citizen');
});
after(async () => {
  await t.close();
});

async function createFolder(name: string, parentId?: string | null): Promise<Folder> {
  const response = await t.api<Folder>('POST', '/v1/folders', {
    token,
    body: { name, ...(parentId !== undefined ? { parentId } : {}) },
  });
  assert.equal(response.status, 201, response.text);
  return response.json;
}

/** The tree as { id: parentId } for the active folders, read from GET /v1/folders. */
async function parentMap(): Promise<Map<string, string | null>> {
  return new Map(flattenTree(await getTree(t.api, token)).map((folder) => [folder.id, folder.treeParentId]));
}

describe('default folders', () => {
  test('three Vietnamese-named default folders are provisioned on first use, once', async () => {
    const tree = await getTree(t.api, token);
    assert.equal(tree.length, 3, JSON.stringify(tree));
    assert.deepEqual(tree.map((folder) => folder.system).sort(), ['identity', 'results', 'self']);
    assert.deepEqual(tree.map((folder) => folder.id).sort(), ['sys-identity', 'sys-results', 'sys-self']);
    for (const folder of tree) {
      assert.equal(folder.parentId, null);
      assert.deepEqual(folder.children, []);
      assert.match(folder.name, /[À-ỹ]/u, `${folder.name} is written in Vietnamese`);
      assert.equal(folder.name, folder.name.normalize('NFC'));
    }
    assert.equal(new Set(tree.map((folder) => folder.name)).size, 3);
    assert.deepEqual(await getTree(t.api, token), tree, 'a second read provisions nothing new');
  });

  test("a new owner's concurrent first requests all succeed and provision the defaults once", async () => {
    const orgToken = await t.token('organization');
    const first = await Promise.all(Array.from({ length: 5 }, () => t.api('GET', '/v1/folders', { token: orgToken })));
    assert.deepEqual(
      first.map((response) => response.status),
      [200, 200, 200, 200, 200],
      first.map((r) => r.text).join('\n'),
    );
    const tree = await getTree(t.api, orgToken);
    assert.deepEqual(tree.map((folder) => folder.id).sort(), ['sys-identity', 'sys-results', 'sys-self']);
    for (const response of first) assert.deepEqual(response.json.folders, tree, 'every racer saw the same tree');
  });

  test('default folders cannot be renamed, moved or deleted (409 protected-folder)', async () => {
    const custom = await createFolder('Thư mục thường');
    for (const id of ['sys-identity', 'sys-results', 'sys-self']) {
      assertProblem(
        await t.api('PATCH', `/v1/folders/${id}`, { token, body: { name: 'Đổi tên' } }),
        409,
        'protected-folder',
        `rename ${id}`,
      );
      assertProblem(
        await t.api('PATCH', `/v1/folders/${id}`, { token, body: { parentId: custom.id } }),
        409,
        'protected-folder',
        `move ${id}`,
      );
      assertProblem(await t.api('DELETE', `/v1/folders/${id}`, { token }), 409, 'protected-folder', `delete ${id}`);
    }
    const tree = await getTree(t.api, token);
    assert.deepEqual(
      tree
        .filter((folder) => folder.system)
        .map((folder) => folder.id)
        .sort(),
      ['sys-identity', 'sys-results', 'sys-self'],
    );
    assert.ok(tree.filter((folder) => folder.system).every((folder) => folder.parentId === null));
    assert.equal(findNode(tree, custom.id)?.children.length, 0);
  });
});

describe('custom folders', () => {
  test('create nested folders; the tree shows them under their parents', async () => {
    const root = await createFolder('Hồ sơ gia đình');
    assert.equal(root.parentId, null);
    assert.equal(root.name, 'Hồ sơ gia đình');
    assert.match(root.id, /^[A-Za-z0-9-]+$/);
    const child = await createFolder('Giấy khai sinh', root.id);
    const grandchild = await createFolder('Bản sao', child.id);
    assert.equal(child.parentId, root.id);
    const tree = await getTree(t.api, token);
    const node = findNode(tree, root.id);
    assert.deepEqual(
      node?.children.map((c) => c.id),
      [child.id],
    );
    assert.deepEqual(
      node?.children[0]?.children.map((c) => c.id),
      [grandchild.id],
    );
    assert.ok(
      tree.some((n) => n.id === root.id),
      'root-level folder is a root of the tree',
    );
    assertProblem(
      await t.api('POST', '/v1/folders', { token, body: { name: 'Mồ côi', parentId: randomUUID() } }),
      404,
      'not-found',
    );
  });

  test('rename, then move, then move back to the root', async () => {
    const a = await createFolder('Tạm A');
    const b = await createFolder('Tạm B');
    const renamed = await t.api<Folder>('PATCH', `/v1/folders/${a.id}`, { token, body: { name: 'Hợp đồng thuê nhà' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.name, 'Hợp đồng thuê nhà');
    assert.equal(renamed.json.parentId, null);

    const moved = await t.api<Folder>('PATCH', `/v1/folders/${a.id}`, { token, body: { parentId: b.id } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.parentId, b.id);
    assert.equal(moved.json.name, 'Hợp đồng thuê nhà');
    assert.equal((await parentMap()).get(a.id), b.id);

    const both = await t.api<Folder>('PATCH', `/v1/folders/${a.id}`, {
      token,
      body: { parentId: null, name: 'Hợp đồng' },
    });
    assert.equal(both.status, 200, both.text);
    assert.equal((await parentMap()).get(a.id), null);
    assert.equal(findNode(await getTree(t.api, token), a.id)?.name, 'Hợp đồng');

    const history = await folderHistory(t.api, token, a.id);
    const actions = history.map((entry) => entry.action);
    for (const action of ['folder.create', 'folder.rename', 'folder.move'])
      assert.ok(actions.includes(action), `${action} in ${actions}`);
    for (const entry of history) {
      assert.equal(entry.actor.sub, 'citizen-nguyen-van-an');
      assert.equal(entry.outcome, 'success');
      assert.ok(entry.sourceIp.length > 0);
    }
    assert.deepEqual(
      [...history].sort((x, y) => y.at.localeCompare(x.at)).map((e) => e.id),
      history.map((e) => e.id),
      'newest first',
    );
  });

  test('a move into itself or a descendant is 409 folder-cycle and changes nothing', async () => {
    const a = await createFolder('Chu trình A');
    const b = await createFolder('Chu trình B', a.id);
    const c = await createFolder('Chu trình C', b.id);
    const before = await parentMap();
    for (const target of [a.id, b.id, c.id]) {
      assertProblem(
        await t.api('PATCH', `/v1/folders/${a.id}`, { token, body: { parentId: target } }),
        409,
        'folder-cycle',
        `A into ${target}`,
      );
    }
    assertProblem(
      await t.api('PATCH', `/v1/folders/${b.id}`, { token, body: { parentId: c.id } }),
      409,
      'folder-cycle',
    );
    assert.deepEqual(await parentMap(), before);
    assertProblem(
      await t.api('PATCH', `/v1/folders/${a.id}`, { token, body: { parentId: randomUUID() } }),
      404,
      'not-found',
    );
  });

  test('two concurrent crossing moves never both succeed; the tree stays acyclic', async () => {
    let bothFailed = 0;
    for (let round = 0; round < 10; round += 1) {
      const a = await createFolder(`Đua ${round} A`);
      const b = await createFolder(`Đua ${round} B`);
      const [ab, ba] = await Promise.all([
        t.api('PATCH', `/v1/folders/${a.id}`, { token, body: { parentId: b.id } }),
        t.api('PATCH', `/v1/folders/${b.id}`, { token, body: { parentId: a.id } }),
      ]);
      const statuses = [ab.status, ba.status];
      assert.ok(
        statuses.every((status) => status === 200 || status === 409),
        `round ${round}: ${ab.text} / ${ba.text}`,
      );
      assert.ok(!(ab.status === 200 && ba.status === 200), `round ${round}: both moves succeeded`);
      for (const response of [ab, ba]) {
        if (response.status === 409) assertProblem(response, 409, ['folder-cycle', 'conflict'], `round ${round}`);
      }
      if (statuses.every((status) => status === 409)) bothFailed += 1;

      const parents = await parentMap();
      assert.ok(parents.has(a.id) && parents.has(b.id), 'both folders are still in the tree');
      // The stored parents (not just the tree shape) must agree with what the answers said.
      const tree = flattenTree(await getTree(t.api, token));
      for (const folder of tree) assert.equal(folder.parentId, folder.treeParentId, `stored parent of ${folder.id}`);
      for (const start of [a.id, b.id]) {
        const seen = new Set<string>();
        for (let id: string | null | undefined = start; id; id = parents.get(id)) {
          assert.ok(!seen.has(id), `cycle through ${id}`);
          seen.add(id);
        }
      }
      assert.equal(parents.get(a.id), ab.status === 200 ? b.id : null);
      assert.equal(parents.get(b.id), ba.status === 200 ? a.id : null);
    }
    assert.ok(bothFailed < 10, 'a conflict may be retried away: at least one round lets one move through');
  });

  test('sibling names are unique, case- and whitespace-insensitively (409 name-taken)', async () => {
    const parent = await createFolder('Tên trùng');
    const first = await createFolder('Sổ hộ khẩu', parent.id);
    for (const name of ['Sổ hộ khẩu', 'SỔ HỘ KHẨU', '  Sổ hộ khẩu  ']) {
      assertProblem(
        await t.api('POST', '/v1/folders', { token, body: { name, parentId: parent.id } }),
        409,
        'name-taken',
        name,
      );
    }
    const other = await createFolder('Sổ đỏ', parent.id);
    assertProblem(
      await t.api('PATCH', `/v1/folders/${other.id}`, { token, body: { name: 'sổ hộ khẩu' } }),
      409,
      'name-taken',
    );
    // The same name elsewhere is fine.
    const elsewhere = await createFolder('Sổ hộ khẩu');
    assertProblem(
      await t.api('PATCH', `/v1/folders/${elsewhere.id}`, { token, body: { parentId: parent.id } }),
      409,
      'name-taken',
      'move onto a taken name',
    );
    const node = findNode(await getTree(t.api, token), parent.id);
    assert.deepEqual(node?.children.map((c) => c.id).sort(), [first.id, other.id].sort());
    assert.equal(node?.children.find((c) => c.id === other.id)?.name, 'Sổ đỏ');
  });

  test('two concurrent renames to the same name: one wins', async () => {
    const x = await createFolder('Đổi tên X');
    const y = await createFolder('Đổi tên Y');
    const results = await Promise.all(
      [x, y].map((folder) => t.api('PATCH', `/v1/folders/${folder.id}`, { token, body: { name: 'Cùng một tên' } })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], results.map((r) => r.text).join(' / '));
    assertProblem(
      results.find((r) => r.status === 409)!,
      409,
      'name-taken',
    );
    const names = flattenTree(await getTree(t.api, token)).filter((f) => f.name === 'Cùng một tên');
    assert.equal(names.length, 1);
  });
});

describe('trash and restore of folders', () => {
  test('delete takes subfolders and documents to the trash; restore brings them all back', async () => {
    const folder = await createFolder('Sẽ xóa');
    const sub = await createFolder('Con', folder.id);
    const { upload } = await t.uploadFile(token, 'sample-scan.png', { folderId: sub.id });
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const documentId = upload.documentId!;

    const deleted = await t.api('DELETE', `/v1/folders/${folder.id}`, { token });
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal(deleted.text, '');
    const tree = await getTree(t.api, token);
    assert.equal(findNode(tree, folder.id), undefined);
    assert.equal(findNode(tree, sub.id), undefined);
    assertProblem(await t.api('GET', `/v1/folders/${sub.id}/items`, { token }), 404, 'not-found');
    assertProblem(await t.api('GET', `/v1/documents/${documentId}/content`, { token }), 404, 'not-found');
    assertProblem(await t.api('DELETE', `/v1/folders/${folder.id}`, { token }), 404, 'not-found', 'deleting twice');
    assertProblem(
      await t.api('POST', '/v1/folders', { token, body: { name: 'Vào thùng rác', parentId: folder.id } }),
      404,
      'not-found',
    );

    const trash = await t.api('GET', '/v1/trash', { token });
    assert.equal(trash.status, 200, trash.text);
    assert.deepEqual(
      trash.json.folders.map((f: Folder) => f.id),
      [folder.id],
      'only the deleted folder is listed, not what it took along',
    );
    assert.ok(trash.json.folders[0].trashedAt);
    assert.ok(!trash.json.documents.items.some((d: VaultDocument) => d.id === documentId));
    assertProblem(
      await t.api('POST', `/v1/trash/${documentId}/restore`, { token }),
      404,
      'not-found',
      'contents come back only with their folder',
    );

    const restored = await t.api('POST', `/v1/trash/${folder.id}/restore`, { token });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.resourceType, 'folder');
    assert.equal(restored.json.folder.id, folder.id);
    assert.equal(restored.json.folder.trashedAt, undefined);
    const back = findNode(await getTree(t.api, token), folder.id);
    assert.deepEqual(
      back?.children.map((c) => c.id),
      [sub.id],
    );
    assert.deepEqual(
      (await folderDocuments(t.api, token, sub.id)).map((d) => d.id),
      [documentId],
    );
    const document = await t.api<VaultDocument>('GET', `/v1/documents/${documentId}`, { token });
    assert.equal(document.json.trashedAt, undefined);
    assert.equal((await t.api('GET', `/v1/documents/${documentId}/content`, { token })).status, 302);
    const trashAfter = await t.api('GET', '/v1/trash', { token });
    assert.ok(!trashAfter.json.folders.some((f: Folder) => f.id === folder.id));
    assertProblem(
      await t.api('POST', `/v1/trash/${folder.id}/restore`, { token }),
      404,
      'not-found',
      'restoring twice',
    );
    const actions = (await folderHistory(t.api, token, folder.id)).map((e) => e.action);
    assert.ok(actions.includes('folder.delete') && actions.includes('folder.restore'), actions.join());
  });

  test('restoring a folder whose name was taken meanwhile is 409 name-taken and leaves it in the trash', async () => {
    const folder = await createFolder('Tên bị chiếm');
    assert.equal((await t.api('DELETE', `/v1/folders/${folder.id}`, { token })).status, 204);
    const usurper = await createFolder('Tên bị chiếm');
    assertProblem(await t.api('POST', `/v1/trash/${folder.id}/restore`, { token }), 409, 'name-taken');
    const trash = await t.api('GET', '/v1/trash', { token });
    assert.ok(trash.json.folders.some((f: Folder) => f.id === folder.id));
    const roots = (await getTree(t.api, token)).filter((f) => f.name === 'Tên bị chiếm');
    assert.deepEqual(
      roots.map((f) => f.id),
      [usurper.id],
    );
  });
});

describe('folder items', () => {
  test('items list subfolders and pages through documents', async () => {
    const folder = await createFolder('Nhiều tài liệu');
    const subA = await createFolder('B con', folder.id);
    const subB = await createFolder('A con', folder.id);
    const uploaded: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { upload } = await t.uploadFile(token, 'sample-result.pdf', {
        folderId: folder.id,
        fileName: `Giấy ${i}.pdf`,
      });
      assert.equal(upload.status, 'DONE', upload.failureReason);
      uploaded.push(upload.documentId!);
    }
    const first = await t.api('GET', `/v1/folders/${folder.id}/items?limit=2`, { token });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.folder.id, folder.id);
    assert.deepEqual(first.json.folders.map((f: Folder) => f.id).sort(), [subA.id, subB.id].sort());
    assert.equal(first.json.documents.items.length, 2);
    assert.equal(typeof first.json.documents.nextCursor, 'string');

    const all = await readAllPages<VaultDocument>(
      t.api,
      token,
      `/v1/folders/${folder.id}/items`,
      (body) => body.documents,
      2,
    );
    assert.equal(all.length, 5);
    assert.deepEqual(all.map((d) => d.id).sort(), [...uploaded].sort(), 'every document exactly once');
    const createdAt = all.map((d) => d.createdAt);
    assert.deepEqual([...createdAt].sort().reverse(), createdAt, 'newest first');

    const second = await t.api(
      'GET',
      `/v1/folders/${folder.id}/items?limit=2&cursor=${encodeURIComponent(first.json.documents.nextCursor)}`,
      { token },
    );
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.json.folders, [], 'subfolders come on the first page only');
    assert.ok(
      !second.json.documents.items.some((d: VaultDocument) =>
        first.json.documents.items.some((f: VaultDocument) => f.id === d.id),
      ),
    );

    const byList = await readAllPages<VaultDocument>(
      t.api,
      token,
      `/v1/documents?folderId=${folder.id}`,
      (body) => body,
      3,
    );
    assert.deepEqual(
      byList.map((d) => d.id),
      all.map((d) => d.id),
      'GET /v1/documents?folderId= lists the same documents',
    );
  });
});
