import middy from '@middy/core';
import { z } from 'zod';
import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { classifyUpload } from '../core/classify-upload.ts';
import { extractUpload } from '../core/extract-upload.ts';
import { failUpload } from '../core/fail-upload.ts';
import { fileUpload } from '../core/file-upload.ts';
import type { Recognition } from '../core/upload-model.ts';
import type { OcrEngine } from '../core/ocr-engine.ts';
import { recognizeUploadPage } from '../core/recognize-page.ts';
import { awaitReview } from '../core/review.ts';
import { sealStep } from '../core/seal-upload.ts';
import { validateUpload } from '../core/validate-upload.ts';
import { discardWorkingPages } from '../core/working-pages.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';

/**
 * Task handlers of digitize.asl.json. Each checks the state's input and calls one core
 * step; the core steps know nothing of Step Functions.
 */
const uploadId = z.string().uuid();
const fieldValues = z.record(z.string(), z.union([z.string(), z.number()]));
const validated = z.object({
  uploadId,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
  pageCount: z.number().int().positive(),
  pages: z.array(z.number().int().positive()),
  fieldsGiven: z.boolean(),
});
const recognition = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  fields: fieldValues,
  confidence: z.number(),
  textBlobKey: z.string().optional(),
});
const classified = z.object({
  uploadId,
  templateId: z.string().optional(),
  templateVersion: z.number().int().optional(),
  type: z.string().optional(),
  score: z.number(),
});
const reviewOutcome = z.union([
  z.object({ approved: z.literal(true), type: z.string().optional(), fields: fieldValues }),
  z.object({ approved: z.literal(false), skipped: z.literal(true) }),
]);
const sealed = z.object({
  signatureId: z.string().min(1).max(100),
  format: z.enum(['pades', 'cades-detached']),
  signedAt: z.string().datetime(),
  blobKey: z.string().regex(/^work\//),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
  contentDigest: z.string().regex(/^[0-9a-f]{64}$/),
  signedAttributesDigest: z.string().regex(/^[0-9a-f]{64}$/),
  certificateChain: z.array(z.string().min(1)).min(1),
});
const proposed = z.object({
  type: z.string().optional(),
  fields: fieldValues,
  confidence: z.number(),
  text: z.string(),
  reasons: z.array(z.string()),
});

/** What File files: the recognition, as a reviewer corrected it when there was a review. */
function reviewed(read: Recognition, review: z.infer<typeof reviewOutcome>): Recognition {
  if (!review.approved) return read;
  const sameType = (review.type ?? read.type) === read.type;
  const { title, ...rest } = read;
  return {
    ...rest,
    ...(sameType && title ? { title } : {}),
    type: review.type ?? read.type,
    fields: review.fields,
    confidence: 1,
  };
}

/**
 * The step handlers over one set of dependencies. The OCR engine is created on first use:
 * only the RecognizePage function (recognize-page.ts) carries an engine and its model.
 */
export function createWorkflowSteps(deps: VaultDeps, ocr: () => OcrEngine = noOcr) {
  const step = <T>(run: (event: unknown) => Promise<T>) => middy<unknown, T>().handler(run);
  return {
    validate: step((event) => validateUpload(deps, z.object({ uploadId }).parse(event))),
    recognize: step((event) =>
      recognizeUploadPage(
        { ...deps, ocr: ocr() },
        z.object({ uploadId, pageNumber: z.number().int().positive() }).parse(event),
      ),
    ),
    classify: step((event) =>
      classifyUpload(deps, z.object({ uploadId, pageCount: z.number().int().positive() }).parse(event)),
    ),
    extract: step((event) =>
      extractUpload(deps, z.object({ classified, pageCount: z.number().int().positive() }).parse(event)),
    ),
    review: step(async (event) => {
      const input = z.object({ uploadId, taskToken: z.string().min(1).max(4096), proposed }).parse(event);
      await awaitReview(deps, input);
      return { uploadId: input.uploadId, status: 'REVIEW' };
    }),
    seal: step((event) => sealStep(deps, z.object({ uploadId }).parse(event).uploadId)),
    file: step(async (event) => {
      const input = z.object({ validated, recognition, review: reviewOutcome, sealed: sealed.nullable() }).parse(event);
      const filed = await fileUpload(deps, {
        ...input.validated,
        recognition: reviewed(input.recognition, input.review),
        ...(input.sealed ? { sealed: input.sealed } : {}),
      });
      await discardWorkingPages(deps, input.validated.uploadId, input.validated.pageCount);
      return filed;
    }),
    fail: step(async (event) => {
      const input = z
        .object({ uploadId, error: z.object({ Error: z.string(), Cause: z.string().optional() }) })
        .parse(event);
      await failUpload(deps, {
        uploadId: input.uploadId,
        error: input.error.Error,
        ...(input.error.Cause ? { cause: input.error.Cause } : {}),
      });
      return { uploadId: input.uploadId, status: 'FAILED' };
    }),
  };
}

function noOcr(): OcrEngine {
  throw new Error('this function has no OCR engine; pages are read by the RecognizePage function');
}

let steps: ReturnType<typeof createWorkflowSteps> | undefined;
const awsSteps = () => (steps ??= createWorkflowSteps(awsVaultDeps()));

// digitize.asl.json hands every step the upload id, which its logs carry as correlation id.
const byUpload = { correlationIdPath: 'uploadId' };
export const validateHandler = lazyHandler(() => awsSteps().validate, byUpload);
export const classifyHandler = lazyHandler(() => awsSteps().classify, byUpload);
export const extractHandler = lazyHandler(() => awsSteps().extract, byUpload);
export const reviewHandler = lazyHandler(() => awsSteps().review, byUpload);
export const sealHandler = lazyHandler(() => awsSteps().seal, byUpload);
export const fileHandler = lazyHandler(() => awsSteps().file, byUpload);
export const failHandler = lazyHandler(() => awsSteps().fail, byUpload);
