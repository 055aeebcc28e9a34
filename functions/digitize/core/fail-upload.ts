import { objectKeys } from '../../platform/storage/schema.ts';
import type { FilingDeps } from './workflow-upload.ts';
import { auditEntry, workflowContext } from '../../audit/core/audit.ts';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import { workflowErrors } from './workflow-errors.ts';

/** Reasons shown to users; anything unexpected becomes a generic reason (details stay in logs). */
function failureReason(error: { error: string; cause?: string }): string {
  if (error.error === workflowErrors.reviewRejected && error.cause) {
    return `Rejected at review: ${error.cause.slice(0, 500)}`;
  }
  // These carry a message written for people: what is wrong with the file, never its content.
  const message = lambdaErrorMessage(error.cause);
  if (message && error.error === workflowErrors.uploadRejected) return message;
  if (message && error.error === workflowErrors.ocrInput) return `The scan could not be read: ${message}`;
  if (message && error.error === workflowErrors.sealNotConfigured) return message;
  return 'The document could not be processed; please try again or contact support';
}

/** The message of a Lambda error as Step Functions reports it (a JSON cause). */
function lambdaErrorMessage(cause: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(cause ?? '{}') as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Workflow catch-all: the upload becomes FAILED with a reason and the object is moved to
 * quarantine, so nothing half-filed remains in the vault.
 */
export async function failUpload(
  deps: FilingDeps,
  input: { uploadId: string; error: string; cause?: string },
): Promise<void> {
  const upload = await deps.repository.getUpload(input.uploadId);
  if (!upload || upload.status === 'DONE' || upload.status === 'FAILED') return;
  if (await deps.blobs.head(upload.blobKey)) {
    await deps.blobs.copy(upload.blobKey, objectKeys.quarantine(upload.id));
    await deps.blobs.delete(upload.blobKey);
  }
  const reason = failureReason(input);
  const now = deps.clock.now().toISOString();
  try {
    await deps.repository.commit({
      ownerId: upload.ownerId,
      uploads: [{ next: { ...upload, status: 'FAILED', failureReason: reason, updatedAt: now }, previous: upload }],
      audit: [
        auditEntry(deps, workflowContext, {
          ownerId: upload.ownerId,
          action: 'upload.fail',
          resourceType: 'upload',
          resourceId: upload.id,
          outcome: 'failed',
          detail: { reason, error: input.error },
        }),
      ],
    });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
}
