import { auditEntry } from '../../audit/core/audit.ts';
import { NotFoundError, PermissionDeniedError } from '../../platform/core/errors.ts';
import type { PageRequest } from '../../platform/core/page.ts';
import type { Folder, VaultDocument } from '../../vault/core/model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import { accessActions } from './access-log.ts';
import type { Share, SharePermission } from './share-model.ts';
import {
  documentInScope,
  listScopeFolder,
  presignCurrentContent,
  readCurrentText,
  scopeRoot,
  type ScopeListing,
} from './share-scope.ts';
import { openShareAsGrantee, refuseShareUse, type ShareDeps } from './shares.ts';

/** What these use cases need, with what the share scope checks need. */
export interface GranteeAccessDeps extends ShareDeps, Pick<VaultDeps, 'clock' | 'ids'> {
  repository: ShareDeps['repository'] & UnitOfWork;
}

/**
 * What a grantee does with a share. Every read is audited in the owner's history (the
 * actor is the grantee), and so is every refusal; a document outside the share looks
 * exactly like a missing one.
 */

type Part = 'metadata' | 'text' | 'content';
const partPermission: Record<Part, SharePermission> = { metadata: 'metadata', text: 'content', content: 'download' };

async function auditRead(
  deps: GranteeAccessDeps,
  context: RequestContext,
  share: Share,
  document: VaultDocument,
  part: Part,
  version?: number,
) {
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: share.ownerId,
      action: accessActions.granteeRead,
      resourceType: 'document',
      resourceId: document.id,
      detail: { shareId: share.id, part, ...(version ? { version } : {}) },
    }),
  );
}

async function auditList(deps: GranteeAccessDeps, context: RequestContext, share: Share, folder: Folder) {
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: share.ownerId,
      action: accessActions.granteeList,
      resourceType: 'folder',
      resourceId: folder.id,
      detail: { shareId: share.id },
    }),
  );
}

/** A document the share covers now, with the permission the part needs. */
async function sharedDocument(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
  documentId: string,
  part: Part,
) {
  const share = await openShareAsGrantee(deps, context, shareId);
  const document = await documentInScope(deps, share, documentId);
  if (!document)
    return refuseShareUse(deps, context, share, 'outside-share', { documentId }, new NotFoundError('Document'));
  if (!share.permissions.includes(partPermission[part])) {
    return refuseShareUse(
      deps,
      context,
      share,
      `no-${partPermission[part]}-permission`,
      { documentId },
      new PermissionDeniedError(`This share does not allow ${part === 'text' ? 'reading the text' : 'downloading'}`),
    );
  }
  return { share, document };
}

/** What the share is: the grant and the shared document or folder (its name only). */
export async function getSharedResource(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
): Promise<{ share: Share; document?: VaultDocument; folder?: Folder }> {
  const share = await openShareAsGrantee(deps, context, shareId);
  const root = await scopeRoot(deps, share);
  if (!root) return refuseShareUse(deps, context, share, 'resource-gone', {}, new NotFoundError('Share'));
  if ('document' in root) {
    await auditRead(deps, context, share, root.document, 'metadata');
    return { share, document: root.document };
  }
  await auditList(deps, context, share, root.folder);
  return { share, folder: root.folder };
}

/** Subfolders and a page of documents of a folder inside a shared folder. */
export async function listSharedItems(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
  folderId: string | undefined,
  page: PageRequest,
): Promise<ScopeListing> {
  const share = await openShareAsGrantee(deps, context, shareId);
  if (share.resourceType !== 'folder') {
    return refuseShareUse(deps, context, share, 'not-a-folder-share', {}, new NotFoundError('Folder'));
  }
  const listing = await listScopeFolder(deps, share, folderId, page);
  if (!listing)
    return refuseShareUse(
      deps,
      context,
      share,
      'outside-share',
      { ...(folderId ? { folderId } : {}) },
      new NotFoundError('Folder'),
    );
  await auditList(deps, context, share, listing.folder);
  return listing;
}

export async function getSharedDocument(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
  documentId: string,
): Promise<VaultDocument> {
  const { share, document } = await sharedDocument(deps, context, shareId, documentId, 'metadata');
  await auditRead(deps, context, share, document, 'metadata');
  return document;
}

/** The recognised text of the current version; the share must allow `content`. */
export async function getSharedDocumentText(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
  documentId: string,
): Promise<string> {
  const { share, document } = await sharedDocument(deps, context, shareId, documentId, 'text');
  const { text, version } = await readCurrentText(deps, document);
  await auditRead(deps, context, share, document, 'text', version);
  return text;
}

/** A presigned download of the current version; the share must allow `download`. */
export async function getSharedDocumentContentUrl(
  deps: GranteeAccessDeps,
  context: RequestContext,
  shareId: string,
  documentId: string,
): Promise<string> {
  const { share, document } = await sharedDocument(deps, context, shareId, documentId, 'content');
  const { url, version } = await presignCurrentContent(deps, document);
  await auditRead(deps, context, share, document, 'content', version);
  return url;
}
