import { createHash } from 'node:crypto';
import { inspectScan } from './scan-validation.ts';
import { UploadRejectedError, UploadStateError } from './workflow-errors.ts';
import { loadUpload, recordStep, type FilingDeps } from './workflow-upload.ts';

export interface ValidatedUpload {
  uploadId: string;
  sha256: string;
  size: number;
  pageCount: number;
  /** 1..pageCount, for the workflow's per-page Map. */
  pages: number[];
  /** A business system's result: its type and fields are given, so recognition and review are skipped. */
  fieldsGiven: boolean;
}

/** Workflow step: the stored object must be what the upload declared, and safe to process. */
export async function validateUpload(deps: FilingDeps, input: { uploadId: string }): Promise<ValidatedUpload> {
  const upload = await recordStep(deps, await loadUpload(deps, input.uploadId), 'validate');
  if (upload.status === 'DONE' || upload.status === 'FAILED')
    throw new UploadStateError(`upload ${upload.id} is ${upload.status}`);
  const head = await deps.blobs.head(upload.blobKey);
  if (!head) throw new UploadRejectedError('The uploaded file is missing');
  if (head.size !== upload.declaredSize || head.size > deps.policy.maxUploadBytes) {
    throw new UploadRejectedError('The uploaded file does not have the declared size');
  }
  const bytes = await deps.blobs.read(upload.blobKey);
  const inspection = await inspectScan(bytes, upload.contentType, {
    maxPixels: deps.policy.maxImagePixels,
    maxPages: deps.policy.maxPdfPages,
  });
  if (!inspection.ok) throw new UploadRejectedError(inspection.detail);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (upload.given && upload.given.sha256 !== sha256) {
    throw new UploadRejectedError('The uploaded file does not have the declared SHA-256');
  }
  return {
    uploadId: upload.id,
    sha256,
    size: bytes.byteLength,
    pageCount: inspection.pageCount,
    pages: Array.from({ length: inspection.pageCount }, (_, index) => index + 1),
    fieldsGiven: upload.given !== undefined,
  };
}
