import { auditEntry } from '../../audit/core/audit.ts';
import { ForbiddenRoleError, InvalidInputError, NotFoundError } from '../../platform/core/errors.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { ensureImportedFolder } from '../../vault/core/folders.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import { systemFolderId } from '../../vault/core/vault-provisioning.ts';
import type { ShareStore } from './sharing-store.ts';
import { accessActions } from './access-log.ts';
import {
  futureInstant,
  granteeOf,
  isRevokedOrExpired,
  normalisePermissions,
  validateGrantee,
  type Grantee,
  type Share,
  type SharedResourceType,
  type SharePermission,
} from './share-model.ts';
import { commitAudited, documentInScope, folderInScope, scopeRoot } from './share-scope.ts';
import type { ShareScopeDeps } from './share-scope.ts';

/** What these use cases need, with what the share scope checks need. */
export interface ShareDeps extends ShareScopeDeps, Pick<VaultDeps, 'clock' | 'ids'> {
  repository: ShareScopeDeps['repository'] & UnitOfWork & ShareStore;
}

/** Reshares of reshares are allowed, but a chain this long is somebody probing, not sharing. */
const maxReshareDepth = 8;

export interface ShareRequest {
  resourceType: SharedResourceType;
  resourceId: string;
  grantee: Grantee;
  permissions: SharePermission[];
  expiresAt?: string;
  canReshare?: boolean;
  /** A grantee resharing: the share they hold that allows it. */
  viaShareId?: string;
}

/**
 * Whether a share works now: not revoked, not expired, and (for a reshare) every grant it
 * was made from still works too. Checked on every access, so revocation and expiry take
 * effect at once.
 */
export async function isShareActive(deps: ShareDeps, share: Share, now = deps.clock.now()): Promise<boolean> {
  let current: Share | undefined = share;
  for (let depth = 0; current; depth += 1) {
    if (depth > maxReshareDepth || isRevokedOrExpired(current, now)) return false;
    if (!current.parentShareId) return true;
    current = await deps.repository.getShare(current.parentShareId);
  }
  return false;
}

function isGranteeOf(share: Share, grantee: Grantee | undefined): boolean {
  return grantee !== undefined && share.grantee.kind === grantee.kind && share.grantee.id === grantee.id;
}

/**
 * Shares a document or folder. The owner shares anything of theirs; a grantee reshares
 * only through a share that allows it, only what that share covers, never with more
 * permissions or a later expiry, and the new share lives and dies with theirs. Audited in
 * the owner's history of the shared resource.
 */
export async function grantShare(deps: ShareDeps, context: RequestContext, request: ShareRequest): Promise<Share> {
  const granterId = ownVault(context.principal);
  const grantee = validateGrantee(request.grantee);
  const permissions = normalisePermissions(request.permissions);
  let expiresAt = futureInstant(request.expiresAt, deps.clock.now());
  let ownerId = granterId;
  const scope = { resourceType: request.resourceType, resourceId: request.resourceId };

  if (request.viaShareId) {
    const parent = await openShareAsGrantee(deps, context, request.viaShareId);
    ownerId = parent.ownerId;
    const refuse = async (reason: string, error: Error): Promise<never> => {
      await deps.repository.appendAudit(
        auditEntry(deps, context, {
          ownerId,
          action: 'share.create',
          resourceType: parent.resourceType,
          resourceId: parent.resourceId,
          outcome: 'denied',
          detail: { viaShareId: parent.id, reason },
        }),
      );
      throw error;
    };
    if (!parent.canReshare)
      await refuse('reshare-not-allowed', new ForbiddenRoleError('This share does not allow resharing'));
    const covered =
      request.resourceType === 'document'
        ? await documentInScope(deps, parent, request.resourceId)
        : await folderInScope(deps, parent, request.resourceId);
    if (!covered)
      await refuse('outside-share', new NotFoundError(request.resourceType === 'document' ? 'Document' : 'Folder'));
    if (permissions.some((permission) => !parent.permissions.includes(permission))) {
      await refuse(
        'more-permissions',
        new InvalidInputError('A reshare cannot grant permissions the share you hold does not have'),
      );
    }
    if (parent.expiresAt) {
      if (expiresAt && expiresAt > parent.expiresAt) {
        await refuse('later-expiry', new InvalidInputError('A reshare cannot outlive the share you hold'));
      }
      expiresAt ??= parent.expiresAt;
    }
  } else {
    // Pulled papers' folder appears with the first import: a unit's consent to pull into it comes first.
    if (grantee.kind === 'unit' && scope.resourceType === 'folder' && scope.resourceId === systemFolderId('imported')) {
      await ensureImportedFolder(deps, context, ownerId);
    }
    if (!(await scopeRoot(deps, { ...scope, ownerId }))) {
      throw new NotFoundError(request.resourceType === 'document' ? 'Document' : 'Folder');
    }
  }
  if (
    (grantee.kind !== 'unit' && grantee.id === ownerId) ||
    (grantee.kind === context.principal.role && grantee.id === granterId)
  ) {
    throw new InvalidInputError('Share with someone else');
  }

  const share: Share = {
    id: deps.ids.newId(),
    ownerId,
    ...scope,
    grantee,
    permissions,
    ...(expiresAt ? { expiresAt } : {}),
    canReshare: request.canReshare ?? false,
    grantedBy: granterId,
    ...(request.viaShareId ? { parentShareId: request.viaShareId } : {}),
    createdAt: deps.clock.now().toISOString(),
    createdBy: context.principal.sub,
  };
  await commitAudited(
    deps,
    context,
    share,
    { shares: [{ next: share }] },
    {
      action: 'share.create',
      detail: {
        shareId: share.id,
        granteeKind: grantee.kind,
        granteeId: grantee.id,
        permissions: permissions.join(','),
        canReshare: share.canReshare,
        ...(expiresAt ? { expiresAt } : {}),
        ...(share.parentShareId ? { viaShareId: share.parentShareId } : {}),
      },
    },
  );
  return share;
}

