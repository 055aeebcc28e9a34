import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import type { AccessLogStore } from './sharing-store.ts';

export interface AccessLogDeps {
  repository: AccessLogStore;
}

/**
 * Acts of someone other than the owner on the owner's papers: grantees, link holders and
 * officers reading them, officers pulling papers into the vault, or trying to. These audit
 * entries also go to the owner's access log.
 */
export const accessActions = {
  granteeRead: 'document.grantee-read',
  granteeList: 'folder.grantee-list',
  granteeDenied: 'share.access-denied',
  linkOpen: 'link.open',
  linkDenied: 'link.access-denied',
  officerRead: 'document.officer-read',
  officerDenied: 'document.officer-read-denied',
  officerLookup: 'document.lookup',
  officerPull: 'national-warehouse.officer-pull-request',
  officerPullDenied: 'national-warehouse.officer-pull-denied',
  /** The national warehouse fetching a pushed result through its link (functions/sync/core/portal-links.ts). */
  portalFetch: 'document.portal-fetch',
  portalFetchDenied: 'document.portal-fetch-denied',
} as const;

const accessActionSet = new Set<string>(Object.values(accessActions));

export function isAccessByOthers(entry: AuditEntry): boolean {
  return accessActionSet.has(entry.action);
}

/** "Who looked at my papers and why": the caller's access log, newest first. */
export function getAccessLog(
  deps: AccessLogDeps,
  context: RequestContext,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  return deps.repository.listAccessLog(ownVault(context.principal), page);
}
