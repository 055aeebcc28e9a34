import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { Page, PageRequest } from '../../functions/platform/core/page.ts';
import { isAccessByOthers } from '../../functions/sharing/core/access-log.ts';
import type { Grantee, Share, SharedResourceType, ShareLink } from '../../functions/sharing/core/share-model.ts';
import type {
  AccessLogStore,
  LinkStore,
  RateLimitCounters,
  ShareStore,
} from '../../functions/sharing/core/sharing-store.ts';
import { auditPage } from './in-memory-audit-log.ts';
import { copy, paginate, type InMemoryRecords } from './in-memory-records.ts';

/** Shares, links, counters and the access log read from the in-memory records. */
export function inMemorySharingStore(
  records: InMemoryRecords,
): ShareStore & LinkStore & RateLimitCounters & AccessLogStore {
  return {
    async getShare(shareId: string): Promise<Share | undefined> {
      const share = records.shares.get(shareId);
      return share && copy(share);
    },

    async listSharesGrantedBy(
      granterId: string,
      resourceType: SharedResourceType | undefined,
      page: PageRequest,
    ): Promise<Page<Share>> {
      const shares = [...records.shares.values()].filter(
        (share) =>
          share.grantedBy === granterId && !share.revokedAt && (!resourceType || share.resourceType === resourceType),
      );
      return paginate(
        `shares-by|${granterId}|${resourceType ?? ''}`,
        shares,
        (share) => [share.createdAt, share.id],
        page,
      );
    },

    async listSharesGrantedTo(
      grantee: Grantee,
      resourceType: SharedResourceType | undefined,
      page: PageRequest,
    ): Promise<Page<Share>> {
      const shares = [...records.shares.values()].filter(
        (share) =>
          share.grantee.kind === grantee.kind &&
          share.grantee.id === grantee.id &&
          !share.revokedAt &&
          (!resourceType || share.resourceType === resourceType),
      );
      return paginate(
        `shares-to|${grantee.kind}|${grantee.id}|${resourceType ?? ''}`,
        shares,
        (share) => [share.createdAt, share.id],
        page,
      );
    },

    async listUnitConsents(unit: string, ownerId: string): Promise<Share[]> {
      return [...records.shares.values()]
        .filter(
          (share) =>
            share.grantee.kind === 'unit' && share.grantee.id === unit && share.ownerId === ownerId && !share.revokedAt,
        )
        .map(copy);
    },

    async getLink(linkId: string): Promise<ShareLink | undefined> {
      const link = records.links.get(linkId);
      return link && copy(link);
    },

    async listLinks(ownerId: string, page: PageRequest): Promise<Page<ShareLink>> {
      const links = [...records.links.values()].filter((link) => link.ownerId === ownerId && !link.revokedAt);
      return paginate(`links|${ownerId}`, links, (link) => [link.createdAt, link.id], page);
    },

    async listAccessLog(ownerId: string, page: PageRequest): Promise<Page<AuditEntry>> {
      return auditPage(
        records,
        `access|${ownerId}`,
        ({ entry }) => entry.ownerId === ownerId && isAccessByOthers(entry),
        page,
      );
    },

    /** Counters past their time are gone, as DynamoDB's TTL would (eventually) make them. */
    async getCounter(key: string): Promise<number> {
      const counter = records.counters.get(key);
      return counter ? counter.value : 0;
    },

    async incrementCounter(key: string, expiresAt: string): Promise<number> {
      const value = (records.counters.get(key)?.value ?? 0) + 1;
      records.counters.set(key, { value, expiresAt });
      return value;
    },
  };
}
