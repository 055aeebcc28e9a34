import { auditEntry } from '../../audit/core/audit.ts';
import { NotFoundError } from '../../platform/core/errors.ts';
import type { DocumentVersion, VaultDocument } from './model.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from './vault-deps.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { DocumentStore, VersionStore } from './vault-store.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface VersionDeps extends Pick<VaultDeps, 'clock' | 'ids'> {
  repository: UnitOfWork & DocumentStore & VersionStore;
}

export async function listVersions(
  deps: VersionDeps,
  context: RequestContext,
  documentId: string,
): Promise<DocumentVersion[]> {
  const ownerId = ownVault(context.principal);
  if (!(await deps.repository.getDocument(ownerId, documentId))) throw new NotFoundError('Document');
  return deps.repository.listVersions(ownerId, documentId);
}

/** The document after a new current version: the newest version's facts become the document's. */
export function withCurrentVersion(
  document: VaultDocument,
  version: DocumentVersion,
  updatedAt: string,
): VaultDocument {
  return {
    ...document,
    currentVersion: version.number,
    versionCount: version.number,
    fileName: version.fileName,
    contentType: version.contentType,
    size: version.size,
    sha256: version.sha256,
    updatedAt,
  };
}

/**
 * Restoring never rewrites history: the old content becomes a new version on top, pointing
 * at the same immutable object.
 */
export async function restoreVersion(
  deps: VersionDeps,
  context: RequestContext,
  documentId: string,
  versionNumber: number,
): Promise<{ document: VaultDocument; version: DocumentVersion }> {
  const ownerId = ownVault(context.principal);
  return retryOnConcurrentUpdate(async () => {
    const document = await deps.repository.getDocument(ownerId, documentId);
    if (!document || document.trashedAt) throw new NotFoundError('Document');
    const source = await deps.repository.getVersion(ownerId, documentId, versionNumber);
    if (!source) throw new NotFoundError('Version');
    const now = deps.clock.now().toISOString();
    const { uploadId: _uploadId, restoredFrom: _restoredFrom, ...content } = source;
    const version: DocumentVersion = {
      ...content,
      number: document.versionCount + 1,
      createdAt: now,
      createdBy: context.principal.sub,
      restoredFrom: source.number,
    };
    const next = withCurrentVersion(document, version, now);
    await deps.repository.commit({
      ownerId,
      documents: [{ next, previous: document }],
      versions: [version],
      audit: [
        auditEntry(deps, context, {
          ownerId,
          action: 'document.restore-version',
          resourceType: 'document',
          resourceId: documentId,
          detail: { restoredFrom: source.number, newVersion: version.number },
        }),
      ],
    });
    return { document: next, version };
  });
}
