import { InvalidInputError } from '../../platform/core/errors.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import { loadUpload, recordStep, UploadStateError, uploaderContext } from './filing.ts';
import type { ProposedRecognition, Recognition, Upload } from './upload-model.ts';
import type { OcrEngine, OcrPage } from './ocr-engine.ts';
import { isEnterpriseCode, isPersonalId } from '../../auth/core/principal.ts';
import { isScanContentType } from './scan-validation.ts';
import { classifyDocument } from '../../templates/core/classify.ts';
import { extractFields } from '../../templates/core/extract.ts';
import { usableTemplates } from '../../templates/core/manage-templates.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { UploadStore } from './upload-store.ts';
import type { AuditHistory } from '../../audit/core/history.ts';

/**
 * The reading steps of the digitize workflow: OCR each page, classify the document
 * against the templates the uploader may use, extract its fields, and decide whether a
 * person must review before filing. Pages travel between steps as objects in the store
 * (`work/<uploadId>/…`), not in the state machine's payload, which is limited in size.
 */
export interface ReadingDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'templates'> {
  repository: UnitOfWork & UploadStore & AuditHistory;
}

export interface RecognitionDeps extends ReadingDeps {
  ocr: OcrEngine;
}

const pageKey = objectKeys.recognitionPage;
const textKey = (upload: Upload) => objectKeys.recognisedText(upload.ownerId, upload.id);

/** Text kept in the payload for the reviewer; the whole text is stored with the document. */
const maxProposedText = 20_000;

async function processing(deps: ReadingDeps, uploadId: string): Promise<Upload> {
  const upload = await loadUpload(deps, uploadId);
  if (upload.status !== 'PROCESSING') throw new UploadStateError(`upload ${uploadId} is ${upload.status}`);
  return upload;
}

/** Workflow step (per page): OCR one page, or read its text layer, and keep the result for the next steps. */
export async function recognizeUploadPage(
  deps: RecognitionDeps,
  input: { uploadId: string; pageNumber: number },
): Promise<{ pageNumber: number; confidence: number; source: OcrPage['source'] }> {
  const upload = await recordStep(deps, await processing(deps, input.uploadId), 'recognize');
  if (!isScanContentType(upload.contentType)) throw new UploadStateError(`upload ${upload.id} has type ${upload.contentType}`);
  const page = await deps.ocr.recognizePage({
    bytes: await deps.blobs.read(upload.blobKey), contentType: upload.contentType, pageNumber: input.pageNumber,
  });
  await deps.blobs.write(pageKey(upload.id, input.pageNumber), new TextEncoder().encode(JSON.stringify(page)), 'application/json');
  return { pageNumber: page.pageNumber, confidence: page.confidence, source: page.source };
}

async function readPages(deps: ReadingDeps, uploadId: string, pageCount: number): Promise<OcrPage[]> {
  const pages: OcrPage[] = [];
  for (let pageNumber = 1; pageNumber <= pageCount; pageNumber += 1) {
    pages.push(JSON.parse(new TextDecoder().decode(await deps.blobs.read(pageKey(uploadId, pageNumber)))) as OcrPage);
  }
  return pages;
}

export interface ClassifiedUpload {
  uploadId: string;
  templateId?: string;
  templateVersion?: number;
  type?: string;
  score: number;
}

/** Workflow step: picks the best template the uploader may use, by score. */
export async function classifyUpload(deps: ReadingDeps, input: { uploadId: string; pageCount: number }): Promise<ClassifiedUpload> {
  const upload = await recordStep(deps, await processing(deps, input.uploadId), 'classify');
  const context = uploaderContext(upload);
  const pages = await readPages(deps, upload.id, input.pageCount);
  const { best, candidates } = classifyDocument(pages, await usableTemplates(deps, context), context.principal);
  if (!best) return { uploadId: upload.id, score: candidates[0]?.score ?? 0 };
  return { uploadId: upload.id, templateId: best.templateId, templateVersion: best.templateVersion, type: best.key, score: best.score };
}

export interface ExtractedUpload {
  recognition: Recognition;
  needsReview: boolean;
  proposed: ProposedRecognition;
}

/** The owner an issued document names must be the owner the officer uploaded it for. */
function ownerMismatch(upload: Upload, fields: Recognition['fields']): string | undefined {
  for (const name of ['personalId', 'enterpriseCode'] as const) {
    const value = fields[name];
    if (typeof value !== 'string') continue;
    const isIdentifier = name === 'personalId' ? isPersonalId(value) : isEnterpriseCode(value);
    if (isIdentifier && value !== upload.ownerId) return `the document names ${name} ${value}, not the owner ${upload.ownerId}`;
  }
  return undefined;
}

/**
 * Workflow step: extracts the chosen template's fields, stores the recognised text, and
 * decides whether someone must look before filing. An officer's upload is reviewed when
 * it is unclassified, below the confidence threshold, or names another owner. A citizen's
 * own scan never waits: it is filed with its type and fields when they were read
 * confidently, and with its text only otherwise (the citizen can add metadata later).
 */
export async function extractUpload(deps: ReadingDeps, input: { classified: ClassifiedUpload; pageCount: number }): Promise<ExtractedUpload> {
  const { classified } = input;
  const upload = await recordStep(deps, await processing(deps, classified.uploadId), 'extract');
  const pages = await readPages(deps, upload.id, input.pageCount);
  const text = pages.map((page) => page.text).join('\f');
  const textBlobKey = textKey(upload);
  await deps.blobs.write(textBlobKey, new TextEncoder().encode(text), 'text/plain; charset=utf-8');

  const template = classified.templateId && classified.templateVersion
    ? await deps.templates.getTemplateVersion(classified.templateId, classified.templateVersion)
    : undefined;
  if (classified.templateId && !template) throw new InvalidInputError(`template ${classified.templateId} v${classified.templateVersion} is gone`);
  const extraction = template ? extractFields(template, pages) : undefined;
  const fields = extraction?.fields ?? {};
  const confidence = extraction?.confidence ?? 0;
  const issued = upload.source === 'issued';
  const reasons: string[] = [];
  if (!template && issued) reasons.push('the document matches no template');
  if (template && confidence < deps.policy.reviewConfidence) {
    reasons.push(`confidence ${confidence.toFixed(2)} is below ${deps.policy.reviewConfidence}`);
  }
  const mismatch = issued ? ownerMismatch(upload, fields) : undefined;
  if (mismatch) reasons.push(mismatch);
  const trusted = template !== undefined && (issued || confidence >= deps.policy.reviewConfidence);
  const recognition: Recognition = {
    ...(trusted ? { type: template.key, title: template.name } : {}),
    fields: trusted ? fields : {},
    confidence,
    textBlobKey,
  };
  return {
    recognition,
    needsReview: issued && reasons.length > 0,
    proposed: { ...(template ? { type: template.key } : {}), fields, confidence, text: text.slice(0, maxProposedText), reasons },
  };
}

/** Removes the per-page results once the upload is filed or failed. */
export async function discardWorkingPages(deps: ReadingDeps, uploadId: string, pageCount: number): Promise<void> {
  for (let pageNumber = 1; pageNumber <= pageCount; pageNumber += 1) await deps.blobs.delete(pageKey(uploadId, pageNumber));
}
