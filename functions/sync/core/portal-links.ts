/**
 * The download link a pushed dossier carries (`DuongDanTepTinKetQua`): a URL of our own API, not a
 * presigned S3 URL. A presigned URL dies with the credentials that signed it, and the sync
 * consumer's role session can end long before the portal fetches; our link lives as long as we
 * say, and each fetch is answered with a presigned GET signed there and then.
 */
import { auditEntry } from '../../audit/core/audit.ts';
import type { BlobStore } from '../../platform/core/blob-store.ts';
import { NotFoundError } from '../../platform/core/errors.ts';
import type { Principal, RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import { accessActions } from '../../sharing/core/access-log.ts';
import { linkIdOf, newLinkToken } from '../../sharing/core/link-secrets.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { DocumentStore, VersionStore } from '../../vault/core/vault-store.ts';

/**
 * 72 hours: the portal fetches on its own schedule, behind its backlog (and ours after an
 * outage), and a dossier pushed on a Friday evening may wait for Monday; a link that expired first
 * leaves a synced result nobody can open, and nothing tells us. Longer would leave a leaked link
 * usable for days; within the 72 hours every fetch is in the owner's access log and revoking the
 * result ends it. A new version or a redrive pushes a fresh link.
 */
export const portalLinkSeconds = 72 * 3600;

/** What a link names; the id is the hex SHA-256 of the token, which is never stored. */
export interface PortalLink {
  id: string;
  ownerId: string;
  documentId: string;
  versionNumber: number;
  createdAt: string;
  expiresAt: string;
}

export interface PortalLinkStore {
  putPortalLink(link: PortalLink): Promise<void>;
  getPortalLink(id: string): Promise<PortalLink | undefined>;
}

export interface IssuePortalLinkDeps {
  store: Pick<PortalLinkStore, 'putPortalLink'>;
  /** The API's public origin (and base path), as the portal reaches it. */
  baseUrl: string;
  clock: Clock;
}

/** Stores a new link to one version and answers its URL: the only time the token exists outside the portal. */
export async function issuePortalLink(
  deps: IssuePortalLinkDeps,
  target: { ownerId: string; documentId: string; versionNumber: number },
): Promise<string> {
  const token = newLinkToken();
  const now = deps.clock.now();
  await deps.store.putPortalLink({
    id: linkIdOf(token),
    ...target,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + portalLinkSeconds * 1000).toISOString(),
  });
  return `${deps.baseUrl.replace(/\/+$/, '')}/v1/portal-links/${token}`;
}

/** Who fetches: the holder of a token we gave only to the national warehouse. */
export const nationalWarehousePrincipal: Principal = { sub: 'national-warehouse', role: 'system' };

export interface OpenPortalLinkDeps {
  links: Pick<PortalLinkStore, 'getPortalLink'>;
  repository: Pick<DocumentStore, 'getDocument'> & Pick<VersionStore, 'getVersion'> & Pick<UnitOfWork, 'appendAudit'>;
  blobs: Pick<BlobStore, 'presignDownload'>;
  clock: Clock;
  ids: IdGenerator;
  /** How long the presigned GET the fetch is redirected to lives (at most 5 minutes). */
  downloadUrlTtlSeconds: number;
}

/**
 * One fetch of a link: a presigned GET of exactly the version it names. Unknown, expired, revoked
 * or gone all answer the same 404, so the answer tells a token holder nothing; every refusal of a
 * link that exists, and every fetch, is in the owner's chain and access log.
 */
export async function openPortalLink(
  deps: OpenPortalLinkDeps,
  context: RequestContext,
  token: string,
): Promise<string> {
  const link = await deps.links.getPortalLink(linkIdOf(token));
  if (!link) throw new NotFoundError('Link');
  const fetcher: RequestContext = { ...context, principal: nationalWarehousePrincipal };
  const audit = (outcome: 'success' | 'denied', detail: Record<string, string | number>) =>
    deps.repository.appendAudit(
      auditEntry(deps, fetcher, {
        ownerId: link.ownerId,
        action: outcome === 'success' ? accessActions.portalFetch : accessActions.portalFetchDenied,
        resourceType: 'document',
        resourceId: link.documentId,
        outcome,
        detail: { linkId: link.id, version: link.versionNumber, ...detail },
      }),
    );
  const refuse = async (reason: string): Promise<never> => {
    await audit('denied', { reason });
    throw new NotFoundError('Link');
  };
  // DynamoDB's TTL removes items up to days late: the expiry is checked here.
  if (Date.parse(link.expiresAt) <= deps.clock.now().getTime()) return refuse('expired');
  const document = await deps.repository.getDocument(link.ownerId, link.documentId);
  if (!document) return refuse('document-missing');
  if (document.revoked) return refuse('revoked');
  if (document.trashedAt) return refuse('trashed');
  const version = await deps.repository.getVersion(link.ownerId, link.documentId, link.versionNumber);
  if (!version) return refuse('version-missing');
  const url = await deps.blobs.presignDownload({
    key: version.blobKey,
    fileName: version.fileName,
    contentType: version.contentType,
    expiresInSeconds: Math.min(deps.downloadUrlTtlSeconds, 300),
  });
  await audit('success', {});
  return url;
}
