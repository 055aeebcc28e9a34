import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getContentUrl, trashDocument } from '../../../functions/vault/core/documents.ts';
import { NotFoundError } from '../../../functions/platform/core/errors.ts';
import { listFolderTree } from '../../../functions/vault/core/folders.ts';
import { listVersions, restoreVersion } from '../../../functions/vault/core/versions.ts';
import { samplePng } from '../../fakes/sample-files.ts';
import {
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  fileDocument,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

async function documentWithTwoVersions(vault: TestVault) {
  await listFolderTree(vault, citizen());
  const { document } = await fileDocument(vault, citizen(), { fileName: 'to-khai.pdf' });
  vault.clock.advance(60_000);
  await fileDocument(
    vault,
    citizen(),
    { documentId: document.id, fileName: 'anh-chup.png', contentType: 'image/png' },
    samplePng,
  );
  return document;
}

describe('document versions', () => {
  test('versions are listed oldest first and belong to the document', async () => {
    const vault = createTestVault();
    const document = await documentWithTwoVersions(vault);
    const versions = await listVersions(vault, citizen(), document.id);
    assert.deepEqual(
      versions.map((v) => [v.number, v.fileName, v.contentType]),
      [
        [1, 'to-khai.pdf', 'application/pdf'],
        [2, 'anh-chup.png', 'image/png'],
      ],
    );
    assert.ok(versions.every((v) => v.documentId === document.id && v.ownerId === citizenId));
    assert.notEqual(versions[0]?.blobKey, versions[1]?.blobKey);
    const current = await vault.repository.getDocument(citizenId, document.id);
    assert.equal(current?.currentVersion, 2);
    assert.equal(current?.versionCount, 2);
    assert.equal(current?.fileName, 'anh-chup.png');
    assert.equal(current?.sha256, versions[1]?.sha256);
  });

  test('restoring a version adds a new version pointing at the same object; old versions stay as they were', async () => {
    const vault = createTestVault();
    const document = await documentWithTwoVersions(vault);
    const before = await vault.repository.listVersions(citizenId, document.id);
    const blobKeys = vault.blobs.keys();
    vault.clock.advance(60_000);
    const now = vault.clock.now().toISOString();

    const { document: updated, version } = await restoreVersion(vault, citizen(), document.id, 1);
    const v1 = before[0]!;
    assert.deepEqual(version, {
      documentId: document.id,
      ownerId: citizenId,
      number: 3,
      blobKey: v1.blobKey,
      fileName: v1.fileName,
      contentType: v1.contentType,
      size: v1.size,
      sha256: v1.sha256,
      createdAt: now,
      createdBy: citizen().principal.sub,
      restoredFrom: 1,
    });
    assert.equal('uploadId' in version, false, 'a restored version came from no upload');
    const after = await vault.repository.listVersions(citizenId, document.id);
    assert.deepEqual(after.slice(0, 2), before, 'history is never rewritten');
    assert.deepEqual(after[2], version);
    assert.deepEqual(vault.blobs.keys(), blobKeys, 'no object was copied or removed');

    const stored = await vault.repository.getDocument(citizenId, document.id);
    assert.deepEqual(stored, updated);
    assert.equal(stored?.currentVersion, 3);
    assert.equal(stored?.versionCount, 3);
    assert.equal(stored?.fileName, 'to-khai.pdf');
    assert.equal(stored?.contentType, 'application/pdf');
    assert.equal(stored?.sha256, v1.sha256);
    assert.equal(stored?.size, v1.size);
    assert.equal(stored?.updatedAt, now);

    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'document.restore-version');
    assert.deepEqual(entry?.detail, { restoredFrom: 1, newVersion: 3 });

    // The current content is now the first version's object.
    await getContentUrl(vault, citizen(), document.id);
    assert.equal(vault.blobs.presignedDownloads.at(-1)?.key, v1.blobKey);
  });

  test('an unknown version, or a trashed document, is not found and nothing changes', async () => {
    const vault = createTestVault();
    const document = await documentWithTwoVersions(vault);
    let before = vault.repository.snapshot();
    for (const number of [0, 3, 99, Number.NaN]) {
      await assert.rejects(restoreVersion(vault, citizen(), document.id, number), NotFoundError, String(number));
    }
    await assert.rejects(restoreVersion(vault, citizen(), 'no-such-document', 1), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
    await trashDocument(vault, citizen(), document.id);
    before = vault.repository.snapshot();
    await assert.rejects(restoreVersion(vault, citizen(), document.id, 1), NotFoundError);
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('two concurrent restores both land, as distinct new versions', async () => {
    const vault = createTestVault();
    const document = await documentWithTwoVersions(vault);
    commitBarrier(vault.repository, 2, (changes) => (changes.versions?.length ?? 0) > 0);
    const results = await Promise.all([
      restoreVersion(vault, citizen(), document.id, 1),
      restoreVersion(vault, citizen(), document.id, 2),
    ]);
    assert.deepEqual(results.map((r) => r.version.number).sort(), [3, 4]);
    const versions = await vault.repository.listVersions(citizenId, document.id);
    assert.deepEqual(
      versions
        .map((v) => [v.number, v.restoredFrom])
        .slice(2)
        .sort(),
      results.map((r) => [r.version.number, r.version.restoredFrom]).sort(),
    );
    const stored = await vault.repository.getDocument(citizenId, document.id);
    assert.equal(stored?.versionCount, 4);
    assert.equal(stored?.currentVersion, 4);
    const winner = results.find((r) => r.version.number === 4)!;
    assert.equal(stored?.sha256, winner.version.sha256);
  });
});
