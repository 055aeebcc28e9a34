import { randomBytes } from 'node:crypto';
import { auditEntry } from '../../audit/core/audit.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { ConcurrentUpdateError, ConflictError, NotFoundError } from '../../platform/core/errors.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import {
  changesForUnit,
  decodeFeedCursor,
  encodeFeedCursor,
  presentPosition,
  type ChangeFeedDeps,
  type ChangeKind,
  type DocumentChange,
} from './change-feed.ts';
import { requireUnitSystem, syncAuditOwner } from './sync-audit.ts';
import { checkWebhookTarget, type HostResolver, type WebhookTargetRules } from './webhook-target.ts';
import type { WebhookSecretCipher } from './webhook-secrets.ts';
import { signWebhookBody, webhookHeaders } from './webhook-signature.ts';

export const webhookEvents = ['document.filed', 'document.revoked'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];
const eventOf = (kind: ChangeKind): WebhookEvent => `document.${kind}`;

export interface Webhook {
  id: string;
  unit: string;
  clientId: string;
  url: string;
  events: WebhookEvent[];
  /** The HMAC key, sealed to this webhook and unit; the unit got it in clear once, at registration. */
  sealedSecret?: string;
  /**
   * Only on webhooks registered before secrets were sealed: the key in clear. It may have been
   * read from the table or a backup already, so it is never used again (see `retireClearSecret`).
   */
  secret?: string;
  enabled: boolean;
  disabledAt?: string;
  consecutiveFailures: number;
  /** When the worker may try again (after a failure's backoff). */
  nextAttemptAt: string;
  /** The webhook's place in the change feed: past what it delivered. */
  cursor: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  documentId: string;
  version: number;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed';
  /** The receiver's HTTP status; absent when no answer came. */
  status?: number;
  latencyMs: number;
  error?: string;
}

