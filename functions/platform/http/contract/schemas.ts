import { z } from 'zod';

/** Identifiers we issue: UUIDs and the fixed ids of default folders. */
export const resourceId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be an identifier we issued');

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'must be a real calendar date');

export const text = (max: number) => z.string().max(max);

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2048).optional(),
});

export const idParams = z.strictObject({ id: resourceId });

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  titleVi: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem' });
