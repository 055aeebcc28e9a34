import { z } from 'zod';
import { syncStates } from '../core/sync-record.ts';

export const syncStatus = z
  .object({
    counts: z.record(z.enum(syncStates), z.number().int()),
    truncated: z.boolean(),
    dead: z.array(
      z.object({
        ownerId: z.string(),
        documentId: z.string(),
        versionNumber: z.number().int(),
        attempts: z.number().int(),
        lastError: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'SyncStatus' });

export const syncRedrive = z
  .object({
    reset: z.number().int(),
    deadLetters: z.union([z.number().int(), z.literal('started')]),
  })
  .meta({ id: 'SyncRedrive' });
