import type { DocumentStore, VersionStore } from '../../vault/core/vault-store.ts';
import type { SyncEvent, SyncRecord, SyncState } from './sync-record.ts';

/** Where sync events wait for the sync function (SQS on AWS, an in-process queue locally). */
export interface SyncQueue {
  send(event: SyncEvent): Promise<void>;
}

/** The outbox records. */
export interface SyncRecordStore {
  getSyncRecord(ownerId: string, documentId: string): Promise<SyncRecord | undefined>;
  /** Replaces `previous` only if it is still what is stored; ConcurrentUpdateError otherwise. */
  putSyncRecord(next: SyncRecord, previous: SyncRecord): Promise<void>;
  /** Records in one state, oldest change first. */
  listSyncRecords(state: SyncState, limit: number): Promise<SyncRecord[]>;
  /** A page of at most `size` records in a state, oldest change first, after `after` (the previous page's `next`). */
  syncRecordPage(state: SyncState, size: number, after?: string): Promise<{ records: SyncRecord[]; next?: string }>;
  /** Records held for an hourly batch whose release time is at or before `now`, earliest first. */
  listDueBatch(now: string, limit: number): Promise<SyncRecord[]>;
  /** How far the dispatcher has decided the held records again (nothing reviewed: version 0). */
  heldReview(): Promise<HeldReview>;
  /** Saves the review's progress; a stored `reviewedVersion` never moves backwards. */
  saveHeldReview(review: HeldReview): Promise<void>;
  /** Pending records not yet handed to the queue, oldest change first. */
  listAwaitingDispatch(limit: number): Promise<SyncRecord[]>;
}

/**
 * The dispatcher's review of held records: every one was decided again under `reviewedVersion`;
 * a review of a newer version that did not finish in one pass resumes `after` the page it reached.
 */
export interface HeldReview {
  reviewedVersion: number;
  resume?: { policyVersion: number; after: string };
}

/** The records, and the document and version a record is about. */
export type SyncStore = SyncRecordStore & Pick<DocumentStore, 'getDocument'> & Pick<VersionStore, 'getVersion'>;
