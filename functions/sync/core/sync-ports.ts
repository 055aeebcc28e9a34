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
  /** Every record in one state, page by page, oldest change first. */
  syncRecordPages(state: SyncState): AsyncIterable<SyncRecord[]>;
  /** Records held for an hourly batch whose release time is at or before `now`, earliest first. */
  listDueBatch(now: string, limit: number): Promise<SyncRecord[]>;
  /** The policy version the held records were last decided again under (0 before any). */
  heldReviewedVersion(): Promise<number>;
  /** Records that the held records are decided under `policyVersion`; never moves backwards. */
  saveHeldReviewedVersion(policyVersion: number): Promise<void>;
  /** Pending records not yet handed to the queue, oldest change first. */
  listAwaitingDispatch(limit: number): Promise<SyncRecord[]>;
}

/** The records, and the document and version a record is about. */
export type SyncStore = SyncRecordStore & Pick<DocumentStore, 'getDocument'> & Pick<VersionStore, 'getVersion'>;