/**
 * Revokes a share: the owner of the resource may revoke any share of it, a resharing
 * grantee the shares they made. Anyone else is told it does not exist.
 */
export async function revokeShare(deps: ShareDeps, context: RequestContext, shareId: string): Promise<void> {
  const callerId = ownVault(context.principal);
  await retryOnConcurrentUpdate(async () => {
    const share = await deps.repository.getShare(shareId);
    if (!share || share.revokedAt || (share.ownerId !== callerId && share.grantedBy !== callerId))
      throw new NotFoundError('Share');
    await commitAudited(
      deps,
      context,
      share,
      {
        shares: [
          {
            next: { ...share, revokedAt: deps.clock.now().toISOString(), revokedBy: context.principal.sub },
            previous: share,
          },
        ],
      },
      {
        action: 'share.revoke',
        detail: { shareId: share.id, granteeKind: share.grantee.kind, granteeId: share.grantee.id },
      },
    );
  });
}

export interface ShareListQuery extends PageRequest {
  direction: 'outgoing' | 'incoming';
  resourceType?: SharedResourceType;
}

export interface ListedShare {
  share: Share;
  /** Whether it works now: not expired, and no grant it was reshared from revoked or expired. */
  active: boolean;
  /** Incoming shares: the document's title or the folder's name, while the share works. */
  resourceName?: string;
}

/** "Shared by me" (outgoing) or "shared with me" (incoming), optionally only folders or only documents. */
export async function listShares(
  deps: ShareDeps,
  context: RequestContext,
  query: ShareListQuery,
): Promise<Page<ListedShare>> {
  const callerId = ownVault(context.principal);
  const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
  const now = deps.clock.now();
  if (query.direction === 'outgoing') {
    const result = await deps.repository.listSharesGrantedBy(callerId, query.resourceType, page);
    const items = await Promise.all(
      result.items.map(async (share) => ({ share, active: await isShareActive(deps, share, now) })),
    );
    return { ...result, items };
  }
  const grantee = granteeOf(context.principal) as Grantee;
  const result = await deps.repository.listSharesGrantedTo(grantee, query.resourceType, page);
  // The grantee learns the resource's name only while the share works.
  const items = await Promise.all(
    result.items.map(async (share): Promise<ListedShare> => {
      const active = await isShareActive(deps, share, now);
      const root = active ? await scopeRoot(deps, share) : undefined;
      const resourceName = root && ('document' in root ? root.document.title : root.folder.name);
      return { share, active: root !== undefined, ...(resourceName ? { resourceName } : {}) };
    }),
  );
  return { ...result, items };
}

/**
 * A share as its grantee may use it, or NotFoundError for anyone else and for a revoked or
 * expired one, alike. A refusal of a share that exists is audited in its owner's history.
 */
export async function openShareAsGrantee(deps: ShareDeps, context: RequestContext, shareId: string): Promise<Share> {
  const grantee = granteeOf(context.principal);
  if (!grantee)
    throw new ForbiddenRoleError('Shares are opened by the citizens and organisations they were granted to');
  const share = await deps.repository.getShare(shareId);
  // An id that was never issued has no owner to tell; unknown UUIDs are not worth guessing.
  if (!share) throw new NotFoundError('Share');
  const reason = !isGranteeOf(share, grantee)
    ? 'not-grantee'
    : share.revokedAt
      ? 'revoked'
      : !(await isShareActive(deps, share))
        ? 'expired'
        : undefined;
  if (reason) return refuseShareUse(deps, context, share, reason, {}, new NotFoundError('Share'));
  return share;
}

/** A grantee's refused use of a share that exists: audited in its owner's history, then the error is thrown. */
export async function refuseShareUse(
  deps: ShareDeps,
  context: RequestContext,
  share: Share,
  reason: string,
  requested: { documentId?: string; folderId?: string },
  error: Error,
): Promise<never> {
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: share.ownerId,
      action: accessActions.granteeDenied,
      resourceType: share.resourceType,
      resourceId: share.resourceId,
      outcome: 'denied',
      detail: { shareId: share.id, reason, ...requested },
    }),
  );
  throw error;
}
