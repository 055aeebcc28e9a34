import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrentUpdateError, ConflictError, InvalidInputError } from '../../../functions/platform/core/errors.ts';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import type { Folder, VaultDocument } from '../../../functions/vault/core/model.ts';
import { InMemoryVaultRepository } from '../../fakes/in-memory-vault-repository.ts';
import { citizenId, secondCitizenId } from '../../fakes/vault-test-deps.ts';

// The core's guarantees rest on the repository contract, so the fake is held to it first.

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();

function folder(id: string, name: string, parentId: string | null = null, ownerId = citizenId): Folder {
  return { id, ownerId, name, parentId, createdAt: at(0), updatedAt: at(0) };
}

function document(id: string, folderId: string, createdAt: string, ownerId = citizenId): VaultDocument {
  return {
    id,
    ownerId,
    folderId,
    source: 'self',
    title: id,
    fileName: `${id}.pdf`,
    contentType: 'application/pdf',
    size: 1,
    sha256: '00',
    currentVersion: 1,
    versionCount: 1,
    createdAt,
    updatedAt: createdAt,
    createdBy: 'seed',
  };
}

function audit(id: string, resourceId: string, minute: number, ownerId = citizenId): AuditEntry {
  return {
    id,
    ownerId,
    at: at(minute),
    actor: { sub: 's', role: 'citizen' },
    action: 'x',
    resourceType: 'document',
    resourceId,
    outcome: 'success',
    sourceIp: '127.0.0.1',
  };
}

const isConcurrent = (error: unknown) => error instanceof ConcurrentUpdateError;
const isNameTaken = (error: unknown) => error instanceof ConflictError && error.code === 'name-taken';

