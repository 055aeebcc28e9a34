/**
 * The sync function's use case: push one document's dossier to the national warehouse, as its
 * outbox record says, and record what happened. At-least-once delivery with an idempotent apply:
 * a duplicate message for a version the portal already holds does nothing, and a create whose
 * reply was lost is found by the existence check (or answered "already exists") and sent as an
 * update, never created twice.
 */
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { Clock } from '../../platform/core/runtime.ts';
import type { VaultDocument } from '../../vault/core/model.ts';
import { backoffSeconds, type BackoffSettings } from './backoff.ts';
import type { DossierDefaults } from './dossier-defaults.ts';
import {
  NationalWarehouseError,
  type Dossier,
  type NationalWarehouse,
  type PushOutcome,
} from './national-warehouse.ts';
import { heldRecord, pushesNow, releasedRecord, unlessChanged } from './held-sync.ts';
import type { PushDecision, PushSubject, SyncPolicy } from './sync-policy.ts';
import { issuePortalLink, type PortalLinkStore } from './portal-links.ts';
import type { SyncStore } from './sync-ports.ts';
import type { SyncEvent, SyncRecord } from './sync-record.ts';

export interface SyncDeps {
  store: SyncStore;
  /** Where the portal's download links are stored, and the API base URL they point at. */
  portalLinks: { store: Pick<PortalLinkStore, 'putPortalLink'>; baseUrl: string };
  warehouse: NationalWarehouse;
  policy: SyncPolicy;
  clock: Clock;
  defaults: DossierDefaults;
  /** After this many attempts a retryable failure is dead too. */
  maxAttempts: number;
  backoff: BackoffSettings;
  random?: () => number;
}

/** done: delete the message; retry: make it visible again after the delay. */
export type SyncOutcome =
  | { outcome: 'synced' | 'skipped' | 'dead' | 'held'; detail?: string }
  | { outcome: 'retry'; delaySeconds: number; detail: string };

