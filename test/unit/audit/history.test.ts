import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { auditEntry } from '../../../functions/audit/core/audit.ts';
import { getContentUrl, trashDocument, updateDocument } from '../../../functions/vault/core/documents.ts';
import { getHistory } from '../../../functions/audit/core/history.ts';
import { InvalidInputError, NotFoundError } from '../../../functions/platform/core/errors.ts';
import { createFolder, listFolderTree, updateFolder } from '../../../functions/vault/core/folders.ts';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  fileDocument,
  secondCitizen,
  secondCitizenId,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

async function allPages(vault: TestVault, resource: { type: 'document' | 'folder'; id: string }, limit: number) {
  const pages: AuditEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await getHistory(vault, citizen(), resource, { limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    cursor = page.nextCursor;
    assert.ok(pages.length < 50, 'pagination ends');
  } while (cursor);
  return pages;
}

describe('getHistory', () => {
  test("pages through a document's operations, newest first, each exactly once", async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    const titles = ['Một', 'Hai', 'Ba', 'Bốn', 'Năm'];
    for (const title of titles) {
      vault.clock.advance(1000);
      await updateDocument(vault, citizen(), document.id, { title });
    }
    vault.clock.advance(1000);
    await getContentUrl(vault, citizen(), document.id);
    vault.clock.advance(1000);
    await trashDocument(vault, citizen(), document.id);

    const pages = await allPages(vault, { type: 'document', id: document.id }, 3);
    const uneven = await allPages(vault, { type: 'document', id: document.id }, 4);
    assert.deepEqual(
      uneven.map((p) => p.length),
      [4, 4, 1],
    );
    assert.deepEqual(uneven.flat(), pages.flat());
    // A new document takes its upload's id, so the upload request is part of its history.
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 3],
      'an exact last page has no cursor',
    );
    const entries = pages.flat();
    assert.deepEqual(
      entries.map((e) => e.action),
      [
        'document.delete',
        'document.read-content',
        'document.update',
        'document.update',
        'document.update',
        'document.update',
        'document.update',
        'document.create',
        'upload.create',
      ],
    );
    assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'no entry twice');
    assert.ok(entries.every((e) => e.resourceId === document.id && e.ownerId === citizenId));
    const times = entries.map((e) => e.at);
    assert.deepEqual(times, [...times].sort().reverse());

    const whole = await getHistory(vault, citizen(), { type: 'document', id: document.id }, { limit: 20 });
    assert.equal(whole.items.length, 9);
    assert.equal(whole.nextCursor, undefined);
    assert.deepEqual(whole.items, entries);
  });

  test('entries written in the same millisecond keep the order they were written in', async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    for (const title of ['A', 'B', 'C']) await updateDocument(vault, citizen(), document.id, { title });
    const { items } = await getHistory(vault, citizen(), { type: 'document', id: document.id }, { limit: 10 });
    const fields = items.filter((e) => e.action === 'document.update').map((e) => e.id);
    const written = vault.repository
      .auditOf(citizenId)
      .filter((e) => e.action === 'document.update')
      .map((e) => e.id);
    assert.deepEqual(fields, [...written].reverse());
  });

  test("a folder's history holds only that folder's operations in the caller's vault", async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    await listFolderTree(vault, secondCitizen());
    const folder = await createFolder(vault, citizen(), { name: 'Hồ sơ' });
    await createFolder(vault, citizen(), { name: 'Khác' });
    await updateFolder(vault, citizen(), folder.id, { name: 'Hồ sơ gốc' });
    const pages = await allPages(vault, { type: 'folder', id: folder.id }, 1);
    assert.deepEqual(
      pages.flat().map((e) => e.action),
      ['folder.rename', 'folder.create'],
    );

    // Default folders share ids across vaults: entries about another vault's 'sys-self' stay there.
    const mine = auditEntry(vault, citizen(), {
      ownerId: citizenId,
      action: 'folder.note',
      resourceType: 'folder',
      resourceId: 'sys-self',
    });
    const theirs = auditEntry(vault, secondCitizen(), {
      ownerId: secondCitizenId,
      action: 'folder.note',
      resourceType: 'folder',
      resourceId: 'sys-self',
    });
    await vault.repository.appendAudit(mine);
    await vault.repository.appendAudit(theirs);
    const history = await getHistory(vault, citizen(), { type: 'folder', id: 'sys-self' }, { limit: 10 });
    assert.deepEqual(
      history.items.map((e) => e.id),
      [mine.id],
    );
    const other = await getHistory(vault, secondCitizen(), { type: 'folder', id: 'sys-self' }, { limit: 10 });
    assert.deepEqual(
      other.items.map((e) => e.id),
      [theirs.id],
    );
  });

  test("another owner's resource is not found; a resource of the wrong type is not found", async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    const folder = await createFolder(vault, citizen(), { name: 'Riêng' });
    await assert.rejects(
      getHistory(vault, secondCitizen(), { type: 'document', id: document.id }, { limit: 10 }),
      NotFoundError,
    );
    await assert.rejects(
      getHistory(vault, secondCitizen(), { type: 'folder', id: folder.id }, { limit: 10 }),
      NotFoundError,
    );
    await assert.rejects(
      getHistory(vault, citizen(), { type: 'folder', id: document.id }, { limit: 10 }),
      NotFoundError,
    );
    await assert.rejects(
      getHistory(vault, citizen(), { type: 'document', id: folder.id }, { limit: 10 }),
      NotFoundError,
    );
  });

  test('a cursor only continues the listing it came from', async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    const folder = await createFolder(vault, citizen(), { name: 'Riêng' });
    await updateFolder(vault, citizen(), folder.id, { name: 'Riêng tư' });
    await updateDocument(vault, citizen(), document.id, { title: 'Mới' });
    const first = await getHistory(vault, citizen(), { type: 'document', id: document.id }, { limit: 1 });
    assert.ok(first.nextCursor);
    await assert.rejects(
      getHistory(vault, citizen(), { type: 'folder', id: folder.id }, { limit: 1, cursor: first.nextCursor }),
      InvalidInputError,
    );
    await assert.rejects(
      getHistory(vault, citizen(), { type: 'document', id: document.id }, { limit: 1, cursor: 'garbage' }),
      InvalidInputError,
    );
  });
});
