import { test, describe } from 'node:test';
import { objectKeys } from '../../../functions/platform/storage/schema.ts';
import assert from 'node:assert/strict';
import { trashDocument } from '../../../functions/vault/core/documents.ts';
import { ForbiddenRoleError, InvalidInputError, NotFoundError } from '../../../functions/platform/core/errors.ts';
import { createFolder, listFolderTree, trashFolder } from '../../../functions/vault/core/folders.ts';
import {
  getUpload,
  requestUpload,
  uploadIdFromKey,
  type UploadRequest,
} from '../../../functions/digitize/core/uploads.ts';
import { PolicyViolation } from '../../fakes/in-memory-blob-store.ts';
import { SealNotConfiguredError } from '../../../functions/signing/core/seal-readiness.ts';
import {
  admin,
  citizen,
  citizenId,
  createTestVault,
  officer,
  officerSub,
  organisation,
  organisationId,
  secondCitizen,
  secondCitizenId,
  seedDocument,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const pdf = (size = 2048): UploadRequest => ({ fileName: 'Giấy xác nhận.pdf', contentType: 'application/pdf', size });

async function provisioned(options?: Parameters<typeof createTestVault>[0]): Promise<TestVault> {
  const vault = createTestVault(options);
  await listFolderTree(vault, citizen());
  return vault;
}

/** Nothing stored and nothing presigned: a refused request leaves no trace. */
async function assertRefused(vault: TestVault, attempt: Promise<unknown>, error: unknown, message?: string) {
  const before = vault.repository.snapshot();
  const presigned = vault.blobs.presignedUploads.length;
  await assert.rejects(attempt, error as never, message);
  assert.deepEqual(vault.repository.snapshot(), before, message);
  assert.equal(vault.blobs.presignedUploads.length, presigned, message);
}

describe('requestUpload by a citizen', () => {
  test("registers a pending upload into the citizen's self-digitised folder, pinned to key, type and size", async () => {
    const vault = await provisioned();
    const id = vault.ids.peek();
    const { upload, presigned } = await requestUpload(vault, citizen(), pdf(2048));
    const now = vault.clock.now();
    assert.deepEqual(upload, {
      id,
      ownerId: citizenId,
      createdBy: citizen().principal.sub,
      createdByRole: 'citizen',
      requestedFromIp: citizen().sourceIp,
      folderId: 'sys-self',
      source: 'self',
      fileName: 'Giấy xác nhận.pdf',
      contentType: 'application/pdf',
      declaredSize: 2048,
      blobKey: `incoming/${id}`,
      status: 'PENDING_UPLOAD',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 900_000).toISOString(),
    });
    assert.deepEqual(await vault.repository.getUpload(id), upload);
    assert.equal(uploadIdFromKey(upload.blobKey), id);
    assert.equal(objectKeys.incoming(id), upload.blobKey);
    assert.deepEqual(vault.blobs.presignedUploads, [
      {
        key: `incoming/${id}`,
        contentType: 'application/pdf',
        minBytes: 2048,
        maxBytes: 2048,
        expiresInSeconds: 900,
      },
    ]);
    assert.equal(presigned.fields.key, `incoming/${id}`);
    assert.equal(presigned.fields['Content-Type'], 'application/pdf');
    assert.equal(presigned.fields['x-fake-content-length-range'], '2048,2048');
    assert.equal(presigned.expiresAt, upload.expiresAt);
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'upload.create');
    assert.equal(entry?.resourceType, 'upload');
    assert.equal(entry?.resourceId, id);
    assert.deepEqual(entry?.detail, {
      uploadId: id,
      fileName: 'Giấy xác nhận.pdf',
      contentType: 'application/pdf',
      size: 2048,
    });

    // The presigned policy admits exactly the declared body.
    await assert.rejects(vault.blobs.receivePost(presigned, new Uint8Array(2047), 'application/pdf'), PolicyViolation);
    await assert.rejects(vault.blobs.receivePost(presigned, new Uint8Array(2048), 'image/png'), PolicyViolation);
    vault.clock.advance(901_000);
    await assert.rejects(vault.blobs.receivePost(presigned, new Uint8Array(2048), 'application/pdf'), PolicyViolation);
    assert.equal(vault.blobs.has(upload.blobKey), false);
  });

  test('into a folder of their own choosing, or as a new version of their document', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Học tập' });
    const { upload } = await requestUpload(vault, citizen(), { ...pdf(), folderId: folder.id });
    assert.equal(upload.folderId, folder.id);
    assert.equal(upload.targetDocumentId, undefined);

    const doc = await seedDocument(vault, citizenId, folder.id);
    const version = await requestUpload(vault, citizen(), { ...pdf(), documentId: doc.id, folderId: 'sys-identity' });
    assert.equal(version.upload.targetDocumentId, doc.id);
    assert.equal(version.upload.folderId, folder.id, 'a new version goes where the document is');
    const versionRequest = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(versionRequest?.resourceType, 'document', 'a version upload is an act on the document');
    assert.equal(versionRequest?.resourceId, doc.id);
    assert.deepEqual(versionRequest?.detail, {
      uploadId: version.upload.id,
      fileName: 'Giấy xác nhận.pdf',
      contentType: 'application/pdf',
      size: 2048,
    });
  });

  test("an unknown, trashed or another owner's folder or document is not found", async () => {
    const vault = await provisioned();
    const theirFolder = await createFolder(vault, secondCitizen(), { name: 'Của họ' });
    const theirDoc = await seedDocument(vault, secondCitizenId, 'sys-self');
    const gone = await createFolder(vault, citizen(), { name: 'Đã xoá' });
    await trashFolder(vault, citizen(), gone.id);
    const trashedDoc = await seedDocument(vault, citizenId, 'sys-self');
    await trashDocument(vault, citizen(), trashedDoc.id);
    for (const folderId of ['nope', theirFolder.id, gone.id]) {
      await assertRefused(vault, requestUpload(vault, citizen(), { ...pdf(), folderId }), NotFoundError, folderId);
    }
    for (const documentId of ['nope', theirDoc.id, trashedDoc.id]) {
      await assertRefused(vault, requestUpload(vault, citizen(), { ...pdf(), documentId }), NotFoundError, documentId);
    }
  });

  test('may not name another owner, but may name themselves', async () => {
    const vault = await provisioned();
    await assertRefused(
      vault,
      requestUpload(vault, citizen(), { ...pdf(), ownerId: secondCitizenId }),
      InvalidInputError,
    );
    assert.equal(await vault.repository.isProvisioned(secondCitizenId), false);
    const { upload } = await requestUpload(vault, citizen(), { ...pdf(), ownerId: citizenId });
    assert.equal(upload.ownerId, citizenId);
  });

  test('content type, size and file name are checked against the policy', async () => {
    const vault = await provisioned({ policy: { maxUploadBytes: 10_000 } });
    for (const contentType of ['application/zip', 'text/html', 'image/svg+xml', 'application/PDF', 'image/jpg', '']) {
      await assertRefused(
        vault,
        requestUpload(vault, citizen(), { ...pdf(), contentType }),
        InvalidInputError,
        contentType,
      );
    }
    for (const size of [0, -1, 1.5, 10_001, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assertRefused(vault, requestUpload(vault, citizen(), pdf(size)), InvalidInputError, String(size));
    }
    for (const fileName of ['', '..', 'a/b.pdf', '..\\x.pdf', 'hoadon\u202Efdp.exe', 'x\u0000.pdf']) {
      await assertRefused(
        vault,
        requestUpload(vault, citizen(), { ...pdf(), fileName }),
        InvalidInputError,
        JSON.stringify(fileName),
      );
    }
    assert.equal((await requestUpload(vault, citizen(), pdf(1))).upload.declaredSize, 1);
    assert.equal((await requestUpload(vault, citizen(), pdf(10_000))).upload.declaredSize, 10_000);
    for (const contentType of ['image/jpeg', 'image/png', 'image/tiff']) {
      assert.equal((await requestUpload(vault, citizen(), { ...pdf(), contentType })).upload.contentType, contentType);
    }
    const nfd = await requestUpload(vault, citizen(), { ...pdf(), fileName: ' Đơn xin.pdf '.normalize('NFD') });
    assert.equal(nfd.upload.fileName, 'Đơn xin.pdf');
  });

  test('an organisation uploads into its own vault', async () => {
    const vault = createTestVault();
    const { upload } = await requestUpload(vault, organisation(), pdf());
    assert.equal(upload.ownerId, organisationId);
    assert.equal(upload.source, 'self');
    assert.equal(upload.folderId, 'sys-self');
    await assert.rejects(requestUpload(vault, organisation(), { ...pdf(), ownerId: citizenId }), InvalidInputError);
  });

  test('roles without a vault cannot upload for themselves', async () => {
    const vault = createTestVault();
    await assertRefused(vault, requestUpload(vault, admin(), pdf()), ForbiddenRoleError);
    await assertRefused(vault, requestUpload(vault, admin(), { ...pdf(), ownerId: citizenId }), ForbiddenRoleError);
    const noVault = { ...citizen(), principal: { sub: 'citizen-without-id', role: 'citizen' as const } };
    await assertRefused(vault, requestUpload(vault, noVault, pdf()), ForbiddenRoleError);
  });
});

