import { auditEntry, workflowContext } from '../../audit/core/audit.ts';
import { ReviewNotPendingError, type ReviewDecision } from './digitize-workflow.ts';
import { ConcurrentUpdateError, ConflictError, InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import type { ProposedRecognition, Upload } from './upload-model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import { UploadStateError } from './workflow-errors.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { UploadStore } from './upload-store.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface ReviewDeps extends Pick<VaultDeps, 'clock' | 'ids' | 'workflow'> {
  repository: UnitOfWork & UploadStore;
}

/** Longest text kept on an upload for its reviewer; the full text is filed with the document. */
const maxReviewText = 40_000;

/**
 * Workflow step (Review, waitForTaskToken): parks the upload in REVIEW with what was
 * recognised and the token that resumes the run. Repeated calls (a retried step) keep the
 * latest token.
 */
export async function awaitReview(
  deps: ReviewDeps,
  input: { uploadId: string; taskToken: string; proposed: ProposedRecognition },
): Promise<void> {
  const upload = await deps.repository.getUpload(input.uploadId);
  if (!upload || (upload.status !== 'PROCESSING' && upload.status !== 'REVIEW')) {
    throw new UploadStateError(`upload ${input.uploadId} cannot wait for review`);
  }
  const proposed = { ...input.proposed, text: input.proposed.text.slice(0, maxReviewText) };
  await deps.repository.commit({
    ownerId: upload.ownerId,
    uploads: [
      {
        next: {
          ...upload,
          status: 'REVIEW',
          step: 'review',
          proposed,
          reviewTaskToken: input.taskToken,
          updatedAt: deps.clock.now().toISOString(),
        },
        previous: upload,
      },
    ],
    audit:
      upload.status === 'REVIEW'
        ? []
        : [
            auditEntry(deps, workflowContext, {
              ownerId: upload.ownerId,
              action: 'upload.review-requested',
              resourceType: 'upload',
              resourceId: upload.id,
              detail: { confidence: proposed.confidence, reasons: proposed.reasons.join('; ') },
            }),
          ],
  });
}

/** Whoever requested the upload reviews it: the officer at the counter, or the owner for their own scans. */
function mayReview(upload: Upload, context: RequestContext): boolean {
  return upload.createdBy === context.principal.sub && upload.createdByRole === context.principal.role;
}

const typeKey = /^[a-z0-9-]{1,64}$/;

/**
 * The reviewer approves (optionally correcting type and fields) or rejects. The decision is
 * recorded first, conditional on the upload still waiting, so two reviewers cannot both
 * decide; then the paused run is resumed with it.
 */
export async function reviewUpload(
  deps: ReviewDeps,
  context: RequestContext,
  uploadId: string,
  decision:
    { approve: true; type?: string; fields?: Record<string, string | number> } | { approve: false; reason: string },
): Promise<Upload> {
  const upload = await deps.repository.getUpload(uploadId);
  if (!upload || !mayReview(upload, context)) throw new NotFoundError('Upload');
  if (upload.status !== 'REVIEW' || !upload.reviewTaskToken || !upload.proposed) {
    throw new ConflictError('upload-not-ready', 'This upload is not waiting for review');
  }
  let resume: ReviewDecision;
  if (decision.approve) {
    const type = decision.type ?? upload.proposed.type;
    if (type !== undefined && !typeKey.test(type)) throw new InvalidInputError('type must be a document type key');
    resume = { approved: true, ...(type ? { type } : {}), fields: { ...upload.proposed.fields, ...decision.fields } };
  } else {
    resume = { approved: false, reason: decision.reason };
  }
  const { reviewTaskToken: token, ...rest } = upload;
  const next: Upload = {
    ...rest,
    status: 'PROCESSING',
    step: decision.approve ? 'file' : 'review',
    reviewedBy: context.principal.sub,
    updatedAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.repository.commit({
      ownerId: upload.ownerId,
      uploads: [{ next, previous: upload }],
      audit: [
        auditEntry(deps, context, {
          ownerId: upload.ownerId,
          action: decision.approve ? 'upload.review-approved' : 'upload.review-rejected',
          resourceType: 'upload',
          resourceId: upload.id,
          detail: decision.approve
            ? {
                type: resume.approved ? (resume.type ?? '') : '',
                correctedFields: Object.keys(decision.fields ?? {}).join(','),
              }
            : { reason: decision.reason },
        }),
      ],
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError)
      throw new ConflictError('upload-not-ready', 'This upload was reviewed meanwhile');
    throw error;
  }
  try {
    await deps.workflow.resumeAfterReview(token, resume);
  } catch (error) {
    if (error instanceof ReviewNotPendingError)
      throw new ConflictError('upload-not-ready', 'The review period of this upload has ended');
    throw error;
  }
  return next;
}
