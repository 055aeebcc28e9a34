import type { AuditHistory } from '../../audit/core/history.ts';
import type { UploadStore } from '../../digitize/core/upload-store.ts';
import type { ResultStore } from '../../integration/core/result-store.ts';
import type { DigitizeWorkflow } from '../../digitize/core/digitize-workflow.ts';
import type { BlobStore } from '../../platform/core/blob-store.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { AccessLogStore, LinkStore, RateLimitCounters, ShareStore } from '../../sharing/core/sharing-store.ts';
import type { SignatureStore } from '../../signing/core/signature-store.ts';
import type { SigningDeps } from '../../signing/core/signing-deps.ts';
import type { PopulationDatabase } from '../../identity/core/population-database.ts';
import type { TemplateRepository } from '../../templates/core/template-repository.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { DocumentSearchStore, DocumentStore, FolderStore, VersionStore } from './vault-store.ts';
import type { VaultPolicy } from './vault-policy.ts';

/**
 * Every feature's store port over the one table. Use cases declare the few they use; the
 * composition roots build one object that is all of them.
 */
export type VaultRepository = UnitOfWork &
  FolderStore &
  DocumentStore &
  VersionStore &
  DocumentSearchStore &
  UploadStore &
  ResultStore &
  SignatureStore &
  ShareStore &
  LinkStore &
  RateLimitCounters &
  AccessLogStore &
  AuditHistory;

/** Everything the use cases need from the world, injected once per cold start. */
export interface VaultDeps {
  repository: VaultRepository;
  templates: TemplateRepository;
  blobs: BlobStore;
  workflow: DigitizeWorkflow;
  clock: Clock;
  ids: IdGenerator;
  policy: VaultPolicy;
  signing: SigningDeps;
  /** Confirms the owners officers name for their uploads (digitize's identify-owner.ts). */
  population: PopulationDatabase;
}
