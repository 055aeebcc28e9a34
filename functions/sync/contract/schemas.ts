import { z } from 'zod';
import { pageOf } from '../../platform/http/contract/schemas.ts';
import { webhookEvents } from '../core/webhooks.ts';

/** A unit code (e.g. PC06, C06), or `*` for any unit. */
const unitCode = z
  .string()
  .max(32)
  .regex(/^(\*|[A-Z0-9][A-Z0-9.-]{0,31})$/, 'must be a unit code (upper-case letters, digits, dots, dashes) or *');
/** A document type: a result-type code like KQ.G15.000031 or a vault type key, or `*` for any type. */
const documentType = z
  .string()
  .max(64)
  .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/, 'must be a document-type code or *');

export const syncRuleParams = z.strictObject({ unit: unitCode, documentType });

export const syncRuleBody = z.strictObject({
  push: z.enum(['immediate', 'hourly', 'never']).describe('Push to the national warehouse'),
  shareWith: z
    .array(
      z
        .string()
        .max(32)
        .regex(/^[A-Z0-9][A-Z0-9.-]{0,31}$/, 'must be a unit code'),
    )
    .max(200)
    .describe('Units whose systems read these documents in the change feed and webhooks'),
  retention: z.union([z.int().min(1).max(36_500), z.literal('keep')]).describe('Days to keep, or keep (no limit)'),
});

export const syncRule = z.object({
  unit: z.string(),
  documentType: z.string(),
  push: z.enum(['immediate', 'hourly', 'never']),
  shareWith: z.array(z.string()),
  retention: z.union([z.int(), z.literal('keep')]),
});

export const syncPolicy = z.object({ version: z.int(), rules: z.array(syncRule) });

export const syncPolicyVersion = z.object({
  version: z.int(),
  rules: z.array(syncRule),
  createdAt: z.string(),
  createdBy: z.string(),
  change: z.object({ kind: z.enum(['put', 'delete']), unit: z.string(), documentType: z.string() }),
});

export const syncPolicyVersionList = z.object({ items: z.array(syncPolicyVersion) });

export const changesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .max(600)
    .regex(/^eyJ[A-Za-z0-9_-]*$/, 'must be a nextCursor of the change feed')
    .optional()
    .describe('The nextCursor of the previous read; any other value is refused (422)'),
});

export const documentChange = z.object({
  documentId: z.string(),
  ownerId: z.string(),
  type: z.string(),
  number: z.string().optional(),
  issuer: z.string().optional(),
  issuingUnit: z.string().optional(),
  version: z.int(),
  change: z.enum(['filed', 'revoked']),
  at: z.string(),
});

export const changesPage = z.object({
  items: z.array(documentChange),
  nextCursor: z.string().describe('Always present: read again from here later'),
  caughtUp: z.boolean().describe('True when the read reached the present end of the feed'),
});

export const registerWebhookBody = z.strictObject({
  url: z.string().max(2048).describe('HTTPS in deployed stages; a public address only'),
  events: z.array(z.enum(webhookEvents)).min(1).max(webhookEvents.length),
});

export const webhook = z.object({
  id: z.string(),
  unit: z.string(),
  clientId: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  enabled: z.boolean(),
  disabledAt: z.string().optional(),
  consecutiveFailures: z.int(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const registeredWebhook = webhook.extend({
  secret: z.string().describe('The HMAC-SHA256 key of the signatures: shown this once'),
});

export const webhookList = z.object({ items: z.array(webhook) });

export const webhookDeliveryPage = pageOf(
  z.object({
    id: z.string(),
    webhookId: z.string(),
    event: z.enum(webhookEvents),
    documentId: z.string(),
    version: z.int(),
    attempt: z.int(),
    at: z.string(),
    outcome: z.enum(['delivered', 'failed']),
    status: z.int().optional(),
    latencyMs: z.number(),
    error: z.string().optional(),
  }),
);

export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(300)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor of this listing')
    .optional(),
});
