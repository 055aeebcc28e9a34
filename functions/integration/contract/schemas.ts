import { z } from 'zod';
import { ownerIdPattern } from '../../platform/core/principal.ts';
import { scanContentType } from '../../platform/http/contract/schemas.ts';
import { upload as uploadStatus, uploadTicket } from '../../digitize/contract/schemas.ts';
import { maxResultFields, resultIdPattern } from '../core/result-request.ts';

/*
 * Shapes and bounds only: the rules (owner ID, code forms, no control characters, dates, the
 * upload policy's types and size) are checked by the core, which audits what it refuses.
 */

export const resultIdParams = z.strictObject({
  id: z.string().regex(resultIdPattern).describe('A result id, as fileResult answered it'),
});

export const fileResultBody = z
  .strictObject({
    ownerId: z.string().max(14).describe('The owner: a 12-digit personal ID or an enterprise code'),
    resultType: z.string().max(64).describe('Result-type code (MaKetQua), e.g. KQ.G15.000031'),
    number: z.string().max(100).describe('SoKyHieu: the number the issuer gave the paper'),
    issuer: z
      .strictObject({
        code: z.string().max(32).optional().describe('Agency code, e.g. 000.00.01.H22'),
        name: z.string().max(300).optional(),
      })
      .describe('The issuing body (CoQuanChuQuan): its code, its name, or both'),
    procedureCode: z.string().max(32).describe('MaTTHC, e.g. 1.000046 or 1.004616.000.00.00.H56'),
    caseNumber: z.string().max(64).describe('MaHoSo: the case the result closes'),
    issueDate: z.string().max(10).describe('YYYY-MM-DD'),
    expiryDate: z.string().max(10).optional().describe('YYYY-MM-DD'),
    summary: z.string().max(1000).optional(),
    fields: z
      .record(z.string().max(64), z.string().max(2000))
      .optional()
      .describe(`At most ${maxResultFields} fields, named as identifiers (fullName)`),
    replaces: z
      .string()
      .max(64)
      .optional()
      .describe('MaKetQuaThayThe: the id of a result of the same owner this one replaces (a new version)'),
    file: z.strictObject({
      contentType: scanContentType,
      size: z.number().int().describe('Exact size in bytes, within the upload limit (20 MiB by default)'),
      sha256: z.string().max(64).describe('Hex SHA-256 of the file: the same identity and hash is a repeat'),
    }),
  })
  .meta({ id: 'FileResult' });

export const revokeResultBody = z.strictObject({ reason: z.string().min(1).max(500) }).meta({ id: 'RevokeResult' });

export const resultStatus = z
  .object({
    id: z.string(),
    resultType: z.string(),
    number: z.string(),
    ownerId: z.string().regex(ownerIdPattern),
    state: uploadStatus.shape.status.describe('PENDING_UPLOAD until the file is posted, then the workflow state'),
    step: uploadStatus.shape.step,
    failureReason: z.string().optional(),
    documentId: z.string().optional().describe('Once filed'),
    versionNumber: z.number().int().optional(),
    replaces: z.string().optional(),
    replacedBy: z.string().optional().describe('The result that replaced this one'),
    revoked: z.boolean(),
    revokedAt: z.string().optional(),
    revocationReason: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ResultStatus' });

export const resultReceipt = z
  .object({
    resultId: z.string(),
    created: z.boolean().describe('False when the same identity and content was filed before (answered 200)'),
    upload: uploadTicket.shape.upload
      .optional()
      .describe('The POST to make while the file has not arrived (fresh on a repeat)'),
    status: resultStatus,
  })
  .meta({ id: 'ResultReceipt' });
