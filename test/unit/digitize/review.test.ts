import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getDocument } from '../../../functions/vault/core/documents.ts';
import { ConflictError, NotFoundError } from '../../../functions/platform/core/errors.ts';
import { acceptUploadedObject } from '../../../functions/digitize/core/accept-upload.ts';
import { failUpload } from '../../../functions/digitize/core/fail-upload.ts';
import { fileUpload } from '../../../functions/digitize/core/file-upload.ts';
import { validateUpload } from '../../../functions/digitize/core/validate-upload.ts';
import type { ProposedRecognition } from '../../../functions/digitize/core/upload-model.ts';
import { awaitReview, reviewUpload } from '../../../functions/digitize/core/review.ts';
import { getUpload } from '../../../functions/digitize/core/uploads.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  officer,
  samplePdf,
  secondCitizen,
  uploadBytes,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const proposed: ProposedRecognition = {
  type: 'giay-phep-lai-xe',
  fields: { number: '790123456789', fullName: 'NGUYỄN THỊ HƯƠNG', licenseClass: 'B2', expiryDate: '2030-05-01' },
  confidence: 0.62,
  text: 'GIẤY PHÉP LÁI XE\fTrang 2',
  reasons: ['field licenseClass: score 0.62', 'page score 0.62 is below 0.950'],
};

/** An officer's upload for the citizen, paused at Review with a token the fake workflow waits on. */
async function waitingForReview(vault: TestVault, token = 'token-1') {
  const bytes = await samplePdf();
  const ticket = await uploadBytes(vault, officer(), { ownerId: citizenId }, bytes);
  await acceptUploadedObject(vault, { key: ticket.upload.blobKey, size: ticket.upload.declaredSize });
  const validated = await validateUpload(vault, { uploadId: ticket.upload.id });
  vault.workflow.pendingReviews.add(token);
  await awaitReview(vault, { uploadId: ticket.upload.id, taskToken: token, proposed });
  return { uploadId: ticket.upload.id, validated };
}

describe('review', () => {
  test('a paused upload shows REVIEW with what was recognised, never the task token', async () => {
    const vault = createTestVault();
    const { uploadId } = await waitingForReview(vault);
    const seen = await getUpload(vault, officer(), uploadId);
    assert.equal(seen.status, 'REVIEW');
    assert.equal(seen.step, 'review');
    assert.deepEqual(seen.proposed, proposed);
    const audit = vault.repository.auditOf(citizenId).find((entry) => entry.action === 'upload.review-requested');
    assert.equal(audit?.resourceId, uploadId);
  });

  test('approval with corrections resumes the run with the corrected fields, once', async () => {
    const vault = createTestVault();
    const { uploadId } = await waitingForReview(vault);
    const after = await reviewUpload(vault, officer(), uploadId, { approve: true, fields: { licenseClass: 'C' } });
    assert.equal(after.status, 'PROCESSING');
    assert.equal(after.reviewTaskToken, undefined);
    assert.deepEqual(vault.workflow.reviewDecisions.get('token-1'), {
      approved: true,
      type: 'giay-phep-lai-xe',
      fields: { ...proposed.fields, licenseClass: 'C' },
    });
    await assert.rejects(
      reviewUpload(vault, officer(), uploadId, { approve: true }),
      (error) => error instanceof ConflictError,
    );
    const entry = vault.repository
      .auditOf(citizenId)
      .find((candidate) => candidate.action === 'upload.review-approved');
    assert.deepEqual(entry?.actor, { sub: officer().principal.sub, role: 'officer', unit: 'PC06' });
    assert.equal(entry?.detail?.correctedFields, 'licenseClass');
  });

  test('only the requester reviews; others get not-found and nothing changes', async () => {
    const vault = createTestVault();
    const { uploadId } = await waitingForReview(vault);
    for (const stranger of [citizen(), secondCitizen(), officer('PC08', 'officer-pc08-0001')]) {
      await assert.rejects(
        reviewUpload(vault, stranger, uploadId, { approve: true }),
        (error) => error instanceof NotFoundError,
      );
    }
    assert.equal((await getUpload(vault, officer(), uploadId)).status, 'REVIEW');
    assert.equal(vault.workflow.reviewDecisions.size, 0);
  });

  test('a review whose run no longer waits is a conflict', async () => {
    const vault = createTestVault();
    const { uploadId } = await waitingForReview(vault);
    vault.workflow.pendingReviews.clear();
    await assert.rejects(
      reviewUpload(vault, officer(), uploadId, { approve: true }),
      (error) => error instanceof ConflictError,
    );
  });

  test("a rejection fails the upload with the reviewer's reason", async () => {
    const vault = createTestVault();
    const { uploadId } = await waitingForReview(vault);
    await reviewUpload(vault, officer(), uploadId, { approve: false, reason: 'Ảnh mờ, chụp lại' });
    assert.deepEqual(vault.workflow.reviewDecisions.get('token-1'), { approved: false, reason: 'Ảnh mờ, chụp lại' });
    await failUpload(vault, { uploadId, error: 'ReviewRejected', cause: 'Ảnh mờ, chụp lại' });
    const failed = await getUpload(vault, officer(), uploadId);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.failureReason, 'Rejected at review: Ảnh mờ, chụp lại');
  });

  test('filing with a recognition gives the document its type, fields and metadata', async () => {
    const vault = createTestVault();
    const { uploadId, validated } = await waitingForReview(vault);
    await reviewUpload(vault, officer(), uploadId, { approve: true });
    const filed = await fileUpload(vault, {
      ...validated,
      recognition: {
        type: 'giay-phep-lai-xe',
        title: 'Giấy phép lái xe',
        fields: proposed.fields,
        confidence: 1,
        textBlobKey: 'text/x',
      },
    });
    const document = await getDocument(vault, citizen(), filed.documentId);
    assert.equal(document.type, 'giay-phep-lai-xe');
    assert.equal(document.title, 'Giấy phép lái xe');
    assert.deepEqual(document.fields, proposed.fields);
    assert.equal(document.number, '790123456789');
    assert.equal(document.expiryDate, '2030-05-01');
    const upload = await getUpload(vault, officer(), uploadId);
    assert.equal(upload.status, 'DONE');
    assert.equal(upload.proposed, undefined, 'the proposal is cleared once filed');
    assert.equal((await vault.repository.getVersion(citizenId, filed.documentId, 1))?.textBlobKey, 'text/x');
  });
});
