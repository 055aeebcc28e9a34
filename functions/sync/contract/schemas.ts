import { z } from 'zod';
import { ownerIdPattern } from '../../platform/core/principal.ts';
import { pageOf, resourceId } from '../../platform/http/contract/schemas.ts';
import { readPurposeQuery } from '../../sharing/contract/schemas.ts';
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

/** Procedure and result-type codes as the portal writes them: `1.004616.000.00.00.H56`, `KQ.G15.000031`. */
const portalCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'letters, digits and . _ / - only, at most 100 characters');

/** A result's number (`SoKyHieu`): free text, but never control characters. */
const resultNumber = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\u0000-\u001F\u007F-\u009F]+$/, 'must not contain control characters');

export const createPullBody = z.strictObject({
  procedureCode: portalCode.describe("The procedure (MaThuTuc); for an officer, also the purpose's procedure"),
  resultCodes: z
    .array(z.strictObject({ resultTypeCode: portalCode, number: resultNumber.optional() }))
    .max(100)
    .optional(),
  ownerId: z
    .string()
    .regex(ownerIdPattern, 'must be a 12-digit personal ID or an enterprise code')
    .optional()
    .describe('Officers (required): whose papers to pull. Refused from citizens and organisations (422)'),
  caseNumber: readPurposeQuery.shape.caseNumber
    .optional()
    .describe(
      'Officers (required): the case file (hồ sơ) the pull serves. Refused from citizens and organisations (422)',
    ),
});

export const pullParams = z.strictObject({ id: resourceId });

export const pull = z.object({
  id: z.string(),
  ownerId: z.string(),
  procedureCode: z.string(),
  wanted: z.array(z.object({ resultTypeCode: z.string(), number: z.string().optional() })),
  requester: z
    .object({ sub: z.string(), role: z.string(), unit: z.string().optional() })
    .describe('Who asked: the owner, or an officer of a unit the owner consented to'),
  officer: z
    .object({ caseNumber: z.string(), consentId: z.string() })
    .optional()
    .describe("An officer's pull: the case file it serves and the owner's consent that allowed it"),
  state: z.enum(['running', 'done', 'failed']),
  reason: z.string().optional().describe('Why the pull failed'),
  fileCount: z.number().int().optional().describe('How many files the portal listed'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const pullFile = z.object({
  index: z.number().int(),
  resultTypeCode: z.string(),
  number: z.string(),
  issuingBody: z.string(),
  name: z.string(),
  fileName: z.string(),
  outcome: z.enum(['filed', 'already-in-vault', 'failed', 'rejected']),
  documentId: z.string().optional().describe('The document filed, or the one already holding this paper'),
  reason: z.string().optional().describe('Why the file failed or was rejected'),
  at: z.string(),
});

export const pullReport = z.object({ pull, files: z.array(pullFile) });