describe('requestUpload by an officer', () => {
  test("files an issued result into the owner's procedure-results folder, audited in the owner's vault", async () => {
    const vault = createTestVault();
    const { upload } = await requestUpload(vault, officer(), { ...pdf(), ownerId: citizenId });
    assert.equal(upload.ownerId, citizenId);
    assert.equal(upload.source, 'issued');
    assert.equal(upload.folderId, 'sys-results');
    assert.equal(upload.createdBy, officerSub);
    assert.equal(upload.createdByRole, 'officer');
    assert.equal(upload.createdByUnit, 'PC06');
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'upload.create-for-owner');
    assert.deepEqual(entry?.actor, { sub: officerSub, role: 'officer', unit: 'PC06' });
    assert.equal(entry?.ownerId, citizenId);
    // Enterprise codes, with or without a branch, are owners too.
    assert.equal(
      (await requestUpload(vault, officer(), { ...pdf(), ownerId: organisationId })).upload.ownerId,
      organisationId,
    );
    assert.equal(
      (await requestUpload(vault, officer(), { ...pdf(), ownerId: '0101234567-001' })).upload.ownerId,
      '0101234567-001',
    );
  });

  test('must name a valid owner', async () => {
    const vault = createTestVault();
    const invalid = [
      undefined,
      '',
      '12345',
      '079203001234 ',
      '999203001234',
      '000203001234',
      '07920300123x',
      '0101234567-01',
      '01012345678',
    ];
    for (const ownerId of invalid) {
      await assertRefused(
        vault,
        requestUpload(vault, officer(), { ...pdf(), ...(ownerId === undefined ? {} : { ownerId }) }),
        InvalidInputError,
        String(ownerId),
      );
    }
    assert.deepEqual(vault.repository.snapshot().provisioned, []);
  });

  test('cannot choose a folder or a document', async () => {
    const vault = await provisioned();
    const folder = await createFolder(vault, citizen(), { name: 'Riêng' });
    const doc = await seedDocument(vault, citizenId, folder.id);
    await assertRefused(
      vault,
      requestUpload(vault, officer(), { ...pdf(), ownerId: citizenId, folderId: folder.id }),
      InvalidInputError,
    );
    await assertRefused(
      vault,
      requestUpload(vault, officer(), { ...pdf(), ownerId: citizenId, folderId: 'sys-results' }),
      InvalidInputError,
    );
    await assertRefused(
      vault,
      requestUpload(vault, officer(), { ...pdf(), ownerId: citizenId, documentId: doc.id }),
      ForbiddenRoleError,
    );
  });

  test('is refused up front while the seal has no certificate valid now; citizens are not', async () => {
    const unsealed = await provisioned({ sealCertificate: false });
    await assertRefused(
      unsealed,
      requestUpload(unsealed, officer(), { ...pdf(), ownerId: citizenId }),
      (error: unknown) =>
        error instanceof SealNotConfiguredError &&
        error.code === 'seal-not-configured' &&
        /no certificate yet.*PUT \/v1\/signing\/seal-certificate/.test(error.message),
    );
    assert.equal((await requestUpload(unsealed, citizen(), pdf())).upload.source, 'self');

    // The fake vault's certificate ends after sixty years; past it, the seal is expired.
    const expired = await provisioned({ start: '2061-01-01T00:00:00.000Z' });
    await assertRefused(
      expired,
      requestUpload(expired, officer(), { ...pdf(), ownerId: citizenId }),
      (error: unknown) =>
        error instanceof SealNotConfiguredError && /^The agency seal certificate expired at 2059-/.test(error.message),
    );
  });
});

