import { auditEntry } from '../../audit/core/audit.ts';
import {
  NotFoundError,
  PermissionDeniedError,
  PinRequiredError,
  RateLimitedError,
} from '../../platform/core/errors.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { VaultDocument } from '../../vault/core/model.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { LinkStore, RateLimitCounters } from './sharing-store.ts';
import { accessActions } from './access-log.ts';
import { hashPin, linkIdOf, newLinkToken, pinMatches } from './link-secrets.ts';
import {
  futureInstant,
  isRevokedOrExpired,
  normalisePermissions,
  type SharedResourceType,
  type ShareLink,
  type SharePermission,
} from './share-model.ts';
import {
  commitAudited,
  documentInScope,
  listScopeFolder,
  presignCurrentContent,
  scopeRoot,
  type ScopeListing,
} from './share-scope.ts';
import type { ShareScopeDeps } from './share-scope.ts';

/** What these use cases need, with what the share scope checks need. */
export interface LinkDeps extends ShareScopeDeps, Pick<VaultDeps, 'clock' | 'ids' | 'policy'> {
  repository: ShareScopeDeps['repository'] & UnitOfWork & LinkStore & RateLimitCounters;
}

export interface LinkRequest {
  resourceType: SharedResourceType;
  resourceId: string;
  permissions: SharePermission[];
  expiresAt?: string;
  pin?: string;
  maxUses?: number;
}

/**
 * Creates a link to one of the caller's documents or folders. The token is returned here
 * and never again: only its SHA-256 (the link's id) and the PIN's scrypt hash are stored.
 */
export async function createLink(
  deps: LinkDeps,
  context: RequestContext,
  request: LinkRequest,
): Promise<{ link: ShareLink; token: string }> {
  const ownerId = ownVault(context.principal);
  if (!(await scopeRoot(deps, { ownerId, resourceType: request.resourceType, resourceId: request.resourceId }))) {
    throw new NotFoundError(request.resourceType === 'document' ? 'Document' : 'Folder');
  }
  const expiresAt = futureInstant(request.expiresAt, deps.clock.now());
  const token = newLinkToken();
  const link: ShareLink = {
    id: linkIdOf(token),
    ownerId,
    resourceType: request.resourceType,
    resourceId: request.resourceId,
    permissions: normalisePermissions(request.permissions),
    ...(expiresAt ? { expiresAt } : {}),
    ...(request.maxUses !== undefined ? { maxUses: request.maxUses } : {}),
    uses: 0,
    ...(request.pin !== undefined ? { pin: await hashPin(request.pin) } : {}),
    failedPinAttempts: 0,
    createdAt: deps.clock.now().toISOString(),
    createdBy: context.principal.sub,
  };
  await commitAudited(
    deps,
    context,
    link,
    { links: [{ next: link }] },
    {
      action: 'link.create',
      detail: {
        linkId: link.id,
        permissions: link.permissions.join(','),
        pin: link.pin !== undefined,
        ...(expiresAt ? { expiresAt } : {}),
        ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}),
      },
    },
  );
  return { link, token };
}

export function listLinks(deps: LinkDeps, context: RequestContext, page: PageRequest): Promise<Page<ShareLink>> {
  return deps.repository.listLinks(ownVault(context.principal), page);
}

export async function revokeLink(deps: LinkDeps, context: RequestContext, linkId: string): Promise<void> {
  const ownerId = ownVault(context.principal);
  await retryOnConcurrentUpdate(async () => {
    const link = await deps.repository.getLink(linkId);
    if (!link || link.ownerId !== ownerId || link.revokedAt) throw new NotFoundError('Link');
    await commitAudited(
      deps,
      context,
      link,
      {
        links: [
          {
            next: { ...link, revokedAt: deps.clock.now().toISOString(), revokedBy: context.principal.sub },
            previous: link,
          },
        ],
      },
      { action: 'link.revoke', detail: { linkId: link.id } },
    );
  });
}

/** What the holder of a link presents: the token from the URL and, for a protected link, the PIN. */
export interface LinkCredentials {
  token: string;
  pin?: string;
}

/** The per-IP budget of unknown tokens, in one-minute windows. */
function missWindow(deps: LinkDeps, sourceIp: string) {
  const now = deps.clock.now().getTime();
  const start = Math.floor(now / 60_000) * 60_000;
  return {
    key: `link-miss#${sourceIp}#${new Date(start).toISOString().slice(0, 16)}`,
    retryAfterSeconds: Math.max(1, Math.ceil((start + 60_000 - now) / 1000)),
    forgetAt: new Date(start + 120_000).toISOString(),
  };
}

/**
 * One use of a link: the checks in order (rate limit, token, revoked, expired, used up,
 * locked, PIN, permission, scope), then the use is counted with a write conditional on the
 * link being unchanged since it was read, so concurrent uses never exceed `maxUses`. Every
 * refusal of a link that exists, and every use, is audited in the owner's history.
 */
