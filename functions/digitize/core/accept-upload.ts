import type { FilingDeps } from './workflow-upload.ts';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { Upload } from './upload-model.ts';
import { uploadIdFromKey } from './uploads.ts';

/**
 * An object arrived for an upload (S3 event). Marks the upload PROCESSING and starts the
 * workflow. Duplicate events are harmless: the status change is conditional and the
 * execution is named after the upload.
 */
export async function acceptUploadedObject(
  deps: FilingDeps,
  object: { key: string; size: number },
): Promise<{ uploadId: string; started: boolean } | undefined> {
  const uploadId = uploadIdFromKey(object.key);
  const upload = uploadId ? await deps.repository.getUpload(uploadId) : undefined;
  if (!uploadId || !upload) return undefined;
  if (upload.status === 'PENDING_UPLOAD') {
    const next: Upload = {
      ...upload,
      status: 'PROCESSING',
      step: 'validate',
      updatedAt: deps.clock.now().toISOString(),
    };
    try {
      await deps.repository.commit({ ownerId: upload.ownerId, uploads: [{ next, previous: upload }], audit: [] });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  } else if (upload.status !== 'PROCESSING') {
    // A presigned POST stays usable until it expires (S3 cannot make it single-use): bytes
    // posted again after the upload finished are never filed, so they are not kept either.
    await deps.blobs.delete(object.key);
    return { uploadId, started: false };
  }
  const { alreadyStarted } = await deps.workflow.startDigitization({ uploadId });
  return { uploadId, started: !alreadyStarted };
}