describe('getUpload', () => {
  test("visible to the vault's owner and to whoever requested it, and to nobody else", async () => {
    const vault = createTestVault();
    const { upload } = await requestUpload(vault, officer(), { ...pdf(), ownerId: citizenId });
    assert.deepEqual(await getUpload(vault, citizen(), upload.id), upload);
    assert.deepEqual(await getUpload(vault, officer(), upload.id), upload);
    const strangers = [
      secondCitizen(),
      organisation(),
      admin(),
      officer('PC06', 'officer-pc06-0002'),
      officer('PC08', 'officer-pc08-0001'),
      // Same subject claimed under another role is someone else.
      { ...citizen(), principal: { sub: officerSub, role: 'citizen' as const, ownerId: secondCitizenId } },
      // An officer whose token happens to carry the owner's id is still not the owner.
      {
        ...officer('PC06', 'officer-pc06-0003'),
        principal: { sub: 'officer-pc06-0003', role: 'officer' as const, unit: 'PC06', ownerId: citizenId },
      },
    ];
    for (const context of strangers) {
      await assert.rejects(getUpload(vault, context, upload.id), NotFoundError, JSON.stringify(context.principal));
    }
    await assert.rejects(getUpload(vault, citizen(), 'no-such-upload'), NotFoundError);

    const own = await requestUpload(vault, citizen(), pdf());
    assert.equal((await getUpload(vault, citizen(), own.upload.id)).id, own.upload.id);
    await assert.rejects(getUpload(vault, officer(), own.upload.id), NotFoundError);
    await assert.rejects(getUpload(vault, secondCitizen(), own.upload.id), NotFoundError);
  });
});
