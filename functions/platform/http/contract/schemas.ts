import { z } from 'zod';

/** Identifiers we issue: UUIDs and the fixed ids of default folders. */
export const resourceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'must be an identifier we issued');

/** A calendar date; the pattern zod emits is calendar-exact (2024-02-30 never matches). */
export const isoDate = z.iso.date('must be a real calendar date YYYY-MM-DD');

/**
 * A folder or file name, as far as JSON Schema can say the core's rules: 1 to 120
 * characters with something visible, not "." or "..", no slash, backslash, control,
 * line-separator or invisible formatting character (spelled as ranges, since fuzzers do not
 * read \p{…} classes, and "." rather than JavaScript's own "[^]", which Python reads as a class). The core also
 * takes the NFC form and trims it before checking.
 */
export const itemName = z
  .string()
  .min(1)
  .max(120)
  .regex(
    /^(?!\s*\.{1,2}\s*$)(?=.*\S)[^\u0000-\u001F\u007F-\u009F\u00AD\u0600-\u0605\u061C\u06DD\u070F\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB/\\]+$/,
    'must be a name without slashes, control or invisible formatting characters, and not "." or ".."',
  );

export const text = (max: number) => z.string().max(max);

/** The kinds of scan the vault can check and read; a deployment may accept fewer of them. */
export const scanContentType = z
  .enum(['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'])
  .describe('One of the types this deployment accepts (all four by default; any other is refused with 422)');

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(2048)
    .regex(/^eyJ[A-Za-z0-9_-]*$/, 'must be a nextCursor of this listing')
    .optional()
    .describe('The nextCursor of the previous page of this same listing; any other value is refused (422)'),
});

/** One page of a listing: its items and, when there is more, the cursor of the next page. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

export const idParams = z.strictObject({ id: resourceId });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    titleVi: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
