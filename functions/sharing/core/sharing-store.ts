import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { Page, PageRequest } from '../../platform/core/page.ts';
import type { Grantee, Share, SharedResourceType, ShareLink } from './share-model.ts';

/** Reads of shares; they are written through the unit of work. */
export interface ShareStore {
  /** A share by id, whoever granted it (revoked ones too: the core decides what the caller may see). */
  getShare(shareId: string): Promise<Share | undefined>;
  /** Shares this owner (or resharing grantee) granted and has not revoked, newest first. */
  listSharesGrantedBy(
    granterId: string,
    resourceType: SharedResourceType | undefined,
    page: PageRequest,
  ): Promise<Page<Share>>;
  /** Shares granted to this citizen or organisation and not revoked, newest first (expired ones included). */
  listSharesGrantedTo(
    grantee: Grantee,
    resourceType: SharedResourceType | undefined,
    page: PageRequest,
  ): Promise<Page<Share>>;
  /** Every unrevoked consent an owner gave an officers' unit. */
  listUnitConsents(unit: string, ownerId: string): Promise<Share[]>;
}

/** Reads of links; they are written through the unit of work. */
export interface LinkStore {
  /** A link by id (the hex SHA-256 of its token). */
  getLink(linkId: string): Promise<ShareLink | undefined>;
  /** The owner's unrevoked links, newest first. */
  listLinks(ownerId: string, page: PageRequest): Promise<Page<ShareLink>>;
}

/** Counters that throttle guessing (link misses per source and minute). */
export interface RateLimitCounters {
  /** The value of a rate-limit counter (0 when absent). */
  getCounter(key: string): Promise<number>;
  /** Adds one to a rate-limit counter, atomically, and returns the new value; it is forgotten after `expiresAt`. */
  incrementCounter(key: string, expiresAt: string): Promise<number>;
}

/** The owner's access log. */
export interface AccessLogStore {
  /** Reads of the owner's papers by others (see access-log.ts), newest first. */
  listAccessLog(ownerId: string, page: PageRequest): Promise<Page<AuditEntry>>;
}
