import { NotFoundError } from '../../platform/core/errors.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import type { DocumentStore, FolderStore } from '../../vault/core/vault-store.ts';
import type { AuditEntry } from './audit-model.ts';

/** Reads of a resource's history: the audit entries about it, in its owner's chain. */
export interface AuditHistory {
  /** Operations on one folder, document or template, newest first. */
  listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>>;
}

export interface HistoryDeps {
  repository: AuditHistory & Pick<DocumentStore, 'getDocument'> & Pick<FolderStore, 'getFolder'>;
}

/** Operation history of one of the caller's documents or folders. */
export async function getHistory(
  deps: HistoryDeps,
  context: RequestContext,
  resource: { type: 'document' | 'folder'; id: string },
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  const ownerId = ownVault(context.principal);
  const exists =
    resource.type === 'document'
      ? await deps.repository.getDocument(ownerId, resource.id)
      : await deps.repository.getFolder(ownerId, resource.id);
  if (!exists) throw new NotFoundError(resource.type === 'document' ? 'Document' : 'Folder');
  return deps.repository.listHistory(ownerId, resource.id, page);
}
