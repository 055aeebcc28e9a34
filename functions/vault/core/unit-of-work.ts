import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { IssuedResult } from '../../integration/core/result-model.ts';
import type { Upload } from '../../digitize/core/upload-model.ts';
import type { Share, ShareLink } from '../../sharing/core/share-model.ts';
import type { ImportClaim, Pull, PullFile } from '../../sync/core/pull-model.ts';
import type { DocumentSignature } from '../../signing/core/signature-model.ts';
import type { SyncRecord } from '../../sync/core/sync-record.ts';
import type { DocumentVersion, Folder, VaultDocument } from './model.ts';

/** A record to create (`previous` absent) or to replace, as long as it is still `previous`. */
export interface Write<T> {
  next: T;
  previous?: T;
}

/**
 * Everything one use case changes, committed atomically: all of it or none of it.
 * Implementations derive the folder-name claims from folder writes, so sibling names stay
 * unique, and bump the owner's tree version whenever a folder's parent changes.
 */
export interface VaultChanges {
  ownerId: string;
  folders?: Write<Folder>[];
  documents?: Write<VaultDocument>[];
  /** Versions are immutable: only ever created. */
  versions?: DocumentVersion[];
  uploads?: Write<Upload>[];
  signatures?: Write<DocumentSignature>[];
  shares?: Write<Share>[];
  links?: Write<ShareLink>[];
  /** Pulls from the national warehouse; their files and import claims are only ever created. */
  pulls?: Write<Pull>[];
  pullFiles?: PullFile[];
  importClaims?: ImportClaim[];
  /** Results from business systems; a new one is created only if its identity is new. */
  results?: Write<IssuedResult>[];
  /** The outbox: each replaces its document's sync record whatever it was (the newest event wins). */
  syncRecords?: SyncRecord[];
  audit: AuditEntry[];
  /** Fails with ConcurrentUpdateError unless the tree is still at this version (folder moves). */
  expectedTreeVersion?: number;
  /** Creates the vault marker; fails with ConcurrentUpdateError if it already exists. */
  provisionVault?: boolean;
}

/**
 * The one write port of every feature's use cases. A commit throws ConflictError('name-taken')
 * when a folder name is already used among its siblings, and ConcurrentUpdateError when a
 * `previous` record, the tree version or the vault marker no longer match.
 */
export interface UnitOfWork {
  /** Largest number of records one commit may touch, derived writes included. */
  readonly maxWritesPerCommit: number;
  commit(changes: VaultChanges): Promise<void>;
  /** An audit entry on its own (reads of content, refusals). */
  appendAudit(entry: AuditEntry): Promise<void>;
}