const field = (document: VaultDocument, name: string) => {
  const value = document.fields?.[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

const isPersonalId = (ownerId: string) => /^\d{12}$/.test(ownerId);

/** Our document as the portal's dossier: one result, the paper itself, as a download link. */
export function toDossier(document: VaultDocument, fileUrl: string | undefined, defaults: DossierDefaults): Dossier {
  const filedAt = new Date(document.createdAt);
  const citizen = isPersonalId(document.ownerId);
  return {
    dossierCode: field(document, 'caseNumber') ?? document.id,
    procedureCode: field(document, 'procedureCode') ?? defaults.procedureCode,
    procedureName: field(document, 'procedureName') ?? defaults.procedureName,
    ownerName: field(document, 'ownerName') ?? field(document, 'fullName') ?? document.ownerId,
    ownerKind: citizen ? 'citizen' : 'enterprise',
    ownerCode: document.ownerId,
    ownerIdentifiers: [{ kind: citizen ? 'personal-id' : 'enterprise-code', number: document.ownerId }],
    receivedAt: filedAt,
    dueAt: filedAt,
    returnedAt: new Date(document.updatedAt),
    // 10: returned to the applicant, as an issued result is.
    status: 10,
    processingUnit: document.issuingUnit ?? defaults.processingUnit,
    digitised: true,
    reusable: true,
    // A revoked result is withdrawn from the dossier: the portal keeps the dossier, not the paper.
    results: fileUrl
      ? [
          {
            name: document.title,
            paperId: document.id,
            resultTypeCode: document.type ?? defaults.resultTypeCode,
            fileUrl,
          },
        ]
      : [],
  };
}

/** Existence check, then create or update; "already exists" on create (a lost reply, a race) becomes an update. */
async function push(warehouse: NationalWarehouse, dossier: Dossier): Promise<string | undefined> {
  const existing = await warehouse.findDossier(dossier.dossierCode);
  let outcome: PushOutcome = existing ? await warehouse.updateDossier(dossier) : await warehouse.createDossier(dossier);
  if (outcome.outcome === 'already-exists') outcome = await warehouse.updateDossier(dossier);
  if (outcome.outcome === 'already-exists') {
    throw new NationalWarehouseError('business-error', 'the portal answered "already exists" to an update');
  }
  return outcome.remoteId ?? existing?.remoteId;
}

const describe = (error: unknown) =>
  error instanceof NationalWarehouseError ? `${error.failure}: ${error.message}` : String(error);

/**
 * Writes `next` over `read`. The dispatcher marks a record dispatched after sending its message,
 * which can land while the consumer works: that change alone is written over, anything else (a
 * newer event, another consumer's result) is a ConcurrentUpdateError.
 */
async function saveOver(store: SyncStore, read: SyncRecord, next: SyncRecord): Promise<void> {
  try {
    await store.putSyncRecord(next, read);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    const fresh = await store.getSyncRecord(read.ownerId, read.documentId);
    const onlyDispatched =
      fresh?.dispatchedAt !== undefined &&
      fresh.event.eventId === read.event.eventId &&
      fresh.state === read.state &&
      fresh.attempts === read.attempts;
    if (!fresh || !onlyDispatched) throw error;
    await store.putSyncRecord({ ...next, dispatchedAt: fresh.dispatchedAt }, fresh);
  }
}

/**
 * Holds the record as the policy says (held-sync.ts). The dispatcher decides held records again
 * after a policy change; a change that landed between our read of the policy and this write
 * could come after that, so the policy is read once more and, if it moved on, the record goes
 * back to pending to be decided anew.
 */
async function hold(deps: SyncDeps, record: SyncRecord, subject: PushSubject, decision: PushDecision) {
  const held = heldRecord(record, subject, decision, deps.clock.now());
  await saveOver(deps.store, record, held);
  if ((await deps.policy.pushFor(subject)).policyVersion !== decision.policyVersion) {
    await unlessChanged(() => deps.store.putSyncRecord(releasedRecord(held, deps.clock.now()), held));
    return { outcome: 'skipped', detail: 'the sync policy changed meanwhile' } as const;
  }
  return { outcome: 'held', detail: decision.push } as const;
}

export async function syncDocument(deps: SyncDeps, event: SyncEvent): Promise<SyncOutcome> {
  const record = await deps.store.getSyncRecord(event.ownerId, event.documentId);
  // A newer event replaced this one: its own message carries it.
  if (!record || record.event.eventId !== event.eventId) return { outcome: 'skipped', detail: 'superseded' };
  if (record.state === 'synced' || record.state === 'dead' || record.state === 'held') {
    return { outcome: 'skipped', detail: record.state };
  }
  const now = () => deps.clock.now().toISOString();
  const save = (next: SyncRecord) => saveOver(deps.store, record, next);

  const document = await deps.store.getDocument(event.ownerId, event.documentId);
  if (!document) {
    await save({ ...record, state: 'dead', lastError: 'the document no longer exists', updatedAt: now() });
    return { outcome: 'dead', detail: 'document missing' };
  }
  const subject = {
    unit: document.issuingUnit ?? deps.defaults.processingUnit,
    documentType: document.type ?? deps.defaults.resultTypeCode,
  };
  const decision = await deps.policy.pushFor(subject);
  if (!pushesNow(decision.push, record, deps.clock.now())) return hold(deps, record, subject, decision);

  const attempts = record.attempts + 1;
  try {
    let fileUrl: string | undefined;
    if (event.type === 'document.filed') {
      const version = await deps.store.getVersion(event.ownerId, event.documentId, event.versionNumber);
      if (!version) throw new NationalWarehouseError('invalid-message', `version ${event.versionNumber} is missing`);
      fileUrl = await issuePortalLink(
        { ...deps.portalLinks, clock: deps.clock },
        { ownerId: version.ownerId, documentId: version.documentId, versionNumber: version.number },
      );
    }
    const remoteId = await push(deps.warehouse, toDossier(document, fileUrl, deps.defaults));
    const { lastError: _cleared, hold: _hold, releaseAt: _released, ...rest } = record;
    await save({
      ...rest,
      state: 'synced',
      attempts,
      syncedAt: now(),
      syncedVersion: event.versionNumber,
      ...(remoteId ? { remoteId } : {}),
      updatedAt: now(),
    });
    return { outcome: 'synced' };
  } catch (error) {
    // Our own write lost a race (a newer filing): the newer event's message takes over.
    if (error instanceof ConcurrentUpdateError) return { outcome: 'skipped', detail: 'record changed meanwhile' };
    const lastError = describe(error).slice(0, 500);
    const retryable = error instanceof NationalWarehouseError ? error.retryable : true;
    if (!retryable || attempts >= deps.maxAttempts) {
      await save({ ...record, state: 'dead', attempts, lastError, updatedAt: now() });
      return { outcome: 'dead', detail: lastError };
    }
    await save({ ...record, state: 'failed', attempts, lastError, updatedAt: now() });
    return { outcome: 'retry', delaySeconds: backoffSeconds(attempts, deps.backoff, deps.random), detail: lastError };
  }
}
