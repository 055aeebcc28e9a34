import type { AuditLog } from '../../functions/audit/core/audit-log.ts';
import type { VaultRepository } from '../../functions/vault/core/vault-deps.ts';
import { inMemoryAuditLog } from './in-memory-audit-log.ts';
import { InMemoryRecords } from './in-memory-records.ts';
import { inMemorySharingStore } from './in-memory-sharing-store.ts';
import { inMemorySignatureStore } from './in-memory-signature-store.ts';
import { inMemoryResultStore, inMemoryUploadStore } from './in-memory-upload-store.ts';
import { inMemoryVaultStore } from './in-memory-vault-store.ts';

export type { RepositorySnapshot } from './in-memory-records.ts';

/**
 * Every feature's store port over one set of in-memory records, as the composition roots
 * build it over the one table: the unit of work and the test helpers of InMemoryRecords,
 * the reads of each feature's fake.
 */
export type InMemoryVaultRepository = InMemoryRecords & VaultRepository & AuditLog;

export const InMemoryVaultRepository = class extends InMemoryRecords {
  constructor() {
    super();
    Object.assign(
      this,
      inMemoryVaultStore(this),
      inMemoryUploadStore(this),
      inMemoryResultStore(this),
      inMemorySignatureStore(this),
      inMemorySharingStore(this),
      inMemoryAuditLog(this),
    );
  }
} as new () => InMemoryVaultRepository;
