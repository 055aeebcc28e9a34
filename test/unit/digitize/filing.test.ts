import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { getDocument, trashDocument } from '../../../functions/vault/core/documents.ts';
import { acceptUploadedObject } from '../../../functions/digitize/core/accept-upload.ts';
import { failUpload } from '../../../functions/digitize/core/fail-upload.ts';
import { fileUpload } from '../../../functions/digitize/core/file-upload.ts';
import { validateUpload, type ValidatedUpload } from '../../../functions/digitize/core/validate-upload.ts';
import { UploadRejectedError, UploadStateError } from '../../../functions/digitize/core/workflow-errors.ts';
import { createFolder, listFolderItems, listFolderTree, trashFolder } from '../../../functions/vault/core/folders.ts';
import type { Upload } from '../../../functions/digitize/core/upload-model.ts';
import { requestUpload } from '../../../functions/digitize/core/uploads.ts';
import { fixtureOr, makeEncryptedPdf, makePdf, samplePng } from '../../fakes/sample-files.ts';
import {
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  fileDocument,
  officer,
  officerSub,
  samplePdf,
  uploadBytes,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function upload(vault: TestVault, id: string): Promise<Upload> {
  const record = await vault.repository.getUpload(id);
  assert.ok(record, `upload ${id} exists`);
  return record;
}

/** An upload whose object has arrived and whose workflow has started. */
async function arrived(
  vault: TestVault,
  bytes?: Uint8Array,
  request: Parameters<typeof uploadBytes>[2] = {},
  context = citizen(),
) {
  const ticket = await uploadBytes(vault, context, request, bytes);
  await acceptUploadedObject(vault, { key: ticket.upload.blobKey, size: ticket.upload.declaredSize });
  return ticket.upload;
}

/** What Step Functions hands the catch-all: the error name and the Lambda's JSON cause. */
function caught(error: Error) {
  return {
    error: error.name,
    cause: JSON.stringify({
      errorType: error.name,
      errorMessage: error.message,
      trace: ['at secret (/var/task/x.js:1:1)'],
    }),
  };
}

async function rejectionOf(attempt: Promise<unknown>): Promise<UploadRejectedError> {
  try {
    await attempt;
  } catch (error) {
    assert.ok(error instanceof UploadRejectedError, `expected UploadRejectedError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the upload to be rejected');
}

describe('acceptUploadedObject', () => {
  test('ignores objects that belong to no upload', async () => {
    const vault = createTestVault();
    const { upload: pending } = await requestUpload(vault, citizen(), {
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 10,
    });
    const before = vault.repository.snapshot();
    const keys = [
      'incoming/00000000-0000-4000-8000-00000000ffff', // well-formed, never handed out
      `vault/${citizenId}/${pending.id}/${pending.id}`,
      `quarantine/${pending.id}`,
      'incoming/00000000-0000-4000-8000-0000000000AB', // upper case is not an id we issue
      `incoming/${pending.id}/extra`,
      `incoming/../${pending.id}`,
      pending.id,
    ];
    for (const key of keys) assert.equal(await acceptUploadedObject(vault, { key, size: 10 }), undefined, key);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.deepEqual(vault.workflow.calls, []);
  });

  test('duplicate events mark the upload PROCESSING once and start one workflow', async () => {
    const vault = createTestVault();
    const ticket = await uploadBytes(vault, citizen());
    vault.clock.advance(3000);
    const first = await acceptUploadedObject(vault, { key: ticket.upload.blobKey, size: ticket.upload.declaredSize });
    assert.deepEqual(first, { uploadId: ticket.upload.id, started: true });
    const processing = await upload(vault, ticket.upload.id);
    assert.deepEqual(processing, {
      ...ticket.upload,
      status: 'PROCESSING',
      step: 'validate',
      updatedAt: vault.clock.now().toISOString(),
    });
    const before = vault.repository.snapshot();
    const second = await acceptUploadedObject(vault, { key: ticket.upload.blobKey, size: ticket.upload.declaredSize });
    assert.deepEqual(second, { uploadId: ticket.upload.id, started: false });
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.deepEqual(vault.workflow.executions, [ticket.upload.id]);
  });

  test('concurrent duplicate events start one workflow', async () => {
    const vault = createTestVault();
    const ticket = await uploadBytes(vault, citizen());
    commitBarrier(vault.repository, 2, (changes) => (changes.uploads?.length ?? 0) > 0);
    const event = { key: ticket.upload.blobKey, size: ticket.upload.declaredSize };
    const results = await Promise.all([acceptUploadedObject(vault, event), acceptUploadedObject(vault, event)]);
    assert.equal(vault.repository.rejectedCommits.length, 1, 'both events tried to mark it');
    assert.deepEqual(results.map((r) => r?.started).sort(), [false, true]);
    assert.deepEqual(vault.workflow.executions, [ticket.upload.id]);
    assert.equal((await upload(vault, ticket.upload.id)).status, 'PROCESSING');
  });

  test('a late event for a filed or failed upload starts nothing', async () => {
    const vault = createTestVault();
    const { upload: done } = await fileDocument(vault, citizen());
    const executions = [...vault.workflow.executions];
    const before = vault.repository.snapshot();
    assert.deepEqual(await acceptUploadedObject(vault, { key: done.blobKey, size: done.declaredSize }), {
      uploadId: done.id,
      started: false,
    });
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.deepEqual(vault.workflow.executions, executions);
    assert.equal(vault.workflow.calls.length, executions.length);

    const failed = await arrived(vault);
    await failUpload(vault, { uploadId: failed.id, error: 'States.Timeout' });
    const afterFailure = vault.repository.snapshot();
    const calls = vault.workflow.calls.length;
    assert.deepEqual(await acceptUploadedObject(vault, { key: failed.blobKey, size: failed.declaredSize }), {
      uploadId: failed.id,
      started: false,
    });
    assert.deepEqual(vault.repository.snapshot(), afterFailure);
    assert.equal((await upload(vault, failed.id)).status, 'FAILED');
    assert.equal(vault.workflow.calls.length, calls);
  });
});

describe('validateUpload', () => {
  test('accepts what was declared and reports its hash, size and page count', async () => {
    const vault = createTestVault();
    const bytes = await makePdf(3);
    const pending = await arrived(vault, bytes);
    const validated = await validateUpload(vault, { uploadId: pending.id });
    assert.deepEqual(validated, {
      uploadId: pending.id,
      sha256: sha256(bytes),
      size: bytes.byteLength,
      pageCount: 3,
      pages: [1, 2, 3],
      fieldsGiven: false,
    });
    const png = await arrived(vault, samplePng, { fileName: 'anh.png', contentType: 'image/png' });
    assert.equal((await validateUpload(vault, { uploadId: png.id })).pageCount, 1);
  });

  test('refuses content that is not what was declared, and files nothing', async () => {
    const vault = createTestVault();
    const disguised = await arrived(vault, samplePng, { fileName: 'giay-to.pdf' });
    const rejection = await rejectionOf(validateUpload(vault, { uploadId: disguised.id }));
    assert.match(rejection.reason, /declared as PDF but its content is PNG/);
    const text = await fixtureOr('not-a-pdf.pdf', () => new TextEncoder().encode('plain text, not a PDF'));
    const notPdf = await arrived(vault, text);
    assert.match((await rejectionOf(validateUpload(vault, { uploadId: notPdf.id }))).reason, /declared as PDF/);
    for (const id of [disguised.id, notPdf.id]) {
      assert.equal((await upload(vault, id)).status, 'PROCESSING');
      assert.equal(await vault.repository.getDocument(citizenId, id), undefined);
    }
  });

  test('refuses an object whose size differs from the declared size, or that is missing', async () => {
    const vault = createTestVault();
    const bytes = await samplePdf();
    const { upload: swapped } = await requestUpload(vault, citizen(), {
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: bytes.byteLength,
    });
    // Bypassing the presigned policy, as a misbehaving store or a bug might.
    await vault.blobs.write(swapped.blobKey, await makePdf(2), 'application/pdf');
    await acceptUploadedObject(vault, { key: swapped.blobKey, size: 0 });
    assert.match((await rejectionOf(validateUpload(vault, { uploadId: swapped.id }))).reason, /declared size/);

    const { upload: missing } = await requestUpload(vault, citizen(), {
      fileName: 'b.pdf',
      contentType: 'application/pdf',
      size: 100,
    });
    await acceptUploadedObject(vault, { key: missing.blobKey, size: 100 });
    assert.match((await rejectionOf(validateUpload(vault, { uploadId: missing.id }))).reason, /missing/);
  });

  test('refuses encrypted PDFs and decompression bombs', async () => {
    const vault = createTestVault();
    for (const bytes of [await fixtureOr('encrypted.pdf', makeEncryptedPdf), await makeEncryptedPdf()]) {
      const encrypted = await arrived(vault, bytes);
      assert.match(
        (await rejectionOf(validateUpload(vault, { uploadId: encrypted.id }))).reason,
        /password-protected or encrypted/,
      );
    }
    const bomb = await fixtureOr('bomb.png', () => samplePng);
    if (bomb !== samplePng) {
      const pending = await arrived(vault, bomb, { fileName: 'bomb.png', contentType: 'image/png' });
      assert.match((await rejectionOf(validateUpload(vault, { uploadId: pending.id }))).reason, /too large/);
    }
    const strict = createTestVault({ policy: { maxPdfPages: 2 } });
    const long = await arrived(strict, await makePdf(3));
    assert.match((await rejectionOf(validateUpload(strict, { uploadId: long.id }))).reason, /more than 2 pages/);
  });

  test('a filed, failed or unknown upload is a state error, not a rejection', async () => {
    const vault = createTestVault();
    const { upload: done } = await fileDocument(vault, citizen());
    await assert.rejects(validateUpload(vault, { uploadId: done.id }), UploadStateError);
    const failed = await arrived(vault);
    await failUpload(vault, { uploadId: failed.id, error: 'States.Timeout' });
    await assert.rejects(validateUpload(vault, { uploadId: failed.id }), UploadStateError);
    await assert.rejects(validateUpload(vault, { uploadId: '00000000-0000-4000-8000-00000000ffff' }), UploadStateError);
  });
});

describe('fileUpload', () => {
  test('files a new document, its first version, the upload outcome and the audit together', async () => {
    const vault = createTestVault();
    const bytes = await makePdf(2);
    const pending = await arrived(vault, bytes, { fileName: 'Giấy xác nhận cư trú.pdf' });
    const validated = await validateUpload(vault, { uploadId: pending.id });
    vault.clock.advance(5000);
    const now = vault.clock.now().toISOString();
    const filed = await fileUpload(vault, validated);
    assert.deepEqual(filed, { uploadId: pending.id, documentId: pending.id, versionNumber: 1 });

    const blobKey = `vault/${citizenId}/${pending.id}/${pending.id}`;
    assert.deepEqual(await vault.repository.getDocument(citizenId, pending.id), {
      id: pending.id,
      ownerId: citizenId,
      folderId: 'sys-self',
      source: 'self',
      title: 'Giấy xác nhận cư trú',
      fileName: 'Giấy xác nhận cư trú.pdf',
      contentType: 'application/pdf',
      size: bytes.byteLength,
      sha256: sha256(bytes),
      currentVersion: 1,
      versionCount: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: citizen().principal.sub,
    });
    assert.deepEqual(await vault.repository.listVersions(citizenId, pending.id), [
      {
        documentId: pending.id,
        ownerId: citizenId,
        number: 1,
        blobKey,
        fileName: 'Giấy xác nhận cư trú.pdf',
        contentType: 'application/pdf',
        size: bytes.byteLength,
        sha256: sha256(bytes),
        createdAt: now,
        createdBy: citizen().principal.sub,
        uploadId: pending.id,
      },
    ]);
    const done = await upload(vault, pending.id);
    assert.equal(done.status, 'DONE');
    assert.equal(done.step, 'file');
    assert.equal(done.documentId, pending.id);
    assert.equal(done.versionNumber, 1);
    assert.deepEqual(vault.blobs.bytesOf(blobKey), bytes);
    assert.equal(vault.blobs.has(pending.blobKey), false, 'the incoming object is cleaned up');
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'document.create');
    assert.equal(entry?.resourceId, pending.id);
    assert.deepEqual(
      entry?.actor,
      { sub: citizen().principal.sub, role: 'citizen', ownerId: citizenId },
      "filing is audited as the uploader's act",
    );
    assert.deepEqual(entry?.detail, {
      uploadId: pending.id,
      version: 1,
      sha256: sha256(bytes),
      via: 'digitize-workflow',
      sealed: false,
    });
    const listed = await listFolderItems(vault, citizen(), 'sys-self', { limit: 10 });
    assert.deepEqual(
      listed.documents.items.map((d) => d.id),
      [pending.id],
    );
  });

  test('a duplicated step files exactly once', async () => {
    const vault = createTestVault();
    const pending = await arrived(vault);
    const validated = await validateUpload(vault, { uploadId: pending.id });
    const first = await fileUpload(vault, validated);
    const before = vault.repository.snapshot();
    const blobs = vault.blobs.keys();
    const second = await fileUpload(vault, validated);
    assert.deepEqual(second, first);
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.deepEqual(vault.blobs.keys(), blobs);
  });

  test('two racing executions file exactly once', async () => {
    const vault = createTestVault();
    const pending = await arrived(vault);
    const validated = await validateUpload(vault, { uploadId: pending.id });
    // Hold both final commits so each has read the upload as unfiled.
    const barrier = commitBarrier(vault.repository, 2, (changes) => (changes.versions?.length ?? 0) > 0);
    const results = await Promise.all([fileUpload(vault, validated), fileUpload(vault, validated)]);
    assert.equal(barrier.arrived(), 2, 'both executions tried to file');
    assert.deepEqual(results[0], results[1]);
    const snapshot = vault.repository.snapshot();
    assert.equal(snapshot.documents.length, 1);
    assert.equal(snapshot.versions.length, 1);
    assert.equal(snapshot.audit.filter((e) => e.action === 'document.create').length, 1);
    assert.equal((await upload(vault, pending.id)).status, 'DONE');
  });

  test('only a processing upload is filed', async () => {
    const vault = createTestVault();
    const { upload: pending } = await requestUpload(vault, citizen(), {
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 10,
    });
    const fake: ValidatedUpload = {
      uploadId: pending.id,
      sha256: '00',
      size: 10,
      pageCount: 1,
      pages: [1],
      fieldsGiven: false,
    };
    const before = vault.repository.snapshot();
    await assert.rejects(fileUpload(vault, fake), UploadStateError);
    await assert.rejects(
      fileUpload(vault, { ...fake, uploadId: '00000000-0000-4000-8000-00000000ffff' }),
      UploadStateError,
    );
    assert.deepEqual(vault.repository.snapshot(), before);
    await failUpload(vault, { uploadId: pending.id, error: 'States.Timeout' });
    const failed = vault.repository.snapshot();
    await assert.rejects(fileUpload(vault, fake), UploadStateError);
    assert.deepEqual(vault.repository.snapshot(), failed);
  });

  test('a new version lands on its document; earlier versions stay as they were', async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen(), { fileName: 'Hộ chiếu.pdf' });
    await getDocument(vault, citizen(), document.id);
    const v1 = await vault.repository.listVersions(citizenId, document.id);
    vault.clock.advance(60_000);
    const { upload: done, filed } = await fileDocument(
      vault,
      citizen(),
      {
        documentId: document.id,
        fileName: 'hộ chiếu mới.png',
        contentType: 'image/png',
      },
      samplePng,
    );
    assert.deepEqual(filed, { uploadId: done.id, documentId: document.id, versionNumber: 2 });
    const versions = await vault.repository.listVersions(citizenId, document.id);
    assert.deepEqual(versions.slice(0, 1), v1);
    assert.equal(versions[1]?.blobKey, `vault/${citizenId}/${document.id}/${done.id}`);
    assert.equal(versions[1]?.uploadId, done.id);
    const updated = await vault.repository.getDocument(citizenId, document.id);
    assert.deepEqual(updated, {
      ...document,
      currentVersion: 2,
      versionCount: 2,
      fileName: 'hộ chiếu mới.png',
      contentType: 'image/png',
      size: samplePng.byteLength,
      sha256: sha256(samplePng),
      updatedAt: vault.clock.now().toISOString(),
    });
    assert.equal(updated?.title, 'Hộ chiếu', 'metadata survives a new version');
    assert.equal(await vault.repository.getDocument(citizenId, done.id), undefined, 'no second document');
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'document.add-version');
    assert.equal(entry?.resourceId, document.id);
    assert.equal(entry?.detail?.version, 2);
  });

  test('two new versions filed at once get distinct numbers', async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    const first = await arrived(vault, await makePdf(2), { documentId: document.id });
    const second = await arrived(vault, await makePdf(3), { documentId: document.id });
    const validated = await Promise.all([
      validateUpload(vault, { uploadId: first.id }),
      validateUpload(vault, { uploadId: second.id }),
    ]);
    commitBarrier(vault.repository, 2, (changes) => (changes.versions?.length ?? 0) > 0);
    const filed = await Promise.all(validated.map((v) => fileUpload(vault, v)));
    assert.deepEqual(filed.map((f) => f.versionNumber).sort(), [2, 3]);
    const versions = await vault.repository.listVersions(citizenId, document.id);
    assert.deepEqual(
      versions.map((v) => v.number),
      [1, 2, 3],
    );
    assert.deepEqual(new Set(versions.map((v) => v.uploadId)), new Set([document.id, first.id, second.id]));
    assert.equal((await vault.repository.getDocument(citizenId, document.id))?.versionCount, 3);
  });

  test('a new version for a document trashed meanwhile is rejected, and the failure says why', async () => {
    const vault = createTestVault();
    const { document } = await fileDocument(vault, citizen());
    const pending = await arrived(vault, undefined, { documentId: document.id });
    const validated = await validateUpload(vault, { uploadId: pending.id });
    await trashDocument(vault, citizen(), document.id);
    const before = vault.repository.snapshot();
    const rejection = await rejectionOf(fileUpload(vault, validated));
    assert.equal(rejection.reason, 'The document this version belongs to no longer exists');
    assert.deepEqual(
      (await vault.repository.listVersions(citizenId, document.id)).map((v) => v.number),
      [1],
    );
    assert.deepEqual(vault.repository.snapshot().documents, before.documents);
    await failUpload(vault, { uploadId: pending.id, ...caught(rejection) });
    const failed = await upload(vault, pending.id);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.failureReason, 'The document this version belongs to no longer exists');
  });

  test("an officer's upload lands in the owner's results folder and its audit names the officer", async () => {
    const vault = createTestVault();
    const { document, upload: done } = await fileDocument(vault, officer(), {
      ownerId: citizenId,
      fileName: 'Kết quả.pdf',
    });
    assert.equal(document.folderId, 'sys-results');
    assert.equal(document.source, 'issued');
    assert.equal(document.createdBy, officerSub);
    assert.equal((await getDocument(vault, citizen(), document.id)).id, document.id);
    const entries = vault.repository.auditOf(citizenId);
    const created = entries.find((e) => e.action === 'document.create');
    assert.deepEqual(created?.actor, { sub: officerSub, role: 'officer', unit: 'PC06' });
    const requested = entries.find((e) => e.action === 'upload.create-for-owner');
    assert.deepEqual(requested?.actor, { sub: officerSub, role: 'officer', unit: 'PC06' });
    assert.equal(requested?.resourceId, done.id);
    const versions = await vault.repository.listVersions(citizenId, document.id);
    assert.equal(versions[0]?.createdBy, officerSub);
    const results = await listFolderItems(vault, citizen(), 'sys-results', { limit: 10 });
    assert.deepEqual(
      results.documents.items.map((d) => d.id),
      [document.id],
    );
  });

  test("an issued result's filing writes its pending sync record in the same commit; a citizen's own does not", async () => {
    const vault = createTestVault();
    const commitsBefore = vault.repository.committed;
    const { document } = await fileDocument(vault, officer(), { ownerId: citizenId, fileName: 'Kết quả.pdf' });
    const record = vault.repository.syncRecords.get(`${citizenId}|${document.id}`);
    assert.deepEqual(record?.event, {
      type: 'document.filed',
      ownerId: citizenId,
      documentId: document.id,
      versionNumber: 1,
      eventId: `document.filed:${document.id}:1`,
    });
    assert.equal(record?.state, 'pending');
    assert.equal(record?.attempts, 0);
    assert.equal(record?.dispatchedAt, undefined);

    // A failed filing commit leaves neither the document nor its sync record.
    const failing = createTestVault();
    const pending = await arrived(failing, undefined, { ownerId: citizenId }, officer());
    const validated = await validateUpload(failing, { uploadId: pending.id });
    failing.repository.failNextCommit(new Error('table unavailable'), { when: (changes) => Boolean(changes.versions) });
    await assert.rejects(fileUpload(failing, validated), /table unavailable/);
    assert.equal(failing.repository.syncRecords.size, 0);

    await fileDocument(vault, citizen(), { fileName: 'Của tôi.pdf' });
    assert.equal(vault.repository.syncRecords.size, 1);
    assert.ok(vault.repository.committed > commitsBefore);
  });

  test('a document filed for a folder trashed meanwhile stays reachable', async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    const folder = await createFolder(vault, citizen(), { name: 'Tạm thời' });
    const pending = await arrived(vault, undefined, { folderId: folder.id });
    const validated = await validateUpload(vault, { uploadId: pending.id });
    await trashFolder(vault, citizen(), folder.id);
    const { documentId } = await fileUpload(vault, validated);
    const filed = await vault.repository.getDocument(citizenId, documentId);
    const home = filed && (await vault.repository.getFolder(citizenId, filed.folderId));
    assert.ok(filed?.trashedAt || (home && !home.trashedAt), 'either in an active folder or in the trash');
  });
});

describe('failUpload', () => {
  test('quarantines the object and records the rejection reason', async () => {
    const vault = createTestVault();
    const pending = await arrived(vault, samplePng, { fileName: 'fake.pdf' });
    const rejection = await rejectionOf(validateUpload(vault, { uploadId: pending.id }));
    const processing = await upload(vault, pending.id);
    vault.clock.advance(1000);
    await failUpload(vault, { uploadId: pending.id, ...caught(rejection) });
    const failed = await upload(vault, pending.id);
    assert.deepEqual(failed, {
      ...processing,
      status: 'FAILED',
      failureReason: rejection.reason,
      updatedAt: vault.clock.now().toISOString(),
    });
    assert.equal(failed.failureReason, 'The file is declared as PDF but its content is PNG.');
    assert.equal(vault.blobs.has(pending.blobKey), false);
    assert.deepEqual(vault.blobs.bytesOf(`quarantine/${pending.id}`), samplePng);
    assert.ok(!vault.blobs.keys().some((key) => key.startsWith('vault/')), 'nothing reached the vault');
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(entry?.action, 'upload.fail');
    assert.equal(entry?.outcome, 'failed');
    assert.equal(entry?.resourceId, pending.id);
    assert.deepEqual(entry?.detail, { reason: rejection.reason, error: 'UploadRejected' });
  });

  test('unexpected errors become a generic reason; internals stay out of the record and the audit', async () => {
    const vault = createTestVault();
    const pending = await arrived(vault);
    const cause = JSON.stringify({
      errorType: 'TypeError',
      errorMessage: "Cannot read properties of undefined (reading 'pk') at /var/task/index.js",
      trace: ['secret'],
    });
    await failUpload(vault, { uploadId: pending.id, error: 'TypeError', cause });
    const failed = await upload(vault, pending.id);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.failureReason, 'The document could not be processed; please try again or contact support');
    const entry = vault.repository.auditOf(citizenId).at(-1);
    assert.equal(JSON.stringify(entry).includes('/var/task'), false);
    assert.equal(JSON.stringify(failed).includes('/var/task'), false);

    const garbled = await arrived(vault);
    await failUpload(vault, { uploadId: garbled.id, error: 'UploadRejected', cause: '{not json' });
    assert.equal(
      (await upload(vault, garbled.id)).failureReason,
      'The document could not be processed; please try again or contact support',
    );
    const timeout = await arrived(vault);
    await failUpload(vault, { uploadId: timeout.id, error: 'States.Timeout' });
    assert.equal(
      (await upload(vault, timeout.id)).failureReason,
      'The document could not be processed; please try again or contact support',
    );
  });

  test('a finished upload is left alone, and failing twice changes nothing more', async () => {
    const vault = createTestVault();
    const { upload: done } = await fileDocument(vault, citizen());
    const vaultBlob = `vault/${citizenId}/${done.id}/${done.id}`;
    let before = vault.repository.snapshot();
    await failUpload(vault, { uploadId: done.id, error: 'States.Timeout' });
    assert.deepEqual(vault.repository.snapshot(), before);
    assert.ok(vault.blobs.has(vaultBlob));
    assert.equal(vault.blobs.has(`quarantine/${done.id}`), false);

    const pending = await arrived(vault);
    await failUpload(vault, { uploadId: pending.id, error: 'States.Timeout' });
    before = vault.repository.snapshot();
    await failUpload(vault, { uploadId: pending.id, error: 'Other' });
    assert.deepEqual(vault.repository.snapshot(), before);
    await failUpload(vault, { uploadId: '00000000-0000-4000-8000-00000000ffff', error: 'x' });
    assert.deepEqual(vault.repository.snapshot(), before);
  });
});

describe('the whole journey', () => {
  test('upload, event, validate, file: the owner finds the document in the chosen folder', async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    const folder = await createFolder(vault, citizen(), { name: 'Bằng lái' });
    const { document, upload: done } = await fileDocument(vault, citizen(), {
      folderId: folder.id,
      fileName: 'GPLX.pdf',
    });
    assert.equal(done.status, 'DONE');
    assert.equal(document.folderId, folder.id);
    assert.equal(document.title, 'GPLX');
    const items = await listFolderItems(vault, citizen(), folder.id, { limit: 10 });
    assert.deepEqual(
      items.documents.items.map((d) => d.id),
      [document.id],
    );
    assert.deepEqual(vault.workflow.executions, [done.id]);
  });
});
