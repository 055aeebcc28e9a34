import { z } from 'zod';
import { pageOf } from '../../platform/http/contract/schemas.ts';

export const auditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ sub: z.string(), role: z.string(), unit: z.string().optional(), ownerId: z.string().optional() }),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    outcome: z.enum(['success', 'denied', 'failed']),
    sourceIp: z.string(),
    userAgent: z.string().optional(),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .meta({ id: 'AuditEntry' });

export const historyPage = pageOf(auditEntry).meta({ id: 'HistoryPage' });

export const auditChainParams = z.strictObject({
  ownerId: z
    .string()
    .max(20)
    .regex(
      /^(\d{10,12}(-\d{3})?|templates|signing|staff|auth|integration|sync)$/,
      'must be a personal ID, an enterprise code, "templates", "signing", "staff", "auth", "integration" or "sync"',
    ),
});

export const auditChainVerification = z
  .object({
    ownerId: z.string(),
    entries: z.number().int().describe('Entries read from the chain'),
    ok: z.boolean(),
    firstBrokenLink: z
      .object({
        seq: z.number().int(),
        entryId: z.string().optional(),
        reason: z.enum(['hash-mismatch', 'previous-hash-mismatch', 'missing-entry', 'out-of-order', 'head-mismatch']),
      })
      .optional(),
  })
  .meta({ id: 'AuditChainVerification' });
