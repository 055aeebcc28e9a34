import type { VaultDocument } from '../../vault/core/model.ts';
import type { ImportClaim, Pull, PullFile } from './pull-model.ts';

/** Reads of pulls, their files, and what an owner's vault already holds. */
export interface PullStore {
  getPull(pullId: string): Promise<Pull | undefined>;
  /** The pull's files in the portal's order. */
  listPullFiles(pullId: string): Promise<PullFile[]>;
  getImportClaim(ownerId: string, sha256: string): Promise<ImportClaim | undefined>;
  /** Every document of the owner, trashed ones included (a paper in the trash is still the owner's). */
  listOwnerDocuments(ownerId: string): Promise<VaultDocument[]>;
}
