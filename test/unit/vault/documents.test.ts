import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  getContentUrl,
  getDocument,
  listTrash,
  restoreFromTrash,
  trashDocument,
  updateDocument,
  type DocumentChanges,
} from '../../../functions/vault/core/documents.ts';
import { getHistory } from '../../../functions/audit/core/history.ts';
import { InvalidInputError, NotFoundError } from '../../../functions/platform/core/errors.ts';
import { createFolder, listFolderItems, listFolderTree, trashFolder } from '../../../functions/vault/core/folders.ts';
import type { VaultDocument } from '../../../functions/vault/core/model.ts';
import { systemFolderId } from '../../../functions/vault/core/vault-provisioning.ts';
import { listVersions, restoreVersion } from '../../../functions/vault/core/versions.ts';
import { fakeBlobOrigin } from '../../fakes/in-memory-blob-store.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  fileDocument,
  officer,
  secondCitizen,
  seedDocument,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

async function provisioned(options?: Parameters<typeof createTestVault>[0]): Promise<TestVault> {
  const vault = createTestVault(options);
  await listFolderTree(vault, citizen());
  return vault;
}

async function stored(vault: TestVault, documentId: string): Promise<VaultDocument> {
  const document = await vault.repository.getDocument(citizenId, documentId);
  assert.ok(document, `document ${documentId} exists`);
  return document;
}

