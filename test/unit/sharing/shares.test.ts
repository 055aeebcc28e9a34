import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { updateDocument } from '../../../functions/vault/core/documents.ts';
import { createFolder, listFolderTree } from '../../../functions/vault/core/folders.ts';
import { getAccessLog } from '../../../functions/sharing/core/access-log.ts';
import {
  getSharedDocument,
  getSharedDocumentContentUrl,
  getSharedDocumentText,
  getSharedResource,
  listSharedItems,
} from '../../../functions/sharing/core/grantee-access.ts';
import { grantShare, listShares, revokeShare, type ShareRequest } from '../../../functions/sharing/core/shares.ts';
import { systemFolderId } from '../../../functions/vault/core/vault-provisioning.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  officer,
  organisation,
  organisationId,
  secondCitizen,
  secondCitizenId,
  seedDocument,
  withCode,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const toSecondCitizen = { kind: 'citizen', id: secondCitizenId } as const;

/** A's vault: folder "Hồ sơ" with a subfolder "Con", a document in each, and one elsewhere. */
async function sharedTree() {
  const vault = createTestVault();
  await listFolderTree(vault, citizen());
  const folder = await createFolder(vault, citizen(), { name: 'Hồ sơ' });
  const child = await createFolder(vault, citizen(), { name: 'Con', parentId: folder.id });
  const outside = await createFolder(vault, citizen(), { name: 'Riêng tư' });
  const inFolder = await seedDocument(vault, citizenId, folder.id, { title: 'Trong thư mục' });
  const inChild = await seedDocument(vault, citizenId, child.id, { title: 'Trong thư mục con' });
  const elsewhere = await seedDocument(vault, citizenId, outside.id, { title: 'Ở chỗ khác' });
  return { vault, folder, child, outside, inFolder, inChild, elsewhere };
}

function share(
  vault: TestVault,
  request: Partial<ShareRequest> & Pick<ShareRequest, 'resourceType' | 'resourceId'>,
  context = citizen(),
) {
  return grantShare(vault, context, { grantee: toSecondCitizen, permissions: ['metadata'], ...request });
}

const deniedReasons = (vault: TestVault) =>
  vault.repository
    .auditOf(citizenId)
    .filter((entry) => entry.outcome === 'denied')
    .map((entry) => entry.detail?.reason);

describe('folder grants', () => {
  test("cover the folder's current and future contents, subfolders included, and nothing else", async () => {
    const { vault, folder, child, inFolder, inChild, elsewhere } = await sharedTree();
    const granted = await share(vault, { resourceType: 'folder', resourceId: folder.id, permissions: ['download'] });
    const later = await seedDocument(vault, citizenId, child.id, { title: 'Thêm sau' });

    for (const document of [inFolder, inChild, later]) {
      assert.equal((await getSharedDocument(vault, secondCitizen(), granted.id, document.id)).id, document.id);
    }
    assert.match(await getSharedDocumentContentUrl(vault, secondCitizen(), granted.id, inChild.id), /^https?:/);
    await assert.rejects(getSharedDocument(vault, secondCitizen(), granted.id, elsewhere.id), withCode('not-found'));

    const listing = await listSharedItems(vault, secondCitizen(), granted.id, undefined, { limit: 10 });
    assert.deepEqual(
      listing.folders.map((f) => f.name),
      ['Con'],
    );
    assert.deepEqual(
      listing.documents.items.map((d) => d.id),
      [inFolder.id],
    );
    const inside = await listSharedItems(vault, secondCitizen(), granted.id, child.id, { limit: 10 });
    assert.deepEqual(inside.documents.items.map((d) => d.id).sort(), [inChild.id, later.id].sort());
    await assert.rejects(
      listSharedItems(vault, secondCitizen(), granted.id, systemFolderId('self'), { limit: 10 }),
      withCode('not-found'),
    );

    // Reads are the owner's history, with the grantee as actor; refusals too.
    const reads = vault.repository.auditOf(citizenId).filter((entry) => entry.action === 'document.grantee-read');
    assert.equal(reads.length, 4);
    assert.ok(reads.every((entry) => entry.actor.ownerId === secondCitizenId && entry.detail?.shareId === granted.id));
    assert.deepEqual(deniedReasons(vault), ['outside-share', 'outside-share']);
    const log = await getAccessLog(vault, citizen(), { limit: 50 });
    assert.ok(log.items.length >= 6);
    assert.ok(log.items.every((entry) => entry.actor.ownerId === secondCitizenId));
  });

  test('moving a document out of the shared folder removes the access at once', async () => {
    const { vault, folder, outside, inChild } = await sharedTree();
    const granted = await share(vault, { resourceType: 'folder', resourceId: folder.id });
    await getSharedDocument(vault, secondCitizen(), granted.id, inChild.id);
    await updateDocument(vault, citizen(), inChild.id, { folderId: outside.id });
    await assert.rejects(getSharedDocument(vault, secondCitizen(), granted.id, inChild.id), withCode('not-found'));
    await updateDocument(vault, citizen(), inChild.id, { folderId: folder.id });
    assert.equal((await getSharedDocument(vault, secondCitizen(), granted.id, inChild.id)).id, inChild.id);
  });
});

