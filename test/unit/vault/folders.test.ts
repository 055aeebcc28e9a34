import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { listTrash, restoreFromTrash, trashDocument, updateDocument } from '../../../functions/vault/core/documents.ts';
import {
  ConcurrentUpdateError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
} from '../../../functions/platform/core/errors.ts';
import {
  createFolder,
  listFolderItems,
  listFolderTree,
  trashFolder,
  updateFolder,
  type FolderNode,
} from '../../../functions/vault/core/folders.ts';
import type { Folder } from '../../../functions/vault/core/model.ts';
import { systemFolderId } from '../../../functions/vault/core/vault-provisioning.ts';
import {
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  secondCitizen,
  secondCitizenId,
  seedDocument,
  withCode,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

async function provisioned(options?: Parameters<typeof createTestVault>[0]): Promise<TestVault> {
  const vault = createTestVault(options);
  await listFolderTree(vault, citizen());
  return vault;
}

async function stored(vault: TestVault, folderId: string, ownerId = citizenId): Promise<Folder> {
  const folder = await vault.repository.getFolder(ownerId, folderId);
  assert.ok(folder, `folder ${folderId} exists`);
  return folder;
}

/** Every folder's ancestor chain ends at the root without revisiting a folder. */
function assertAcyclic(folders: Folder[]): void {
  const byId = new Map(folders.map((f) => [f.id, f]));
  for (const folder of folders) {
    const seen = new Set<string>();
    for (let id: string | null = folder.id; id; id = byId.get(id)?.parentId ?? null) {
      assert.ok(!seen.has(id), `cycle through ${id}`);
      seen.add(id);
    }
  }
}

const names = (nodes: FolderNode[]) => nodes.map((n) => n.name);

describe('createFolder', () => {
  test('creates nested folders, listed under their parents after the default folders', async () => {
    const vault = await provisioned();
    const home = await createFolder(vault, citizen(), { name: 'Nhà đất' });
    const deeds = await createFolder(vault, citizen(), { name: 'Sổ đỏ', parentId: home.id });
    const tax = await createFolder(vault, citizen(), { name: 'Thuế', parentId: home.id });
    const year = await createFolder(vault, citizen(), { name: '2024', parentId: tax.id });
    const archive = await createFolder(vault, citizen(), { name: 'A lưu trữ' });

    assert.deepEqual(await stored(vault, deeds.id), deeds);
    assert.equal(deeds.ownerId, citizenId);
    assert.equal(deeds.parentId, home.id);
    assert.equal(home.parentId, null);
    assert.equal(deeds.createdAt, vault.clock.now().toISOString());

    const tree = await listFolderTree(vault, citizen());
    assert.deepEqual(names(tree).slice(0, 3).sort(), [
      'Giấy tờ tùy thân',
      'Giấy tờ tự số hóa',
      'Kết quả thủ tục hành chính',
    ]);
    assert.deepEqual(names(tree).slice(3), ['A lưu trữ', 'Nhà đất']);
    const homeNode = tree.find((n) => n.id === home.id);
    assert.deepEqual(homeNode && names(homeNode.children), ['Sổ đỏ', 'Thuế']);
    assert.deepEqual(
      homeNode?.children[1]?.children.map((n) => n.id),
      [year.id],
    );
    assert.ok(tree.some((n) => n.id === archive.id));

    const created = vault.repository.auditOf(citizenId).filter((e) => e.action === 'folder.create');
    assert.deepEqual(
      created.map((e) => e.resourceId),
      [home.id, deeds.id, tax.id, year.id, archive.id],
    );
    assert.deepEqual(created[1]?.detail, { name: 'Sổ đỏ', parentId: home.id });
    assert.deepEqual(created[0]?.detail, { name: 'Nhà đất', parentId: 'root' });
    assert.equal(created[0]?.actor.ownerId, citizenId);
  });

  test("a parent that is unknown, trashed or another owner's is not found, and nothing is created", async () => {
    const vault = await provisioned();
    await listFolderTree(vault, secondCitizen());
    const theirs = await createFolder(vault, secondCitizen(), { name: 'Riêng tư' });
    const gone = await createFolder(vault, citizen(), { name: 'Cũ' });
    await trashFolder(vault, citizen(), gone.id);
    const before = vault.repository.snapshot();
    for (const parentId of ['no-such-folder', theirs.id, gone.id]) {
      await assert.rejects(createFolder(vault, citizen(), { name: 'Con', parentId }), NotFoundError);
    }
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('names with control, bidi or invisible characters, slashes or dot names are refused', async () => {
    const vault = await provisioned();
    const before = vault.repository.snapshot();
    const refused = [
      '',
      '   ',
      '.',
      '..',
      ' .. ',
      'a/b',
      'a\\b',
      '/',
      'Hồ sơ\u0000',
      'Hồ sơ\u0007',
      'Hồ\nsơ',
      'Hồ\tsơ',
      'hoadon\u202Efdp.exe',
      'Hồ\u200Bsơ',
      'Hồ\u200Dsơ',
      '\u2066Hồ sơ\u2069',
      'Hồ\u2028sơ',
      'Hồ\u2029sơ',
      'Hồ\uFEFFsơ',
      'x'.repeat(121),
    ];
    for (const name of refused) {
      await assert.rejects(createFolder(vault, citizen(), { name }), InvalidInputError, JSON.stringify(name));
    }
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('names are trimmed and stored as NFC; 120 characters and dotted names are fine', async () => {
    const vault = await provisioned();
    const nfd = 'Giấy phép lái xe'.normalize('NFD');
    assert.notEqual(nfd, 'Giấy phép lái xe');
    const licence = await createFolder(vault, citizen(), { name: `  ${nfd}\u00a0 ` });
    assert.equal(licence.name, 'Giấy phép lái xe');
    assert.equal((await stored(vault, licence.id)).name, 'Giấy phép lái xe'.normalize('NFC'));
    assert.equal((await createFolder(vault, citizen(), { name: 'x'.repeat(120) })).name.length, 120);
    assert.equal((await createFolder(vault, citizen(), { name: '...' })).name, '...');
    assert.equal((await createFolder(vault, citizen(), { name: 'v1.2' })).name, 'v1.2');
  });

  test('an NFD spelling of an existing NFC name is the same name', async () => {
    const vault = await provisioned();
    await createFolder(vault, citizen(), { name: 'Hộ khẩu' });
    const before = vault.repository.snapshot();
    await assert.rejects(createFolder(vault, citizen(), { name: 'Hộ khẩu'.normalize('NFD') }), withCode('name-taken'));
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('names differing only in (Vietnamese) letter case are the same name among siblings', async () => {
    const vault = await provisioned();
    const land = await createFolder(vault, citizen(), { name: 'Đất' });
    const before = vault.repository.snapshot();
    for (const name of ['đất', 'ĐẤT', 'đẤt']) {
      await assert.rejects(createFolder(vault, citizen(), { name }), withCode('name-taken'), name);
    }
    // A default folder's name is taken at the root too.
    await assert.rejects(createFolder(vault, citizen(), { name: 'GIẤY TỜ TÙY THÂN' }), withCode('name-taken'));
    assert.deepEqual(vault.repository.snapshot(), before);
    // Different letters, other parents and other vaults are fine.
    await createFolder(vault, citizen(), { name: 'Dat' });
    await createFolder(vault, citizen(), { name: 'Đặt' });
    await createFolder(vault, citizen(), { name: 'đất', parentId: land.id });
    await createFolder(vault, citizen(), { name: 'Đất', parentId: systemFolderId('self') });
    await createFolder(vault, secondCitizen(), { name: 'đất' });
  });

  test('two concurrent creates of one name: exactly one wins', async () => {
    const vault = await provisioned();
    commitBarrier(vault.repository, 2);
    const results = await Promise.allSettled([
      createFolder(vault, citizen(), { name: 'Bằng cấp' }),
      createFolder(vault, citizen(), { name: 'BẰNG CẤP' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(rejected.reason instanceof ConflictError && rejected.reason.code === 'name-taken');
    const { folders } = await vault.repository.getFolderTree(citizenId);
    assert.equal(folders.filter((f) => f.name.toLowerCase() === 'bằng cấp').length, 1);
  });

  test('folders nest at most maxFolderDepth levels', async () => {
    const vault = await provisioned();
    assert.equal(vault.policy.maxFolderDepth, 16);
    let parentId: string | null = null;
    for (let level = 1; level <= 16; level += 1) {
      parentId = (await createFolder(vault, citizen(), { name: `Cấp ${level}`, parentId })).id;
    }
    const before = vault.repository.snapshot();
    await assert.rejects(createFolder(vault, citizen(), { name: 'Cấp 17', parentId }), InvalidInputError);
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('a vault holds at most maxFoldersPerOwner active folders', async () => {
    const vault = await provisioned({ policy: { maxFoldersPerOwner: 5 } });
    await createFolder(vault, citizen(), { name: 'Một' });
    const two = await createFolder(vault, citizen(), { name: 'Hai' });
    await assert.rejects(createFolder(vault, citizen(), { name: 'Ba' }), InvalidInputError);
    await trashFolder(vault, citizen(), two.id);
    await createFolder(vault, citizen(), { name: 'Ba' });
  });
});

describe('updateFolder', () => {
  test('renames a folder in place, audited, without moving the tree version', async () => {
    const vault = await provisioned();
    const parent = await createFolder(vault, citizen(), { name: 'Cha' });
    const folder = await createFolder(vault, citizen(), { name: 'Hoá đơn', parentId: parent.id });
    vault.clock.advance(60_000);
    const treeVersion = vault.repository.treeVersionOf(citizenId);
    const renamed = await updateFolder(vault, citizen(), folder.id, { name: 'Hóa đơn điện' });
    assert.deepEqual(renamed, { ...folder, name: 'Hóa đơn điện', updatedAt: vault.clock.now().toISOString() });
    assert.deepEqual(await stored(vault, folder.id), renamed);
    assert.equal(vault.repository.treeVersionOf(citizenId), treeVersion);
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'folder.rename');
    assert.deepEqual(entry?.detail, { name: 'Hóa đơn điện', fromParentId: parent.id, toParentId: parent.id });
    // The old name is free again; a case variant of its own name is allowed.
    await createFolder(vault, citizen(), { name: 'Hoá đơn', parentId: parent.id });
    assert.equal((await updateFolder(vault, citizen(), folder.id, { name: 'HÓA ĐƠN ĐIỆN' })).name, 'HÓA ĐƠN ĐIỆN');
  });

  test("renaming to a sibling's name is name-taken and changes nothing; a trashed sibling's name is free", async () => {
    const vault = await provisioned();
    await createFolder(vault, citizen(), { name: 'Bảo hiểm' });
    const other = await createFolder(vault, citizen(), { name: 'Khác' });
    const gone = await createFolder(vault, citizen(), { name: 'Đã xoá' });
    await trashFolder(vault, citizen(), gone.id);
    const before = vault.repository.snapshot();
    await assert.rejects(updateFolder(vault, citizen(), other.id, { name: 'BẢO HIỂM' }), withCode('name-taken'));
    await assert.rejects(updateFolder(vault, citizen(), other.id, { name: 'a/b' }), InvalidInputError);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.equal((await updateFolder(vault, citizen(), other.id, { name: 'đã xoá' })).name, 'đã xoá');
    await assert.rejects(updateFolder(vault, citizen(), gone.id, { name: 'Mới' }), NotFoundError);
  });

  test('moves a folder with its subtree, audited, and bumps the tree version', async () => {
    const vault = await provisioned();
    const a = await createFolder(vault, citizen(), { name: 'A' });
    const b = await createFolder(vault, citizen(), { name: 'B' });
    const child = await createFolder(vault, citizen(), { name: 'Con', parentId: a.id });
    const treeVersion = vault.repository.treeVersionOf(citizenId);
    const moved = await updateFolder(vault, citizen(), a.id, { parentId: b.id });
    assert.equal(moved.parentId, b.id);
    assert.equal(moved.name, 'A');
    assert.equal((await stored(vault, a.id)).parentId, b.id);
    assert.equal((await stored(vault, child.id)).parentId, a.id);
    assert.equal(vault.repository.treeVersionOf(citizenId), treeVersion + 1);
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'folder.move');
    assert.deepEqual(entry?.detail, { name: 'A', fromParentId: 'root', toParentId: b.id });
    const tree = await listFolderTree(vault, citizen());
    const bNode = tree.find((n) => n.id === b.id);
    assert.deepEqual(
      bNode?.children.map((n) => [n.id, n.children.map((c) => c.id)]),
      [[a.id, [child.id]]],
    );
    assert.ok(!tree.some((n) => n.id === a.id));
    // Back to the root, and into a default folder.
    assert.equal((await updateFolder(vault, citizen(), a.id, { parentId: null })).parentId, null);
    assert.equal(
      (await updateFolder(vault, citizen(), a.id, { parentId: systemFolderId('identity') })).parentId,
      'sys-identity',
    );
  });

  test('moving next to a same-named folder is name-taken and changes nothing', async () => {
    const vault = await provisioned();
    const target = await createFolder(vault, citizen(), { name: 'Đích' });
    await createFolder(vault, citizen(), { name: 'Học bạ', parentId: target.id });
    const folder = await createFolder(vault, citizen(), { name: 'HỌC BẠ' });
    const before = vault.repository.snapshot();
    await assert.rejects(updateFolder(vault, citizen(), folder.id, { parentId: target.id }), withCode('name-taken'));
    await assert.rejects(
      updateFolder(vault, citizen(), folder.id, { parentId: target.id, name: 'học bạ' }),
      withCode('name-taken'),
    );
    assert.deepEqual(vault.repository.snapshot(), before);
    const movedRenamed = await updateFolder(vault, citizen(), folder.id, { parentId: target.id, name: 'Học bạ cũ' });
    assert.equal(movedRenamed.parentId, target.id);
  });

  test('moving a folder into itself or below itself is folder-cycle and changes nothing', async () => {
    const vault = await provisioned();
    const a = await createFolder(vault, citizen(), { name: 'A' });
    const b = await createFolder(vault, citizen(), { name: 'B', parentId: a.id });
    const c = await createFolder(vault, citizen(), { name: 'C', parentId: b.id });
    const before = vault.repository.snapshot();
    for (const parentId of [a.id, b.id, c.id]) {
      await assert.rejects(updateFolder(vault, citizen(), a.id, { parentId }), withCode('folder-cycle'), parentId);
    }
    await assert.rejects(updateFolder(vault, citizen(), b.id, { parentId: c.id }), withCode('folder-cycle'));
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test("a move target that is unknown, trashed or another owner's is not found", async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Gốc' });
    const gone = await createFolder(vault, citizen(), { name: 'Đã xoá' });
    await trashFolder(vault, citizen(), gone.id);
    const theirs = await createFolder(vault, secondCitizen(), { name: 'Của người khác' });
    const before = vault.repository.snapshot();
    for (const parentId of ['nope', gone.id, theirs.id]) {
      await assert.rejects(updateFolder(vault, citizen(), folder.id, { parentId }), NotFoundError);
    }
    await assert.rejects(updateFolder(vault, citizen(), theirs.id, { name: 'Chiếm' }), NotFoundError);
    await assert.rejects(updateFolder(vault, secondCitizen(), folder.id, { parentId: null }), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('a move that would nest the subtree too deep is refused', async () => {
    const vault = await provisioned({ policy: { maxFolderDepth: 4 } });
    const a = await createFolder(vault, citizen(), { name: 'A' });
    const b = await createFolder(vault, citizen(), { name: 'B', parentId: a.id });
    await createFolder(vault, citizen(), { name: 'C', parentId: b.id });
    const d = await createFolder(vault, citizen(), { name: 'D' });
    const e = await createFolder(vault, citizen(), { name: 'E', parentId: d.id });
    const before = vault.repository.snapshot();
    await assert.rejects(updateFolder(vault, citizen(), a.id, { parentId: e.id }), InvalidInputError);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.equal((await updateFolder(vault, citizen(), a.id, { parentId: d.id })).parentId, d.id);
  });

  test('concurrent moves A→B and B→A never both succeed and never make a cycle', async () => {
    const vault = await provisioned();
    const a = await createFolder(vault, citizen(), { name: 'A' });
    const b = await createFolder(vault, citizen(), { name: 'B' });
    // Both moves read the same tree before either writes.
    const barrier = commitBarrier(vault.repository, 2, (changes) => changes.expectedTreeVersion !== undefined);
    const results = await Promise.allSettled([
      updateFolder(vault, citizen(), a.id, { parentId: b.id }),
      updateFolder(vault, citizen(), b.id, { parentId: a.id }),
    ]);
    assert.equal(barrier.arrived(), 2);
    assert.ok(
      vault.repository.rejectedCommits.some((e) => e instanceof ConcurrentUpdateError),
      'the loser lost the race',
    );
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(
      rejected.reason instanceof ConflictError && rejected.reason.code === 'folder-cycle',
      String(rejected.reason),
    );
    const { folders } = await vault.repository.getFolderTree(citizenId);
    assertAcyclic(folders);
    const parents = [(await stored(vault, a.id)).parentId, (await stored(vault, b.id)).parentId];
    assert.ok(parents.includes(null), 'one of the two stays at the root');
  });

  test('three concurrent moves closing a loop leave the tree acyclic', async () => {
    const vault = await provisioned();
    const [a, b, c] = [
      await createFolder(vault, citizen(), { name: 'A' }),
      await createFolder(vault, citizen(), { name: 'B' }),
      await createFolder(vault, citizen(), { name: 'C' }),
    ];
    commitBarrier(vault.repository, 3, (changes) => changes.expectedTreeVersion !== undefined);
    const results = await Promise.allSettled([
      updateFolder(vault, citizen(), a.id, { parentId: b.id }),
      updateFolder(vault, citizen(), b.id, { parentId: c.id }),
      updateFolder(vault, citizen(), c.id, { parentId: a.id }),
    ]);
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.ok(failed.length >= 1);
    for (const failure of failed) assert.equal((failure.reason as ConflictError).code, 'folder-cycle');
    assertAcyclic((await vault.repository.getFolderTree(citizenId)).folders);
  });

  test('a folder created or moved into a folder being trashed does not stay active under it', async () => {
    const vault = await provisioned();
    const parent = await createFolder(vault, citizen(), { name: 'Cha' });
    const mover = await createFolder(vault, citizen(), { name: 'Di chuyển' });
    commitBarrier(vault.repository, 3);
    await Promise.allSettled([
      trashFolder(vault, citizen(), parent.id),
      createFolder(vault, citizen(), { name: 'Con', parentId: parent.id }),
      updateFolder(vault, citizen(), mover.id, { parentId: parent.id }),
    ]);
    const { folders } = await vault.repository.getFolderTree(citizenId);
    const byId = new Map(folders.map((f) => [f.id, f]));
    for (const folder of folders) {
      const parentOf = folder.parentId ? byId.get(folder.parentId) : undefined;
      assert.ok(folder.trashedAt || !parentOf?.trashedAt, `${folder.name} is active under a trashed parent`);
    }
  });

  test('default folders cannot be renamed, moved or deleted', async () => {
    const vault = await provisioned();
    const mine = await createFolder(vault, citizen(), { name: 'Của tôi' });
    const before = vault.repository.snapshot();
    for (const kind of ['identity', 'results', 'self'] as const) {
      const id = systemFolderId(kind);
      await assert.rejects(updateFolder(vault, citizen(), id, { name: 'Đổi tên' }), withCode('protected-folder'));
      await assert.rejects(updateFolder(vault, citizen(), id, { parentId: mine.id }), withCode('protected-folder'));
      await assert.rejects(updateFolder(vault, citizen(), id, { parentId: null }), withCode('protected-folder'));
      await assert.rejects(trashFolder(vault, citizen(), id), withCode('protected-folder'));
    }
    assert.deepEqual(vault.repository.snapshot(), before);
    // They still take subfolders.
    const sub = await createFolder(vault, citizen(), { name: 'CCCD', parentId: systemFolderId('identity') });
    assert.equal(sub.parentId, 'sys-identity');
  });
});

describe('trashFolder and restore', () => {
  test('a folder goes to the trash with its subfolders and documents, and comes back with all of them', async () => {
    const vault = await provisioned();
    const top = await createFolder(vault, citizen(), { name: 'Nhà đất' });
    const sub = await createFolder(vault, citizen(), { name: 'Sổ đỏ', parentId: top.id });
    const subsub = await createFolder(vault, citizen(), { name: '2024', parentId: sub.id });
    const sibling = await createFolder(vault, citizen(), { name: 'Thuế', parentId: top.id });
    const docs = [
      await seedDocument(vault, citizenId, top.id),
      await seedDocument(vault, citizenId, sub.id),
      await seedDocument(vault, citizenId, subsub.id),
      await seedDocument(vault, citizenId, subsub.id),
    ];
    const outside = await seedDocument(vault, citizenId, systemFolderId('self'));
    const members = [top, sub, subsub, sibling];
    const originals = new Map((await vault.repository.getFolderTree(citizenId)).folders.map((f) => [f.id, f]));

    vault.clock.advance(60_000);
    const trashedAt = vault.clock.now().toISOString();
    await trashFolder(vault, citizen(), top.id);

    for (const folder of members) {
      const trashed = await stored(vault, folder.id);
      assert.equal(trashed.trashedAt, trashedAt, folder.name);
      assert.equal(trashed.trashedWith, top.id, folder.name);
      assert.equal(trashed.parentId, folder.parentId, 'parents are kept for the restore');
    }
    for (const document of docs) {
      const trashed = await vault.repository.getDocument(citizenId, document.id);
      assert.equal(trashed?.trashedAt, trashedAt);
      assert.equal(trashed?.trashedWith, top.id);
    }
    assert.equal((await vault.repository.getDocument(citizenId, outside.id))?.trashedAt, undefined);
    const tree = await listFolderTree(vault, citizen());
    assert.equal(tree.length, 3);
    await assert.rejects(listFolderItems(vault, citizen(), sub.id, { limit: 10 }), NotFoundError);
    await assert.rejects(updateDocument(vault, citizen(), docs[1]!.id, { title: 'x' }), NotFoundError);
    const trash = await listTrash(vault, citizen(), { limit: 50 });
    assert.deepEqual(
      trash.folders.map((f) => f.id),
      [top.id],
    );
    assert.deepEqual(trash.documents.items, [], 'carried documents come back with their folder, not on their own');
    const deleted = vault.repository.auditOf(citizenId).filter((e) => e.action === 'folder.delete');
    assert.deepEqual(
      deleted.map((e) => [e.resourceId, e.detail]),
      [[top.id, { subfolders: 3, documents: 4 }]],
    );

    vault.clock.advance(60_000);
    const result = await restoreFromTrash(vault, citizen(), top.id);
    assert.equal(result.resourceType, 'folder');
    for (const folder of members) {
      const restored = await stored(vault, folder.id);
      const { updatedAt: _u, ...rest } = restored;
      const { updatedAt: _o, ...original } = originals.get(folder.id) as Folder;
      assert.deepEqual(rest, original, `${folder.name} is back as it was`);
    }
    for (const document of docs) {
      const restored = await vault.repository.getDocument(citizenId, document.id);
      assert.equal(restored?.trashedAt, undefined);
      assert.equal(restored?.trashedWith, undefined);
      assert.equal(restored?.folderId, document.folderId);
    }
    const items = await listFolderItems(vault, citizen(), subsub.id, { limit: 10 });
    assert.deepEqual(items.documents.items.map((d) => d.id).sort(), [docs[2]!.id, docs[3]!.id].sort());
    const back = await listFolderTree(vault, citizen());
    const topNode = back.find((n) => n.id === top.id);
    assert.deepEqual(
      topNode?.children.map((n) => n.name),
      ['Sổ đỏ', 'Thuế'],
    );
    assert.deepEqual(
      topNode?.children[0]?.children.map((n) => n.id),
      [subsub.id],
    );
    assert.deepEqual((await listTrash(vault, citizen(), { limit: 50 })).folders, []);
    assert.equal(vault.repository.auditOf(citizenId).filter((e) => e.action === 'folder.restore').length, 1);
  });

  test('a document deleted on its own stays in the trash when its folder comes back', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Hồ sơ' });
    const kept = await seedDocument(vault, citizenId, folder.id);
    const alone = await seedDocument(vault, citizenId, folder.id);
    await trashDocument(vault, citizen(), alone.id);
    await trashFolder(vault, citizen(), folder.id);
    await restoreFromTrash(vault, citizen(), folder.id);
    assert.equal((await vault.repository.getDocument(citizenId, kept.id))?.trashedAt, undefined);
    const stillTrashed = await vault.repository.getDocument(citizenId, alone.id);
    assert.ok(stillTrashed?.trashedAt);
    assert.equal(stillTrashed?.trashedWith, alone.id);
  });

  test('a folder whose parent is gone is restored to the root', async () => {
    const vault = await provisioned();
    const parent = await createFolder(vault, citizen(), { name: 'Cha' });
    const child = await createFolder(vault, citizen(), { name: 'Con', parentId: parent.id });
    const grandchild = await createFolder(vault, citizen(), { name: 'Cháu', parentId: child.id });
    await trashFolder(vault, citizen(), child.id);
    await trashFolder(vault, citizen(), parent.id);
    const treeVersion = vault.repository.treeVersionOf(citizenId);
    const result = await restoreFromTrash(vault, citizen(), child.id);
    assert.equal(result.resourceType === 'folder' && result.folder.parentId, null);
    assert.equal((await stored(vault, child.id)).parentId, null);
    assert.equal((await stored(vault, child.id)).trashedAt, undefined);
    assert.equal((await stored(vault, grandchild.id)).parentId, child.id);
    assert.equal((await stored(vault, grandchild.id)).trashedAt, undefined);
    assert.ok((await stored(vault, parent.id)).trashedAt, 'the parent stays in the trash');
    assert.ok(vault.repository.treeVersionOf(citizenId) > treeVersion, 'a parent change is a tree change');
    const tree = await listFolderTree(vault, citizen());
    assert.deepEqual(
      tree.find((n) => n.id === child.id)?.children.map((n) => n.id),
      [grandchild.id],
    );
  });

  test('restoring next to a folder that took the name meanwhile is name-taken and changes nothing', async () => {
    const vault = await provisioned();
    const old = await createFolder(vault, citizen(), { name: 'Hợp đồng' });
    const sub = await createFolder(vault, citizen(), { name: 'Thuê nhà', parentId: old.id });
    await seedDocument(vault, citizenId, sub.id);
    await trashFolder(vault, citizen(), old.id);
    await createFolder(vault, citizen(), { name: 'HỢP ĐỒNG' });
    const before = vault.repository.snapshot();
    await assert.rejects(restoreFromTrash(vault, citizen(), old.id), withCode('name-taken'));
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('large folders are trashed and restored in commits the store accepts', async () => {
    const vault = await provisioned();
    const big = await createFolder(vault, citizen(), { name: 'Lưu trữ' });
    const subfolders: Folder[] = [];
    for (let i = 0; i < 40; i += 1)
      subfolders.push(await createFolder(vault, citizen(), { name: `Năm ${2000 + i}`, parentId: big.id }));
    for (let i = 0; i < 45; i += 1) await seedDocument(vault, citizenId, subfolders[i % 40]!.id);
    for (let i = 0; i < 40; i += 1) await seedDocument(vault, citizenId, big.id);
    await trashFolder(vault, citizen(), big.id);
    let snapshot = vault.repository.snapshot();
    assert.equal(snapshot.folders.filter((f) => f.trashedWith === big.id).length, 41);
    assert.equal(snapshot.documents.filter((d) => d.trashedWith === big.id).length, 85);
    await restoreFromTrash(vault, citizen(), big.id);
    snapshot = vault.repository.snapshot();
    assert.ok(snapshot.folders.every((f) => !f.trashedAt));
    assert.ok(snapshot.documents.every((d) => !d.trashedAt));
  });

  test('an interrupted delete is finished by repeating it, and the restore still brings everything back', async () => {
    const vault = await provisioned();
    const top = await createFolder(vault, citizen(), { name: 'Giấy tờ xe' });
    const sub = await createFolder(vault, citizen(), { name: 'Đăng ký', parentId: top.id });
    const doc = await seedDocument(vault, citizenId, sub.id);
    vault.repository.failNextCommit(new Error('throttled'), {
      when: (changes) => changes.audit.some((e) => e.action === 'folder.delete'),
    });
    await assert.rejects(trashFolder(vault, citizen(), top.id), /throttled/);
    assert.equal((await stored(vault, top.id)).trashedAt, undefined, 'the folder itself goes last');
    assert.ok((await stored(vault, sub.id)).trashedAt);
    await trashFolder(vault, citizen(), top.id);
    assert.ok((await stored(vault, top.id)).trashedAt);
    await restoreFromTrash(vault, citizen(), top.id);
    assert.equal((await stored(vault, sub.id)).trashedAt, undefined);
    assert.equal((await vault.repository.getDocument(citizenId, doc.id))?.trashedAt, undefined);
  });

  test('an interrupted restore can be finished by repeating it', async () => {
    const vault = await provisioned();
    const top = await createFolder(vault, citizen(), { name: 'Giấy tờ xe' });
    const sub = await createFolder(vault, citizen(), { name: 'Đăng ký', parentId: top.id });
    const doc = await seedDocument(vault, citizenId, sub.id);
    await trashFolder(vault, citizen(), top.id);
    vault.repository.failNextCommit(new Error('throttled'), {
      when: (changes) => changes.audit.length === 0 && (changes.documents?.length ?? 0) > 0,
    });
    await assert.rejects(restoreFromTrash(vault, citizen(), top.id), /throttled/);
    await restoreFromTrash(vault, citizen(), top.id);
    assert.equal((await stored(vault, sub.id)).trashedAt, undefined);
    assert.equal((await vault.repository.getDocument(citizenId, doc.id))?.trashedAt, undefined);
  });

  test("trashing an unknown, trashed or another owner's folder is not found", async () => {
    const vault = await provisioned();
    const mine = await createFolder(vault, citizen(), { name: 'Của tôi' });
    const gone = await createFolder(vault, citizen(), { name: 'Đã xoá' });
    await trashFolder(vault, citizen(), gone.id);
    const before = vault.repository.snapshot();
    await assert.rejects(trashFolder(vault, citizen(), 'nope'), NotFoundError);
    await assert.rejects(trashFolder(vault, citizen(), gone.id), NotFoundError);
    await assert.rejects(trashFolder(vault, secondCitizen(), mine.id), NotFoundError);
    await assert.rejects(restoreFromTrash(vault, secondCitizen(), gone.id), NotFoundError);
    await assert.rejects(restoreFromTrash(vault, citizen(), mine.id), NotFoundError);
    // provisioning the second citizen is the only change
    const after = vault.repository.snapshot();
    assert.deepEqual(
      after.folders.filter((f) => f.ownerId === citizenId),
      before.folders.filter((f) => f.ownerId === citizenId),
    );
    assert.deepEqual(after.documents, before.documents);
    assert.equal(after.audit.filter((e) => e.ownerId === citizenId).length, before.audit.length);
    assert.ok(await vault.repository.isProvisioned(secondCitizenId));
  });
});

describe('listFolderItems', () => {
  test('subfolders by name on the first page, documents newest first across pages', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Hồ sơ' });
    await createFolder(vault, citizen(), { name: 'Ô tô', parentId: folder.id });
    await createFolder(vault, citizen(), { name: 'Ảnh', parentId: folder.id });
    const gone = await createFolder(vault, citizen(), { name: 'Bỏ', parentId: folder.id });
    await trashFolder(vault, citizen(), gone.id);
    const docs = [];
    for (let i = 0; i < 5; i += 1) {
      vault.clock.advance(1000);
      docs.push(await seedDocument(vault, citizenId, folder.id));
    }
    const first = await listFolderItems(vault, citizen(), folder.id, { limit: 2 });
    assert.deepEqual(
      first.folders.map((f) => f.name),
      ['Ảnh', 'Ô tô'],
    );
    assert.deepEqual(
      first.documents.items.map((d) => d.id),
      [docs[4]!.id, docs[3]!.id],
    );
    const second = await listFolderItems(vault, citizen(), folder.id, { limit: 2, cursor: first.documents.nextCursor });
    assert.deepEqual(second.folders, []);
    assert.deepEqual(
      second.documents.items.map((d) => d.id),
      [docs[2]!.id, docs[1]!.id],
    );
    const third = await listFolderItems(vault, citizen(), folder.id, { limit: 2, cursor: second.documents.nextCursor });
    assert.deepEqual(
      third.documents.items.map((d) => d.id),
      [docs[0]!.id],
    );
    assert.equal(third.documents.nextCursor, undefined);
    await assert.rejects(listFolderItems(vault, secondCitizen(), folder.id, { limit: 2 }), NotFoundError);
  });
});