export interface WebhookStore {
  createWebhook(webhook: Webhook, audit: AuditEntry[]): Promise<void>;
  getWebhook(id: string): Promise<Webhook | undefined>;
  listUnitWebhooks(unit: string): Promise<Webhook[]>;
  listEnabledWebhooks(): Promise<Webhook[]>;
  /** Fails with ConcurrentUpdateError when the stored webhook is no longer `previous`. */
  saveWebhook(next: Webhook, previous: Webhook, audit?: AuditEntry[]): Promise<void>;
  /** Removes the webhook (its delivery log expires on its own); audited in the same transaction. */
  deleteWebhook(webhook: Webhook, audit: AuditEntry[]): Promise<void>;
  recordDelivery(delivery: WebhookDelivery): Promise<void>;
  /** Newest first. */
  listDeliveries(webhookId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
}

/**
 * Sends one delivery to one of `addresses` (those the target check vetted, never a fresh
 * resolution), with the URL's host name as TLS server name and Host header; answers the
 * receiver's status (redirects are not followed), or throws when no answer came.
 */
export type WebhookSender = (request: {
  url: URL;
  addresses: string[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}) => Promise<number>;

export interface WebhookDeliverySettings {
  /** The first retry's delay; each further failure doubles it (with jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A webhook is disabled after this many failed attempts in a row. */
  maxConsecutiveFailures: number;
  timeoutMs: number;
  /** Changes sent per webhook per round. */
  batchSize: number;
}

export const defaultDeliverySettings: WebhookDeliverySettings = {
  baseDelayMs: 10_000,
  maxDelayMs: 3_600_000,
  maxConsecutiveFailures: 8,
  timeoutMs: 10_000,
  batchSize: 20,
};

export interface WebhookDeps extends ChangeFeedDeps {
  webhooks: WebhookStore;
  resolveHost: HostResolver;
  webhookTargets: WebhookTargetRules;
  sendWebhook: WebhookSender;
  deliverySettings: WebhookDeliverySettings;
  webhookSecrets: WebhookSecretCipher;
}

/** The wire view of a webhook: never its secret, sealed or not. */
export function publicWebhook({ secret: _secret, sealedSecret: _sealed, cursor: _cursor, ...rest }: Webhook) {
  return rest;
}

/**
 * Registers a webhook for the caller's unit. It starts at the present end of the feed: what was
 * filed before is read from the feed, not replayed. The secret is answered here only; what is
 * stored is sealed to this webhook and unit.
 */
export async function registerWebhook(
  deps: WebhookDeps,
  context: RequestContext,
  request: { url: string; events: WebhookEvent[] },
): Promise<{ webhook: Webhook; secret: string }> {
  const caller = await requireUnitSystem(deps, context, 'sync:read', 'registerWebhook');
  const { url } = await checkWebhookTarget(request.url, deps.webhookTargets, deps.resolveHost);
  const now = deps.clock.now().toISOString();
  const id = deps.ids.newId();
  const secret = randomBytes(32).toString('base64url');
  const webhook: Webhook = {
    id,
    unit: caller.unit,
    clientId: caller.clientId,
    url: url.href,
    events: [...new Set(request.events)],
    sealedSecret: await deps.webhookSecrets.seal(secret, { webhookId: id, unit: caller.unit }),
    enabled: true,
    consecutiveFailures: 0,
    nextAttemptAt: now,
    cursor: encodeFeedCursor(presentPosition(deps)),
    createdAt: now,
    updatedAt: now,
  };
  const audit = auditEntry(deps, context, {
    ownerId: syncAuditOwner,
    action: 'webhook.register',
    resourceType: 'webhook',
    resourceId: webhook.id,
    detail: { unit: webhook.unit, host: url.host, events: webhook.events.join(',') },
  });
  await deps.webhooks.createWebhook(webhook, [audit]);
  return { webhook, secret };
}

export async function listWebhooks(deps: WebhookDeps, context: RequestContext): Promise<Webhook[]> {
  const { unit } = await requireUnitSystem(deps, context, 'sync:read', 'listWebhooks');
  return deps.webhooks.listUnitWebhooks(unit);
}

/** A unit reads its own webhooks' deliveries; another unit's webhook looks missing. */
export async function listWebhookDeliveries(
  deps: WebhookDeps,
  context: RequestContext,
  webhookId: string,
  page: PageRequest,
): Promise<Page<WebhookDelivery>> {
  await ownWebhook(deps, context, webhookId, 'listWebhookDeliveries');
  return deps.webhooks.listDeliveries(webhookId, page);
}

/** One of the caller's unit's webhooks; another unit's looks missing. */
async function ownWebhook(deps: WebhookDeps, context: RequestContext, webhookId: string, operation: string) {
  const { unit } = await requireUnitSystem(deps, context, 'sync:read', operation);
  const webhook = await deps.webhooks.getWebhook(webhookId);
  if (!webhook || webhook.unit !== unit) throw new NotFoundError('Webhook');
  return webhook;
}

function webhookAudit(deps: WebhookDeps, context: RequestContext, action: string, webhook: Webhook) {
  return auditEntry(deps, context, {
    ownerId: syncAuditOwner,
    action,
    resourceType: 'webhook',
    resourceId: webhook.id,
    detail: { unit: webhook.unit },
  });
}

/**
 * Enables a webhook again (after it was disabled for failing): its failures are forgotten and it
 * goes on from where its cursor stands, so what it missed is delivered.
 */
export async function enableWebhook(deps: WebhookDeps, context: RequestContext, webhookId: string): Promise<Webhook> {
  // The delivery worker writes the webhook too (cursor, failures): read again when it got there first.
  return retryOnConcurrentUpdate(async () => {
    const webhook = await ownWebhook(deps, context, webhookId, 'enableWebhook');
    if (!webhook.sealedSecret) {
      throw new ConflictError(
        'conflict',
        'This webhook was registered before secrets were encrypted at rest; delete it and register it again for a new secret',
      );
    }
    const now = deps.clock.now().toISOString();
    const { disabledAt: _disabledAt, ...rest } = webhook;
    const next: Webhook = { ...rest, enabled: true, consecutiveFailures: 0, nextAttemptAt: now, updatedAt: now };
    await deps.webhooks.saveWebhook(next, webhook, [webhookAudit(deps, context, 'webhook.enable', webhook)]);
    return next;
  });
}

export async function deleteWebhook(deps: WebhookDeps, context: RequestContext, webhookId: string): Promise<void> {
  await retryOnConcurrentUpdate(async () => {
    const webhook = await ownWebhook(deps, context, webhookId, 'deleteWebhook');
    await deps.webhooks.deleteWebhook(webhook, [webhookAudit(deps, context, 'webhook.delete', webhook)]);
  });
}

/** Exponential backoff with full jitter on the upper half: base·2^(n−1), halved to doubled at random. */
export function retryDelayMs(settings: WebhookDeliverySettings, failures: number, random = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The delivery body: the change, named as its event, with a delivery id receivers can deduplicate on. */
function deliveryBody(deliveryKey: string, change: DocumentChange): string {
  return JSON.stringify({ id: deliveryKey, event: eventOf(change.change), change });
}

/**
 * One round of the delivery worker: each enabled webhook that is due gets the next changes its
 * unit may see, in feed order, each signed; the cursor moves past a change only once it is
 * delivered (at least once). A failure stops that webhook's round and schedules a retry with
 * backoff; after `maxConsecutiveFailures` in a row the webhook is disabled. Every attempt is logged.
 * A webhook whose secret is still stored in clear is disabled instead (`retireClearSecret`).
 */
export async function deliverDueWebhooks(deps: Omit<WebhookDeps, 'repository'>): Promise<void> {
  const now = deps.clock.now();
  for (const webhook of await deps.webhooks.listEnabledWebhooks()) {
    try {
      if (!webhook.sealedSecret) await retireClearSecret(deps, webhook);
      else if (Date.parse(webhook.nextAttemptAt) <= now.getTime())
        await deliverToWebhook(deps, webhook, webhook.sealedSecret);
    } catch (error) {
      // Another worker moved this webhook on meanwhile; its next round starts from there.
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
}

const deliveryWorkerContext: RequestContext = {
  principal: { sub: 'system:webhook-deliveries', role: 'admin' },
  sourceIp: 'internal',
  requestId: 'webhook-deliveries',
};

/**
 * A webhook stored before secrets were sealed: its clear secret may already have been read from
 * the table or a backup, so sealing it now would keep a possibly known key in use. It is
 * disabled, the clear secret removed from the item, and that audited; its unit deletes it and
 * registers again for a fresh secret (enabling it is refused).
 */
async function retireClearSecret(deps: Omit<WebhookDeps, 'repository'>, webhook: Webhook): Promise<void> {
  const at = deps.clock.now().toISOString();
  const { secret: _clear, ...rest } = webhook;
  const next: Webhook = { ...rest, enabled: false, disabledAt: at, updatedAt: at };
  const audit = auditEntry(deps, deliveryWorkerContext, {
    ownerId: syncAuditOwner,
    action: 'webhook.disable',
    resourceType: 'webhook',
    resourceId: webhook.id,
    detail: { unit: webhook.unit, reason: 'secret-stored-in-clear' },
  });
  await deps.webhooks.saveWebhook(next, webhook, [audit]);
}

async function deliverToWebhook(
  deps: Omit<WebhookDeps, 'repository'>,
  start: Webhook,
  sealedSecret: string,
): Promise<void> {
  let webhook = start;
  const settings = deps.deliverySettings;
  // Opened once per round, and only when something is due; a failure to open fails the attempt.
  let secret: Promise<string> | undefined;
  const openSecret = () =>
    (secret ??= deps.webhookSecrets.open(sealedSecret, { webhookId: start.id, unit: start.unit }));
  const read = await changesForUnit(deps, webhook.unit, decodeFeedCursor(webhook.cursor), settings.batchSize);
  for (const entry of read.changes) {
    const position = { day: entry.change.at.slice(0, 10), after: entry.position };
    if (webhook.events.includes(eventOf(entry.change.change))) {
      const delivered = await attempt(deps, webhook, openSecret, entry.change, entry.position);
      if (!delivered) {
        const failures = webhook.consecutiveFailures + 1;
        const disabled = failures >= settings.maxConsecutiveFailures;
        const at = deps.clock.now();
        const next: Webhook = {
          ...webhook,
          consecutiveFailures: failures,
          nextAttemptAt: new Date(at.getTime() + retryDelayMs(settings, failures)).toISOString(),
          enabled: !disabled,
          ...(disabled ? { disabledAt: at.toISOString() } : {}),
          updatedAt: at.toISOString(),
        };
        await deps.webhooks.saveWebhook(next, webhook);
        return;
      }
    }
    const next: Webhook = {
      ...webhook,
      consecutiveFailures: 0,
      cursor: encodeFeedCursor(position),
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.webhooks.saveWebhook(next, webhook);
    webhook = next;
  }
  // Everything read was delivered: move past the entries examined for other units too.
  const cursor = encodeFeedCursor(read.position);
  if (cursor !== webhook.cursor) {
    const next = { ...webhook, cursor, updatedAt: deps.clock.now().toISOString() };
    await deps.webhooks.saveWebhook(next, webhook);
  }
}

async function attempt(
  deps: Omit<WebhookDeps, 'repository'>,
  webhook: Webhook,
  openSecret: () => Promise<string>,
  change: DocumentChange,
  position: string,
): Promise<boolean> {
  const body = deliveryBody(`${webhook.id}:${position}`, change);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const started = Date.now();
  let status: number | undefined;
  let error: string | undefined;
  try {
    // Checked again on every delivery: a name may resolve to a private address after registration.
    // The connection goes to the addresses checked here: a second resolution could answer otherwise.
    const { url, addresses } = await checkWebhookTarget(webhook.url, deps.webhookTargets, deps.resolveHost);
    const signature = signWebhookBody(await openSecret(), timestamp, body);
    status = await deps.sendWebhook({
      url,
      addresses,
      body,
      timeoutMs: deps.deliverySettings.timeoutMs,
      headers: {
        'content-type': 'application/json',
        [webhookHeaders.timestamp]: String(timestamp),
        [webhookHeaders.signature]: signature,
      },
    });
  } catch (failure) {
    error = failure instanceof Error ? failure.message.slice(0, 200) : 'delivery failed';
  }
  const delivered = status !== undefined && status >= 200 && status < 300;
  await deps.webhooks.recordDelivery({
    id: deps.ids.newId(),
    webhookId: webhook.id,
    event: eventOf(change.change),
    documentId: change.documentId,
    version: change.version,
    attempt: webhook.consecutiveFailures + 1,
    at: deps.clock.now().toISOString(),
    outcome: delivered ? 'delivered' : 'failed',
    ...(status !== undefined ? { status } : {}),
    latencyMs: Date.now() - started,
    ...(error ? { error } : !delivered ? { error: `HTTP ${status}` } : {}),
  });
  return delivered;
}