describe('revocation and expiry', () => {
  test('a revoked or expired share looks like a missing one to its grantee, and the attempt is audited', async () => {
    const { vault, inFolder } = await sharedTree();
    const expiring = await share(vault, {
      resourceType: 'document',
      resourceId: inFolder.id,
      expiresAt: new Date(vault.clock.now().getTime() + 60_000).toISOString(),
    });
    const revoked = await share(vault, { resourceType: 'document', resourceId: inFolder.id });
    assert.equal((await getSharedResource(vault, secondCitizen(), expiring.id)).document?.id, inFolder.id);

    await revokeShare(vault, citizen(), revoked.id);
    vault.clock.advance(60_000);
    for (const id of [expiring.id, revoked.id, '00000000-0000-4000-8000-ffffffffffff']) {
      await assert.rejects(getSharedDocument(vault, secondCitizen(), id, inFolder.id), withCode('not-found'));
    }
    assert.deepEqual(deniedReasons(vault), ['expired', 'revoked']);
    // Revoking again, or someone else revoking, is a 404 too; nothing changes.
    const before = vault.repository.snapshot();
    await assert.rejects(revokeShare(vault, citizen(), revoked.id), withCode('not-found'));
    await assert.rejects(revokeShare(vault, secondCitizen(), expiring.id), withCode('not-found'));
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('another citizen holding the id gets the same 404, and the owner sees the attempt', async () => {
    const { vault, inFolder } = await sharedTree();
    const granted = await share(vault, { resourceType: 'document', resourceId: inFolder.id });
    await assert.rejects(getSharedDocument(vault, organisation(), granted.id, inFolder.id), withCode('not-found'));
    await assert.rejects(getSharedDocument(vault, officer(), granted.id, inFolder.id), withCode('forbidden-role'));
    assert.deepEqual(deniedReasons(vault), ['not-grantee']);
  });

  test('permissions are checked per part: text needs content, download needs download', async () => {
    const { vault, inFolder } = await sharedTree();
    const granted = await share(vault, {
      resourceType: 'document',
      resourceId: inFolder.id,
      permissions: ['metadata'],
    });
    await assert.rejects(
      getSharedDocumentText(vault, secondCitizen(), granted.id, inFolder.id),
      withCode('permission-denied'),
    );
    await assert.rejects(
      getSharedDocumentContentUrl(vault, secondCitizen(), granted.id, inFolder.id),
      withCode('permission-denied'),
    );
    assert.deepEqual(deniedReasons(vault), ['no-content-permission', 'no-download-permission']);
  });
});

describe('resharing', () => {
  test('only when allowed, never with more permissions or a later expiry, and it dies with the parent', async () => {
    const { vault, folder, inChild, child } = await sharedTree();
    const expiresAt = new Date(vault.clock.now().getTime() + 3_600_000).toISOString();
    const plain = await share(vault, { resourceType: 'folder', resourceId: folder.id });
    const reshareable = await share(vault, {
      resourceType: 'folder',
      resourceId: folder.id,
      canReshare: true,
      expiresAt,
      permissions: ['content'],
    });
    const toOrganisation = { grantee: { kind: 'organization', id: organisationId } as const };

    await assert.rejects(
      grantShare(vault, secondCitizen(), {
        ...toOrganisation,
        resourceType: 'document',
        resourceId: inChild.id,
        permissions: ['metadata'],
        viaShareId: plain.id,
      }),
      withCode('forbidden-role'),
    );
    await assert.rejects(
      grantShare(vault, secondCitizen(), {
        ...toOrganisation,
        resourceType: 'document',
        resourceId: inChild.id,
        permissions: ['download'],
        viaShareId: reshareable.id,
      }),
      withCode('invalid-input'),
    );
    await assert.rejects(
      grantShare(vault, secondCitizen(), {
        ...toOrganisation,
        resourceType: 'document',
        resourceId: inChild.id,
        permissions: ['metadata'],
        viaShareId: reshareable.id,
        expiresAt: new Date(vault.clock.now().getTime() + 7_200_000).toISOString(),
      }),
      withCode('invalid-input'),
    );
    await assert.rejects(
      grantShare(vault, secondCitizen(), {
        ...toOrganisation,
        resourceType: 'folder',
        resourceId: systemFolderId('self'),
        permissions: ['metadata'],
        viaShareId: reshareable.id,
      }),
      withCode('not-found'),
    );
    assert.deepEqual(deniedReasons(vault), [
      'reshare-not-allowed',
      'more-permissions',
      'later-expiry',
      'outside-share',
    ]);

    const reshared = await grantShare(vault, secondCitizen(), {
      ...toOrganisation,
      resourceType: 'folder',
      resourceId: child.id,
      permissions: ['metadata'],
      viaShareId: reshareable.id,
    });
    assert.equal(reshared.ownerId, citizenId);
    assert.equal(reshared.expiresAt, expiresAt, "a reshare without expiry inherits the parent's");
    assert.equal((await getSharedDocument(vault, organisation(), reshared.id, inChild.id)).id, inChild.id);
    const outgoing = await listShares(vault, secondCitizen(), { direction: 'outgoing', limit: 10 });
    assert.deepEqual(
      outgoing.items.map((item) => item.share.id),
      [reshared.id],
    );

    await revokeShare(vault, citizen(), reshareable.id);
    await assert.rejects(getSharedDocument(vault, organisation(), reshared.id, inChild.id), withCode('not-found'));
  });
});

describe('listShares', () => {
  test('shared by me and with me, filtered by resource type, paginated', async () => {
    const { vault, folder, child, inFolder } = await sharedTree();
    const folderShare = await share(vault, { resourceType: 'folder', resourceId: folder.id });
    vault.clock.advance(1000);
    const childShare = await share(vault, { resourceType: 'folder', resourceId: child.id });
    vault.clock.advance(1000);
    const documentShare = await share(vault, { resourceType: 'document', resourceId: inFolder.id });

    const folders = await listShares(vault, citizen(), { direction: 'outgoing', resourceType: 'folder', limit: 1 });
    assert.deepEqual(
      folders.items.map((item) => item.share.id),
      [childShare.id],
    );
    const next = await listShares(vault, citizen(), {
      direction: 'outgoing',
      resourceType: 'folder',
      limit: 1,
      cursor: folders.nextCursor as string,
    });
    assert.deepEqual(
      next.items.map((item) => item.share.id),
      [folderShare.id],
    );
    assert.equal(next.nextCursor, undefined);

    const incoming = await listShares(vault, secondCitizen(), {
      direction: 'incoming',
      resourceType: 'document',
      limit: 10,
    });
    assert.deepEqual(
      incoming.items.map((item) => [item.share.id, item.resourceName, item.active]),
      [[documentShare.id, 'Trong thư mục', true]],
    );
    assert.deepEqual((await listShares(vault, organisation(), { direction: 'incoming', limit: 10 })).items, []);
  });

  test("refuses sharing what is not the caller's, and sharing with oneself", async () => {
    const { vault, inFolder } = await sharedTree();
    await assert.rejects(
      share(vault, { resourceType: 'document', resourceId: inFolder.id }, secondCitizen()),
      withCode('not-found'),
    );
    await assert.rejects(
      grantShare(vault, citizen(), {
        resourceType: 'document',
        resourceId: inFolder.id,
        grantee: { kind: 'citizen', id: citizenId },
        permissions: ['metadata'],
      }),
      withCode('invalid-input'),
    );
    await assert.rejects(
      grantShare(vault, citizen(), {
        resourceType: 'document',
        resourceId: inFolder.id,
        grantee: { kind: 'citizen', id: '999999999999' },
        permissions: ['metadata'],
      }),
      withCode('invalid-input'),
    );
  });
});
