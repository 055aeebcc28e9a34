import { z } from 'zod';
import { recognitionTemplateSchema } from '../core/template-model.ts';

export const template = recognitionTemplateSchema.meta({ id: 'RecognitionTemplate' });

export const templateList = z.object({ items: z.array(template) }).meta({ id: 'TemplateList' });

export const createTemplateBody = recognitionTemplateSchema
  .omit({ version: true, createdAt: true, createdBy: true })
  .meta({ id: 'CreateTemplate' });

export const updateTemplateBody = recognitionTemplateSchema
  .pick({ name: true, key: true, identification: true, fields: true, stopLabels: true })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one part of the template to change')
  .meta({ id: 'UpdateTemplate', minProperties: 1 });

export const templateTestBody = z
  .strictObject({
    contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']),
    sample: z
      .base64()
      .max(6 * 1024 * 1024)
      .describe('The sample scan, base64 (at most about 4.5 MB of file)'),
  })
  .meta({ id: 'TemplateTest' });

export const templateTestResult = z
  .object({
    templateId: z.string(),
    version: z.number().int(),
    score: z.number(),
    fields: z.record(z.string(), z.union([z.string(), z.number()])),
    details: z.array(
      z.object({
        name: z.string(),
        value: z.union([z.string(), z.number()]).nullable(),
        raw: z.string().nullable(),
        confidence: z.number(),
      }),
    ),
    confidence: z.number(),
    text: z.string(),
  })
  .meta({ id: 'TemplateTestResult' });

export const templatePermissionsBody = recognitionTemplateSchema.shape.permissions.meta({ id: 'TemplatePermissions' });
