import { z } from 'zod';
import { ownerIdPattern } from '../../platform/core/principal.ts';
import { itemName, resourceId, scanContentType } from '../../platform/http/contract/schemas.ts';

export const createUploadBody = z
  .strictObject({
    fileName: itemName,
    contentType: scanContentType,
    size: z.number().int().min(1),
    folderId: resourceId.optional(),
    ownerId: z
      .string()
      .max(14)
      .regex(ownerIdPattern)
      .optional()
      .describe('Officers only: the owner (12-digit personal ID or enterprise code)'),
  })
  .meta({ id: 'CreateUpload' });

export const upload = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    status: z.enum(['PENDING_UPLOAD', 'PROCESSING', 'REVIEW', 'DONE', 'FAILED']),
    step: z.enum(['validate', 'recognize', 'classify', 'extract', 'review', 'seal', 'file']).optional(),
    proposed: z
      .object({
        type: z.string().optional(),
        fields: z.record(z.string(), z.union([z.string(), z.number()])),
        confidence: z.number(),
        text: z.string(),
        reasons: z.array(z.string()),
      })
      .optional()
      .describe('While status is REVIEW: what the workflow recognised'),
    reviewedBy: z.string().optional(),
    documentId: z.string().optional(),
    versionNumber: z.number().int().optional(),
    failureReason: z.string().optional(),
    fileName: z.string(),
    contentType: z.string(),
    declaredSize: z.number().int(),
    folderId: z.string(),
    targetDocumentId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Upload' });

export const uploadTicket = z
  .object({
    uploadId: z.string(),
    upload: z.object({
      url: z
        .string()
        .describe(
          'POST a multipart/form-data body here: every field below, then the file as the last part named "file"',
        ),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.string(),
    }),
    status: upload,
  })
  .meta({ id: 'UploadTicket' });

const fieldValues = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9]*$/, 'field names are identifiers such as fullName'),
    z.union([z.string().max(2000), z.number().finite()]),
  )
  .refine((fields) => Object.keys(fields).length <= 50, 'at most 50 fields');

export const reviewBody = z
  .discriminatedUnion('approve', [
    z.strictObject({
      approve: z.literal(true),
      type: z
        .string()
        .regex(/^[a-z0-9-]{1,64}$/)
        .optional(),
      fields: fieldValues.optional().describe('Corrections; fields not named keep their proposed value'),
    }),
    z.strictObject({ approve: z.literal(false), reason: z.string().min(1).max(500) }),
  ])
  .meta({ id: 'ReviewDecision' });
