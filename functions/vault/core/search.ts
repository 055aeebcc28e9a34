import { auditEntry } from '../../audit/core/audit.ts';
import { ForbiddenRoleError, InvalidInputError } from '../../platform/core/errors.ts';
import { requireActiveFolder } from './folders.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { VaultDocument } from './model.ts';
import { isOwnerId, ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { searchTerms } from './search-text.ts';
import type { VaultDeps } from './vault-deps.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { FolderStore, DocumentStore, DocumentSearchStore } from './vault-store.ts';
import { ensureVault } from './vault-provisioning.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface SearchDeps extends Pick<VaultDeps, 'clock' | 'ids'> {
  repository: UnitOfWork & FolderStore & DocumentStore & DocumentSearchStore;
}

export interface DocumentQuery extends PageRequest {
  q?: string;
  type?: string;
  folderId?: string;
  issuedFrom?: string;
  issuedTo?: string;
  /** Officers: the number of an issued document (with `type`). */
  number?: string;
  /** Officers: the owner whose issued documents to list. */
  ownerId?: string;
}

/**
 * Finds documents. Citizens and organisations search their own vault: free text over
 * titles, metadata, fields and recognised text (diacritics- and case-insensitive), with
 * type, folder and issue-date filters; a folder alone lists it. Officers look up issued
 * documents by (type, number) or by owner, and every such look-up is audited in the
 * owner's history.
 */
export async function findDocuments(
  deps: SearchDeps,
  context: RequestContext,
  query: DocumentQuery,
): Promise<Page<VaultDocument>> {
  const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
  if (context.principal.role === 'officer') return lookUpIssuedDocuments(deps, context, query, page);
  // Like an officer browsing a vault, the other side of the same line: a rule of the role.
  if (query.number !== undefined || query.ownerId !== undefined) {
    throw new ForbiddenRoleError(
      'number and ownerId are officer look-ups; search your vault with q, type, folderId and dates',
    );
  }
  const ownerId = ownVault(context.principal);
  await ensureVault(deps, context, ownerId);
  if (query.folderId) await requireActiveFolder(deps, ownerId, query.folderId);
  const terms = query.q === undefined ? [] : searchTerms(query.q);
  if (query.q !== undefined && terms.length === 0) throw new InvalidInputError('q must contain letters or digits');
  if (query.issuedFrom && query.issuedTo && query.issuedFrom > query.issuedTo) {
    throw new InvalidInputError('issuedFrom must not be after issuedTo');
  }
  const onlyFolder = query.folderId && terms.length === 0 && !query.type && !query.issuedFrom && !query.issuedTo;
  if (onlyFolder) return deps.repository.listFolderDocuments(ownerId, query.folderId as string, page);
  return deps.repository.searchDocuments(
    ownerId,
    {
      terms,
      ...(query.type ? { type: query.type } : {}),
      ...(query.folderId ? { folderId: query.folderId } : {}),
      ...(query.issuedFrom ? { issuedFrom: query.issuedFrom } : {}),
      ...(query.issuedTo ? { issuedTo: query.issuedTo } : {}),
    },
    page,
  );
}

async function lookUpIssuedDocuments(
  deps: SearchDeps,
  context: RequestContext,
  query: DocumentQuery,
  page: PageRequest,
): Promise<Page<VaultDocument>> {
  if (query.q !== undefined || query.folderId !== undefined) {
    throw new ForbiddenRoleError(
      'Officers look up issued documents by type and number, or by owner; they do not browse vaults',
    );
  }
  let result: Page<VaultDocument>;
  if (query.ownerId !== undefined) {
    if (!isOwnerId(query.ownerId))
      throw new InvalidInputError('ownerId must be a 12-digit personal ID or an enterprise code');
    result = await deps.repository.searchDocuments(
      query.ownerId,
      {
        terms: [],
        source: 'issued',
        ...(query.type ? { type: query.type } : {}),
      },
      page,
    );
  } else if (query.type && query.number) {
    result = await deps.repository.findIssuedDocuments(query.type, query.number, page);
  } else {
    throw new InvalidInputError('Give type and number, or ownerId');
  }
  await Promise.all(
    result.items.map((document) =>
      deps.repository.appendAudit(
        auditEntry(deps, context, {
          ownerId: document.ownerId,
          action: 'document.lookup',
          resourceType: 'document',
          resourceId: document.id,
          detail: query.ownerId
            ? { by: 'owner' }
            : { by: 'type-and-number', type: query.type ?? '', number: query.number ?? '' },
        }),
      ),
    ),
  );
  return result;
}
