import type { BlobStore } from '../../platform/core/blob-store.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import type { OcrPage } from './ocr-engine.ts';

/**
 * Pages travel between the reading steps of the workflow (RecognizePage, Classify, Extract)
 * as objects in the store (`work/<uploadId>/…`), not in the state machine's payload, which
 * is limited in size.
 */
const pageKey = objectKeys.recognitionPage;

type PagesDeps = { blobs: BlobStore };

export async function writeWorkingPage(
  deps: PagesDeps,
  uploadId: string,
  pageNumber: number,
  page: OcrPage,
): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(page));
  await deps.blobs.write(pageKey(uploadId, pageNumber), bytes, 'application/json');
}

export async function readWorkingPages(deps: PagesDeps, uploadId: string, pageCount: number): Promise<OcrPage[]> {
  const pages: OcrPage[] = [];
  for (let pageNumber = 1; pageNumber <= pageCount; pageNumber += 1) {
    pages.push(JSON.parse(new TextDecoder().decode(await deps.blobs.read(pageKey(uploadId, pageNumber)))) as OcrPage);
  }
  return pages;
}

/** Removes the per-page results once the upload is filed or failed. */
export async function discardWorkingPages(deps: PagesDeps, uploadId: string, pageCount: number): Promise<void> {
  for (let pageNumber = 1; pageNumber <= pageCount; pageNumber += 1)
    await deps.blobs.delete(pageKey(uploadId, pageNumber));
}
