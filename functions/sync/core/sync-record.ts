/**
 * The outbox: one sync record per issued document, written in the same transaction as the filing
 * (or revocation) it announces, so no event can be lost between the vault and the queue. The record
 * is the source of truth for what the portal has; queue messages only say "look at this record".
 */

export const syncEventTypes = ['document.filed', 'document.revoked'] as const;
export type SyncEventType = (typeof syncEventTypes)[number];

/** The queue message (SQS body, in-process queue payload). */
export interface SyncEvent {
  type: SyncEventType;
  ownerId: string;
  documentId: string;
  versionNumber: number;
  eventId: string;
}

/**
 * pending: waiting to be pushed; failed: a retryable failure, the message is retried;
 * synced: the portal holds this version; dead: a permanent failure or too many attempts, until an
 * administrator redrives it; held: the sync policy says not now (hourly batch, released at
 * `releaseAt`) or never (until the policy changes).
 */
export const syncStates = ['pending', 'failed', 'synced', 'dead', 'held'] as const;
export type SyncState = (typeof syncStates)[number];

export interface SyncRecord {
  ownerId: string;
  documentId: string;
  /** The event the record announces now; a newer filing replaces it. */
  event: SyncEvent;
  state: SyncState;
  /** Pushes tried for this event. */
  attempts: number;
  lastError?: string;
  syncedAt?: string;
  /** The version the portal holds, once synced. */
  syncedVersion?: number;
  /** The portal's id of the dossier, when it gives one. */
  remoteId?: string;
  /** When the dispatcher handed this event to the queue; a pending record without it is not yet queued. */
  dispatchedAt?: string;
  /**
   * What a held record was decided by (its issuing unit and type, and the policy version), so the
   * dispatcher can decide it again when the policy changes without reading the document.
   */
  hold?: { unit: string; documentType: string; policyVersion: number };
  /**
   * The hourly batch's release time. Kept once released: a record pending at or after its release
   * time is pushed in that batch, though the policy still says `hourly`.
   */
  releaseAt?: string;
  updatedAt: string;
}

/** Deterministic, so a retried filing step announces the same event and the consumer can dedupe. */
export const syncEventId = (type: SyncEventType, documentId: string, versionNumber: number) =>
  `${type}:${documentId}:${versionNumber}`;

/** The outbox record a filing or revocation writes: pending, not yet dispatched. */
export function pendingSyncRecord(
  type: SyncEventType,
  document: { ownerId: string; id: string },
  versionNumber: number,
  now: string,
): SyncRecord {
  const event: SyncEvent = {
    type,
    ownerId: document.ownerId,
    documentId: document.id,
    versionNumber,
    eventId: syncEventId(type, document.id, versionNumber),
  };
  return {
    ownerId: document.ownerId,
    documentId: document.id,
    event,
    state: 'pending',
    attempts: 0,
    updatedAt: now,
  };
}

/** A pending record the dispatcher has not yet handed to the queue. */
export const awaitsDispatch = (record: SyncRecord) => record.state === 'pending' && !record.dispatchedAt;
