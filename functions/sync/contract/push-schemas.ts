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

/** A portal link's token: 256 random bits, base64url (43 characters). */
export const portalLinkParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a portal link token'),
});