async function useLink<T>(
  deps: LinkDeps,
  context: RequestContext,
  credentials: LinkCredentials,
  part: 'view' | 'content',
  resolve: (link: ShareLink) => Promise<T | undefined>,
): Promise<{ link: ShareLink; value: T }> {
  const window = missWindow(deps, context.sourceIp);
  if ((await deps.repository.getCounter(window.key)) >= deps.policy.linkMissesPerMinute) {
    throw new RateLimitedError('Too many unknown links from this address', window.retryAfterSeconds);
  }
  const linkId = linkIdOf(credentials.token);
  return retryOnConcurrentUpdate(async () => {
    const link = await deps.repository.getLink(linkId);
    if (!link) {
      await deps.repository.incrementCounter(window.key, window.forgetAt);
      throw new NotFoundError('Link');
    }
    const now = deps.clock.now();
    const audit = (outcome: 'success' | 'denied', detail: Record<string, string | number | boolean>) =>
      auditEntry(deps, context, {
        ownerId: link.ownerId,
        action: outcome === 'success' ? accessActions.linkOpen : accessActions.linkDenied,
        resourceType: link.resourceType,
        resourceId: link.resourceId,
        outcome,
        detail: { linkId, part, ...detail },
      });
    const deny = async (reason: string, error: Error): Promise<never> => {
      await deps.repository.appendAudit(audit('denied', { reason }));
      throw error;
    };
    if (isRevokedOrExpired(link, now)) await deny(link.revokedAt ? 'revoked' : 'expired', new NotFoundError('Link'));
    if (link.maxUses !== undefined && link.uses >= link.maxUses) await deny('used-up', new NotFoundError('Link'));
    const lockedFor = link.lockedUntil ? Math.ceil((Date.parse(link.lockedUntil) - now.getTime()) / 1000) : 0;
    if (lockedFor > 0)
      await deny('locked', new RateLimitedError('Too many wrong PINs; the link is locked for a while', lockedFor));
    // Every write below replaces the lock: a wrong PIN sets a new one, a use clears it.
    const { lockedUntil: _lock, ...unlocked } = link;
    if (link.pin) {
      if (credentials.pin === undefined) throw new PinRequiredError('This link needs its PIN (x-link-pin header)');
      if (!(await pinMatches(credentials.pin, link.pin))) {
        const failures = link.failedPinAttempts + 1;
        const locks = failures >= deps.policy.linkPinAttempts;
        const next: ShareLink = locks
          ? {
              ...unlocked,
              failedPinAttempts: 0,
              lockedUntil: new Date(now.getTime() + deps.policy.linkLockSeconds * 1000).toISOString(),
            }
          : { ...unlocked, failedPinAttempts: failures };
        await deps.repository.commit({
          ownerId: link.ownerId,
          links: [{ next, previous: link }],
          audit: [audit('denied', { reason: 'wrong-pin', locked: locks })],
        });
        throw locks
          ? new RateLimitedError('Too many wrong PINs; the link is locked for a while', deps.policy.linkLockSeconds)
          : new PinRequiredError('Wrong PIN');
      }
    }
    if (part === 'content' && !link.permissions.includes('download')) {
      await deny('no-download-permission', new PermissionDeniedError('This link does not allow downloading'));
    }
    const value = await resolve(link);
    if (value === undefined) return deny('outside-link', new NotFoundError('Document'));
    const next: ShareLink = { ...unlocked, uses: link.uses + 1, failedPinAttempts: 0 };
    await deps.repository.commit({
      ownerId: link.ownerId,
      links: [{ next, previous: link }],
      audit: [audit('success', { use: next.uses })],
    });
    return { link: next, value };
  });
}

export type LinkView = { document: VaultDocument } | ScopeListing;

/**
 * What a link shares: the document's metadata, or a folder inside the shared folder with its subfolders and documents.
 */
export async function openLink(
  deps: LinkDeps,
  context: RequestContext,
  credentials: LinkCredentials,
  options: { folderId?: string; page: PageRequest },
): Promise<{ link: ShareLink; view: LinkView }> {
  const { link, value } = await useLink(
    deps,
    context,
    credentials,
    'view',
    async (scope): Promise<LinkView | undefined> => {
      if (scope.resourceType === 'document') {
        if (options.folderId) return undefined;
        const root = await scopeRoot(deps, scope);
        return root && 'document' in root ? { document: root.document } : undefined;
      }
      return listScopeFolder(deps, scope, options.folderId, options.page);
    },
  );
  return { link, view: value };
}

/** A presigned download of a shared document (for a folder link, name the document inside it). */
export async function getLinkContentUrl(
  deps: LinkDeps,
  context: RequestContext,
  credentials: LinkCredentials,
  documentId?: string,
): Promise<string> {
  const { value } = await useLink(deps, context, credentials, 'content', async (scope) => {
    const document = await documentInScope(deps, scope, documentId ?? scope.resourceId);
    return document && (await presignCurrentContent(deps, document)).url;
  });
  return value;
}
