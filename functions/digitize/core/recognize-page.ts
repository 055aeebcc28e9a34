import type { OcrEngine, OcrPage } from './ocr-engine.ts';
import { isScanContentType } from './scan-validation.ts';
import { writeWorkingPage } from './working-pages.ts';
import { correctStackedMarks } from './vietnamese-post-correction.ts';
import { UploadStateError } from './workflow-errors.ts';
import { loadProcessingUpload, recordStep, type ReadingDeps } from './workflow-upload.ts';

/** The RecognizePage step also needs an OCR engine; only its function carries one. */
export interface RecognitionDeps extends ReadingDeps {
  ocr: OcrEngine;
}

/**
 * Workflow step (per page): OCR one page, or read its text layer, and keep the result for the
 * next steps, with the stacked-mark misreadings put back so that the stored text, the search
 * index and extraction all see the corrected page.
 */
export async function recognizeUploadPage(
  deps: RecognitionDeps,
  input: { uploadId: string; pageNumber: number },
): Promise<{ pageNumber: number; confidence: number; source: OcrPage['source'] }> {
  const upload = await recordStep(deps, await loadProcessingUpload(deps, input.uploadId), 'recognize');
  if (!isScanContentType(upload.contentType))
    throw new UploadStateError(`upload ${upload.id} has type ${upload.contentType}`);
  const read = await deps.ocr.recognizePage({
    bytes: await deps.blobs.read(upload.blobKey),
    contentType: upload.contentType,
    pageNumber: input.pageNumber,
  });
  const page = correctStackedMarks(read);
  await writeWorkingPage(deps, upload.id, input.pageNumber, page);
  return { pageNumber: page.pageNumber, confidence: page.confidence, source: page.source };
}
