import { z } from 'zod';
import { resourceId } from '../../platform/http/contract/schemas.ts';

/** Procedure and result-type codes as the portal writes them: `1.004616.000.00.00.H56`, `KQ.G15.000031`. */
const portalCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'letters, digits and . _ / - only, at most 100 characters');

/** A result's number (`SoKyHieu`): free text, but never control characters. */
const resultNumber = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\u0000-\u001F\u007F-\u009F]+$/, 'must not contain control characters');

export const createPullBody = z.strictObject({
  procedureCode: portalCode,
  resultCodes: z
    .array(z.strictObject({ resultTypeCode: portalCode, number: resultNumber.optional() }))
    .max(100)
    .optional(),
});

export const pullParams = z.strictObject({ id: resourceId });

export const pull = z.object({
  id: z.string(),
  ownerId: z.string(),
  procedureCode: z.string(),
  wanted: z.array(z.object({ resultTypeCode: z.string(), number: z.string().optional() })),
  state: z.enum(['running', 'done', 'failed']),
  reason: z.string().optional().describe('Why the pull failed'),
  fileCount: z.number().int().optional().describe('How many files the portal listed'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const pullFile = z.object({
  index: z.number().int(),
  resultTypeCode: z.string(),
  number: z.string(),
  issuingBody: z.string(),
  name: z.string(),
  fileName: z.string(),
  outcome: z.enum(['filed', 'already-in-vault', 'failed', 'rejected']),
  documentId: z.string().optional().describe('The document filed, or the one already holding this paper'),
  reason: z.string().optional().describe('Why the file failed or was rejected'),
  at: z.string(),
});

export const pullReport = z.object({ pull, files: z.array(pullFile) });