describe('InMemoryVaultRepository', () => {
  test('a commit with one stale record applies none of its writes', async () => {
    const repo = new InMemoryVaultRepository();
    const a = folder('a', 'A');
    await repo.commit({ ownerId: citizenId, folders: [{ next: a }], audit: [] });
    const before = repo.snapshot();
    await assert.rejects(
      repo.commit({
        ownerId: citizenId,
        folders: [{ next: folder('b', 'B') }, { next: { ...a, name: 'A2' }, previous: { ...a, updatedAt: at(9) } }],
        documents: [{ next: document('d', 'a', at(1)) }],
        audit: [audit('e', 'd', 1)],
      }),
      isConcurrent,
    );
    assert.deepEqual(repo.snapshot(), before);
  });

  test('create fails when the record exists; versions are create-only; the vault marker once', async () => {
    const repo = new InMemoryVaultRepository();
    await repo.commit({ ownerId: citizenId, provisionVault: true, folders: [{ next: folder('a', 'A') }], audit: [] });
    assert.equal(await repo.isProvisioned(citizenId), true);
    assert.equal(await repo.isProvisioned(secondCitizenId), false);
    await assert.rejects(
      repo.commit({ ownerId: citizenId, folders: [{ next: folder('a', 'Other') }], audit: [] }),
      isConcurrent,
    );
    await assert.rejects(repo.commit({ ownerId: citizenId, provisionVault: true, audit: [] }), isConcurrent);
    const version = {
      documentId: 'd',
      ownerId: citizenId,
      number: 1,
      blobKey: 'k',
      fileName: 'f',
      contentType: 'application/pdf',
      size: 1,
      sha256: '00',
      createdAt: at(0),
      createdBy: 's',
    };
    await repo.commit({ ownerId: citizenId, versions: [version], audit: [] });
    await assert.rejects(
      repo.commit({ ownerId: citizenId, versions: [{ ...version, blobKey: 'other' }], audit: [] }),
      isConcurrent,
    );
    assert.equal((await repo.getVersion(citizenId, 'd', 1))?.blobKey, 'k');
  });

  test('active sibling names are unique by nameKey; trashed folders hold no claim', async () => {
    const repo = new InMemoryVaultRepository();
    await repo.commit({ ownerId: citizenId, folders: [{ next: folder('p', 'Đất đai') }], audit: [] });
    await assert.rejects(
      repo.commit({ ownerId: citizenId, folders: [{ next: folder('q', 'ĐẤT ĐAI') }], audit: [] }),
      isNameTaken,
    );
    // Same name under another parent, or in another owner's vault, is fine.
    await repo.commit({ ownerId: citizenId, folders: [{ next: folder('c', 'Đất đai', 'p') }], audit: [] });
    await repo.commit({
      ownerId: secondCitizenId,
      folders: [{ next: folder('p', 'Đất đai', null, secondCitizenId) }],
      audit: [],
    });
    // Two new siblings with one name in one commit clash with each other.
    await assert.rejects(
      repo.commit({
        ownerId: citizenId,
        folders: [{ next: folder('x', 'Nhà') }, { next: folder('y', 'nhà') }],
        audit: [],
      }),
      isNameTaken,
    );
    // A folder keeps its own claim when renamed to a case variant of its name.
    const p = (await repo.getFolder(citizenId, 'p')) as Folder;
    await repo.commit({ ownerId: citizenId, folders: [{ next: { ...p, name: 'ĐẤT ĐAI' }, previous: p }], audit: [] });
    // Trashing releases the claim, restoring takes it back (and clashes if it was taken meanwhile).
    const renamed = (await repo.getFolder(citizenId, 'p')) as Folder;
    const trashed = { ...renamed, trashedAt: at(5), trashedWith: 'p' };
    await repo.commit({ ownerId: citizenId, folders: [{ next: trashed, previous: renamed }], audit: [] });
    await repo.commit({ ownerId: citizenId, folders: [{ next: folder('r', 'đất đai') }], audit: [] });
    await assert.rejects(
      repo.commit({ ownerId: citizenId, folders: [{ next: renamed, previous: trashed }], audit: [] }),
      isNameTaken,
    );
  });

  test('the tree version moves with parent changes only and guards commits that expect it', async () => {
    const repo = new InMemoryVaultRepository();
    await repo.commit({
      ownerId: citizenId,
      folders: [{ next: folder('a', 'A') }, { next: folder('b', 'B') }],
      audit: [],
    });
    assert.equal((await repo.getFolderTree(citizenId)).treeVersion, 0);
    const a = (await repo.getFolder(citizenId, 'a')) as Folder;
    await repo.commit({
      ownerId: citizenId,
      folders: [{ next: { ...a, name: 'A1' }, previous: a }],
      expectedTreeVersion: 0,
      audit: [],
    });
    assert.equal((await repo.getFolderTree(citizenId)).treeVersion, 0);
    const a1 = (await repo.getFolder(citizenId, 'a')) as Folder;
    await repo.commit({
      ownerId: citizenId,
      folders: [{ next: { ...a1, parentId: 'b' }, previous: a1 }],
      expectedTreeVersion: 0,
      audit: [],
    });
    assert.equal((await repo.getFolderTree(citizenId)).treeVersion, 1);
    assert.equal((await repo.getFolderTree(secondCitizenId)).treeVersion, 0);
    const b = (await repo.getFolder(citizenId, 'b')) as Folder;
    await assert.rejects(
      repo.commit({
        ownerId: citizenId,
        folders: [{ next: { ...b, name: 'B1' }, previous: b }],
        expectedTreeVersion: 0,
        audit: [],
      }),
      isConcurrent,
    );
    assert.equal((await repo.getFolder(citizenId, 'b'))?.name, 'B');
  });

  test('a commit may touch at most 100 records, folder writes counting three and documents two', async () => {
    const repo = new InMemoryVaultRepository();
    const folders = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ next: folder(`${prefix}${i}`, `${prefix}${i}`) }));
    await repo.commit({ ownerId: citizenId, folders: folders(33, 'a'), audit: [] }); // 99
    await assert.rejects(repo.commit({ ownerId: citizenId, folders: folders(34, 'b'), audit: [] }), RangeError);
    await assert.rejects(
      repo.commit({ ownerId: citizenId, folders: folders(33, 'c'), audit: [audit('e1', 'x', 0), audit('e2', 'x', 0)] }),
      RangeError,
    );
    await repo.commit({ ownerId: citizenId, folders: folders(33, 'd'), expectedTreeVersion: 0, audit: [] }); // 100
    const documents = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ next: document(`${prefix}${i}`, 'f', at(0)) }));
    // Each document write also writes its search item.
    await repo.commit({ ownerId: citizenId, documents: documents(50, 'x'), audit: [] });
    await assert.rejects(repo.commit({ ownerId: citizenId, documents: documents(51, 'y'), audit: [] }), RangeError);
    const tree = await repo.getFolderTree(citizenId);
    assert.equal(tree.folders.length, 66);
    assert.equal((await repo.listAllFolderDocuments(citizenId, 'f')).length, 50);
  });

  test('callers cannot change stored records through objects they pass in or get back', async () => {
    const repo = new InMemoryVaultRepository();
    const a = folder('a', 'A');
    await repo.commit({ ownerId: citizenId, folders: [{ next: a }], audit: [] });
    a.name = 'mutated after commit';
    const read = (await repo.getFolder(citizenId, 'a')) as Folder;
    read.name = 'mutated after read';
    (await repo.getFolderTree(citizenId)).folders[0]!.parentId = 'elsewhere';
    assert.deepEqual(await repo.getFolder(citizenId, 'a'), folder('a', 'A'));
  });

  test('records of one owner are invisible to another', async () => {
    const repo = new InMemoryVaultRepository();
    await repo.commit({
      ownerId: citizenId,
      folders: [{ next: folder('a', 'A') }],
      documents: [{ next: document('d', 'a', at(0)) }],
      audit: [],
    });
    assert.equal(await repo.getFolder(secondCitizenId, 'a'), undefined);
    assert.equal(await repo.getDocument(secondCitizenId, 'd'), undefined);
    assert.deepEqual((await repo.listFolderDocuments(secondCitizenId, 'a', { limit: 10 })).items, []);
    await assert.rejects(
      repo.commit({ ownerId: secondCitizenId, documents: [{ next: document('e', 'a', at(0)) }], audit: [] }),
      /owner/,
    );
  });

  test('folder documents page newest first with opaque cursors bound to their listing', async () => {
    const repo = new InMemoryVaultRepository();
    const docs = [
      document('d1', 'f', at(1)),
      document('d2', 'f', at(3)),
      document('d3', 'f', at(2)),
      document('d4', 'f', at(3)),
      document('d5', 'g', at(9)),
      { ...document('d6', 'f', at(8)), trashedAt: at(9), trashedWith: 'd6' },
    ];
    await repo.commit({ ownerId: citizenId, documents: docs.map((next) => ({ next })), audit: [] });
    const first = await repo.listFolderDocuments(citizenId, 'f', { limit: 3 });
    assert.deepEqual(
      first.items.map((d) => d.id),
      ['d4', 'd2', 'd3'],
    );
    assert.ok(first.nextCursor);
    const second = await repo.listFolderDocuments(citizenId, 'f', { limit: 3, cursor: first.nextCursor });
    assert.deepEqual(
      second.items.map((d) => d.id),
      ['d1'],
    );
    assert.equal(second.nextCursor, undefined);
    const exact = await repo.listFolderDocuments(citizenId, 'f', { limit: 4 });
    assert.equal(exact.items.length, 4);
    assert.equal(exact.nextCursor, undefined);
    await assert.rejects(
      repo.listFolderDocuments(citizenId, 'g', { limit: 3, cursor: first.nextCursor }),
      InvalidInputError,
    );
    await assert.rejects(
      repo.listFolderDocuments(citizenId, 'f', { limit: 3, cursor: 'not-a-cursor' }),
      InvalidInputError,
    );
    const trash = await repo.listTrashedDocuments(citizenId, { limit: 10 });
    assert.deepEqual(
      trash.items.map((d) => d.id),
      ['d6'],
    );
  });

  test('history is filtered by owner and resource, newest first', async () => {
    const repo = new InMemoryVaultRepository();
    await repo.appendAudit(audit('e1', 'r', 1));
    await repo.appendAudit(audit('e2', 'r', 3));
    await repo.appendAudit(audit('e3', 'other', 4));
    await repo.appendAudit(audit('e4', 'r', 5, secondCitizenId));
    await repo.commit({ ownerId: citizenId, audit: [audit('e5', 'r', 3)] });
    const page = await repo.listHistory(citizenId, 'r', { limit: 10 });
    assert.deepEqual(
      page.items.map((e) => e.id),
      ['e5', 'e2', 'e1'],
    );
  });

  test('failNextCommit fails one matching commit without applying it', async () => {
    const repo = new InMemoryVaultRepository();
    repo.failNextCommit(new Error('boom'), { when: (changes) => (changes.documents?.length ?? 0) > 0 });
    await repo.commit({ ownerId: citizenId, folders: [{ next: folder('a', 'A') }], audit: [] });
    const before = repo.snapshot();
    await assert.rejects(
      repo.commit({ ownerId: citizenId, documents: [{ next: document('d', 'a', at(0)) }], audit: [] }),
      /boom/,
    );
    assert.deepEqual(repo.snapshot(), before);
    await repo.commit({ ownerId: citizenId, documents: [{ next: document('d', 'a', at(0)) }], audit: [] });
    assert.ok(await repo.getDocument(citizenId, 'd'));
  });
});
