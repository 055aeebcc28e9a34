import type { z } from 'zod';

/** Shapes a record for the wire through its response schema, dropping internal fields (blob keys, trash links). */
export function present<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  return schema.parse(value);
}