describe('updateDocument', () => {
  test('edits metadata and audits the list of fields that changed', async () => {
    const vault = await provisioned();
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'), { title: 'scan', number: '01/GXN' });
    vault.clock.advance(5_000);
    const updated = await updateDocument(vault, citizen(), doc.id, {
      title: 'Giấy xác nhận cư trú',
      number: '01/GXN',
      issuer: 'Công an phường Hàng Đào',
      issueDate: '2024-01-15',
      summary: undefined,
    });
    const expected: VaultDocument = {
      ...doc,
      title: 'Giấy xác nhận cư trú',
      issuer: 'Công an phường Hàng Đào',
      issueDate: '2024-01-15',
      updatedAt: vault.clock.now().toISOString(),
    };
    assert.deepEqual(updated, expected);
    assert.deepEqual(await stored(vault, doc.id), expected);
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'document.update');
    assert.equal(entry?.resourceId, doc.id);
    assert.deepEqual(entry?.detail, { fields: 'title,issuer,issueDate' });
    assert.equal(entry?.actor.sub, citizen().principal.sub);
    assert.equal(entry?.sourceIp, '203.0.113.7');

    // null clears an optional field, and that is a change too.
    const cleared = await updateDocument(vault, citizen(), doc.id, { number: null });
    assert.equal('number' in cleared, false);
    assert.equal('number' in (await stored(vault, doc.id)), false);
    assert.deepEqual(vault.repository.auditOf(citizenId).at(-1)?.detail, { fields: 'number' });
  });

  test('an update that changes nothing writes nothing', async () => {
    const vault = await provisioned();
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'), { title: 'Hộ chiếu' });
    const before = vault.repository.snapshot();
    const result = await updateDocument(vault, citizen(), doc.id, {
      title: 'Hộ chiếu',
      folderId: doc.folderId,
      number: undefined,
    });
    assert.deepEqual(result, doc);
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('a document cannot lose its title', async () => {
    const vault = await provisioned();
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'), { title: 'Hộ chiếu' });
    const before = vault.repository.snapshot();
    await assert.rejects(updateDocument(vault, citizen(), doc.id, { title: null }), InvalidInputError);
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('fields outside the document metadata cannot be set through an update', async () => {
    const vault = await provisioned();
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'));
    const forged = {
      sha256: 'f'.repeat(64),
      currentVersion: 7,
      createdBy: 'someone-else',
    } as unknown as DocumentChanges;
    await updateDocument(vault, citizen(), doc.id, forged).catch(() => undefined);
    const after = await stored(vault, doc.id);
    assert.equal(after.sha256, doc.sha256);
    assert.equal(after.currentVersion, 1);
    assert.equal(after.createdBy, doc.createdBy);
  });

  test('moves a document between folders, audited as a move', async () => {
    const vault = await provisioned();
    const target = await createFolder(vault, citizen(), { name: 'Nhà đất' });
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'));
    const moved = await updateDocument(vault, citizen(), doc.id, { folderId: target.id });
    assert.equal(moved.folderId, target.id);
    assert.equal((await stored(vault, doc.id)).folderId, target.id);
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'document.move');
    assert.deepEqual(entry?.detail, { fromFolderId: 'sys-self', toFolderId: target.id });
    assert.deepEqual(
      (await listFolderItems(vault, citizen(), target.id, { limit: 10 })).documents.items.map((d) => d.id),
      [doc.id],
    );
    assert.deepEqual((await listFolderItems(vault, citizen(), 'sys-self', { limit: 10 })).documents.items, []);

    // Metadata and move in one call: one commit, two audit entries.
    const entries = vault.repository.auditOf(citizenId).length;
    await updateDocument(vault, citizen(), doc.id, { folderId: 'sys-identity', title: 'CCCD' });
    const latest = vault.repository.auditOf(citizenId).slice(entries);
    assert.deepEqual(
      latest.map((e) => e.action),
      ['document.update', 'document.move'],
    );
    assert.deepEqual(latest[0]?.detail, { fields: 'title' });
  });

  test("moving into an unknown, trashed or another owner's folder is not found and changes nothing", async () => {
    const vault = await provisioned();
    const gone = await createFolder(vault, citizen(), { name: 'Đã xoá' });
    await trashFolder(vault, citizen(), gone.id);
    const theirs = await createFolder(vault, secondCitizen(), { name: 'Của họ' });
    const doc = await seedDocument(vault, citizenId, systemFolderId('self'));
    const before = vault.repository.snapshot();
    for (const folderId of ['nope', gone.id, theirs.id]) {
      await assert.rejects(updateDocument(vault, citizen(), doc.id, { folderId, title: 'Đổi' }), NotFoundError);
    }
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test("another owner's document id is not found, for every operation, and nothing changes", async () => {
    const vault = await provisioned();
    const { document } = await fileDocument(vault, citizen());
    await listFolderTree(vault, secondCitizen());
    const before = vault.repository.snapshot();
    const other = secondCitizen();
    await assert.rejects(getDocument(vault, other, document.id), NotFoundError);
    await assert.rejects(updateDocument(vault, other, document.id, { title: 'Của tôi' }), NotFoundError);
    await assert.rejects(updateDocument(vault, other, document.id, { folderId: 'sys-self' }), NotFoundError);
    await assert.rejects(trashDocument(vault, other, document.id), NotFoundError);
    await assert.rejects(restoreFromTrash(vault, other, document.id), NotFoundError);
    await assert.rejects(getContentUrl(vault, other, document.id), NotFoundError);
    await assert.rejects(getHistory(vault, other, { type: 'document', id: document.id }, { limit: 10 }), NotFoundError);
    await assert.rejects(listVersions(vault, other, document.id), NotFoundError);
    await assert.rejects(restoreVersion(vault, other, document.id, 1), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.deepEqual(vault.blobs.presignedDownloads, []);
    // The owner still sees it.
    assert.equal((await getDocument(vault, citizen(), document.id)).id, document.id);
  });
});

describe('trash and restore documents', () => {
  test('a trashed document leaves its folder, shows in the trash, and comes back', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Học tập' });
    const doc = await seedDocument(vault, citizenId, folder.id);
    vault.clock.advance(1000);
    const trashedAt = vault.clock.now().toISOString();
    await trashDocument(vault, citizen(), doc.id);
    const trashed = await stored(vault, doc.id);
    assert.equal(trashed.trashedAt, trashedAt);
    assert.equal(trashed.trashedWith, doc.id);
    assert.deepEqual((await listFolderItems(vault, citizen(), folder.id, { limit: 10 })).documents.items, []);
    assert.deepEqual(
      (await listTrash(vault, citizen(), { limit: 10 })).documents.items.map((d) => d.id),
      [doc.id],
    );
    assert.equal((await getDocument(vault, citizen(), doc.id)).trashedAt, trashedAt, 'still readable as trashed');

    const before = vault.repository.snapshot();
    await assert.rejects(trashDocument(vault, citizen(), doc.id), NotFoundError);
    await assert.rejects(updateDocument(vault, citizen(), doc.id, { title: 'x' }), NotFoundError);
    await assert.rejects(getContentUrl(vault, citizen(), doc.id), NotFoundError);
    await assert.rejects(restoreVersion(vault, citizen(), doc.id, 1), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);

    vault.clock.advance(1000);
    const result = await restoreFromTrash(vault, citizen(), doc.id);
    assert.equal(result.resourceType, 'document');
    const restored = await stored(vault, doc.id);
    assert.deepEqual(restored, { ...doc, updatedAt: vault.clock.now().toISOString() });
    assert.deepEqual(
      (await listFolderItems(vault, citizen(), folder.id, { limit: 10 })).documents.items.map((d) => d.id),
      [doc.id],
    );
    assert.deepEqual((await listTrash(vault, citizen(), { limit: 10 })).documents.items, []);
    const actions = vault.repository
      .auditOf(citizenId)
      .filter((e) => e.resourceId === doc.id)
      .map((e) => [e.action, e.detail]);
    assert.deepEqual(actions, [
      ['document.delete', undefined],
      ['document.restore', { folderId: folder.id }],
    ]);
    await assert.rejects(
      restoreFromTrash(vault, citizen(), doc.id),
      NotFoundError,
      'an active document is not in the trash',
    );
  });

  test('trashed documents are listed most recently trashed first', async () => {
    const vault = await provisioned();
    const docs = [];
    for (let i = 0; i < 3; i += 1) docs.push(await seedDocument(vault, citizenId, 'sys-self'));
    for (const index of [1, 2, 0]) {
      vault.clock.advance(1000);
      await trashDocument(vault, citizen(), docs[index]!.id);
    }
    const trash = await listTrash(vault, citizen(), { limit: 10 });
    assert.deepEqual(
      trash.documents.items.map((d) => d.id),
      [docs[0]!.id, docs[2]!.id, docs[1]!.id],
    );
  });

  test('a trash page is empty only when the trash is', async () => {
    const vault = await provisioned();
    const alone = await seedDocument(vault, citizenId, 'sys-self');
    await trashDocument(vault, citizen(), alone.id);
    const folder = await createFolder(vault, citizen(), { name: 'Tạm' });
    for (let i = 0; i < 3; i += 1) await seedDocument(vault, citizenId, folder.id);
    vault.clock.advance(1000);
    await trashFolder(vault, citizen(), folder.id);
    const page = await listTrash(vault, citizen(), { limit: 2 });
    assert.deepEqual(
      page.documents.items.map((d) => d.id),
      [alone.id],
    );
  });

  test('a document whose folder is gone is restored to the default folder of its source', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Tạm' });
    const own = await seedDocument(vault, citizenId, folder.id, { source: 'self' });
    const imported = await seedDocument(vault, citizenId, folder.id, { source: 'imported' });
    const { document: issued } = await fileDocument(vault, officer(), { ownerId: citizenId, fileName: 'ket-qua.pdf' });
    assert.equal(issued.folderId, 'sys-results');
    await updateDocument(vault, citizen(), issued.id, { folderId: folder.id });
    for (const doc of [own, imported, issued]) await trashDocument(vault, citizen(), doc.id);
    await trashFolder(vault, citizen(), folder.id);

    for (const [doc, home] of [
      [own, 'sys-self'],
      [imported, 'sys-self'],
      [issued, 'sys-results'],
    ] as const) {
      const result = await restoreFromTrash(vault, citizen(), doc.id);
      assert.equal(result.resourceType === 'document' && result.document.folderId, home);
      assert.equal((await stored(vault, doc.id)).folderId, home);
      assert.equal((await stored(vault, doc.id)).trashedAt, undefined);
      assert.deepEqual(vault.repository.auditOf(citizenId).at(-1)?.detail, { folderId: home });
    }
    assert.ok((await vault.repository.getFolder(citizenId, folder.id))?.trashedAt, 'the folder stays in the trash');
  });

  test('a document that went with its folder is restored only with the folder', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Tạm' });
    const doc = await seedDocument(vault, citizenId, folder.id);
    await trashFolder(vault, citizen(), folder.id);
    const before = vault.repository.snapshot();
    await assert.rejects(restoreFromTrash(vault, citizen(), doc.id), NotFoundError);
    await assert.rejects(restoreFromTrash(vault, citizen(), 'no-such-id'), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
  });
});

describe('getContentUrl', () => {
  test('a short-lived download of the current version, audited with the version number', async () => {
    const vault = await provisioned();
    const { document } = await fileDocument(vault, citizen(), { fileName: 'Giấy khai sinh.pdf' });
    const [version] = await vault.repository.listVersions(citizenId, document.id);
    assert.ok(version && vault.blobs.has(version.blobKey));
    const before = vault.repository.auditOf(citizenId).length;
    const { url, expiresInSeconds } = await getContentUrl(vault, citizen(), document.id);
    assert.equal(expiresInSeconds, 300);
    assert.ok(url.startsWith(`${fakeBlobOrigin}/download/${encodeURIComponent(version.blobKey)}?`));
    assert.deepEqual(vault.blobs.presignedDownloads, [
      {
        key: version.blobKey,
        fileName: 'Giấy khai sinh.pdf',
        contentType: 'application/pdf',
        expiresInSeconds: 300,
      },
    ]);
    const entries = vault.repository.auditOf(citizenId).slice(before);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.action, 'document.read-content');
    assert.equal(entries[0]?.resourceId, document.id);
    assert.deepEqual(entries[0]?.detail, { version: 1 });
  });

  test('an older version by number; an unknown version is not found and not audited', async () => {
    const vault = await provisioned();
    const { document } = await fileDocument(vault, citizen());
    await fileDocument(vault, citizen(), { documentId: document.id, fileName: 'ban-moi.pdf' });
    const versions = await vault.repository.listVersions(citizenId, document.id);
    assert.equal(versions.length, 2);
    await getContentUrl(vault, citizen(), document.id, 1);
    assert.equal(vault.blobs.presignedDownloads.at(-1)?.key, versions[0]?.blobKey);
    assert.equal(vault.blobs.presignedDownloads.at(-1)?.fileName, 'scan.pdf');
    assert.deepEqual(vault.repository.auditOf(citizenId).at(-1)?.detail, { version: 1 });
    await getContentUrl(vault, citizen(), document.id);
    assert.equal(vault.blobs.presignedDownloads.at(-1)?.key, versions[1]?.blobKey);
    assert.deepEqual(vault.repository.auditOf(citizenId).at(-1)?.detail, { version: 2 });

    const before = vault.repository.snapshot();
    await assert.rejects(getContentUrl(vault, citizen(), document.id, 3), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.equal(vault.blobs.presignedDownloads.length, 2);
  });

  test('downloads never live longer than five minutes, whatever the policy says', async () => {
    const vault = await provisioned({ policy: { downloadUrlTtlSeconds: 3600 } });
    const { document } = await fileDocument(vault, citizen());
    assert.equal((await getContentUrl(vault, citizen(), document.id)).expiresInSeconds, 300);
    assert.equal(vault.blobs.presignedDownloads.at(-1)?.expiresInSeconds, 300);
    const shorter = await provisioned({ policy: { downloadUrlTtlSeconds: 60 } });
    const filed = await fileDocument(shorter, citizen());
    assert.equal((await getContentUrl(shorter, citizen(), filed.document.id)).expiresInSeconds, 60);
  });
});
