import type { Grantee, Share, ShareLink } from '../core/share-model.ts';
import { tableSchema } from '../../platform/storage/table-schema.ts';

/**
 * Storage keys of shares, links and rate-limit counters (docs/data-model.md). Shares and
 * links have their own partitions, read by id; their listings are sparse index entries that
 * exist only while they are not revoked.
 */

type Item = Record<string, unknown>;

/** Expired and revoked grants are kept a while for the audit's sake, then DynamoDB's TTL removes them. */
const keepAfterEndSeconds = 30 * 24 * 3600;

export const shareKey = (id: string) => ({ pk: `SHARE#${id}`, sk: 'SHARE' });
export const linkKey = (id: string) => ({ pk: `LINK#${id}`, sk: 'LINK' });
export const counterKey = (key: string) => ({ pk: `COUNTER#${key}`, sk: 'COUNTER' });

/** "Shared by me": everything one owner (or resharing grantee) granted. */
export const sharesByPk = (granterId: string) => `SHARED-BY#${granterId}`;
/**
 * "Shared with me" for citizens and organisations; a unit's consents are kept per owner, so
 * an officer's read looks only at the consents of the citizen whose paper it is.
 */
export const sharesToPk = (grantee: Grantee, ownerId?: string) =>
  grantee.kind === 'unit' ? `SHARED-WITH#unit#${grantee.id}#${ownerId}` : `SHARED-WITH#${grantee.kind}#${grantee.id}`;
export const linksPk = (ownerId: string) => `OWNER#${ownerId}#LINKS`;

function expiryEpoch(record: { expiresAt?: string; revokedAt?: string }): { [tableSchema.ttlAttribute]?: number } {
  const end = [record.revokedAt, record.expiresAt].filter((value): value is string => value !== undefined).sort()[0];
  return end ? { [tableSchema.ttlAttribute]: Math.floor(Date.parse(end) / 1000) + keepAfterEndSeconds } : {};
}

export function shareItem(share: Share): Item {
  const sortKey = `${share.resourceType}#${share.createdAt}#${share.id}`;
  const listed = share.revokedAt
    ? {}
    : { gsi1pk: sharesToPk(share.grantee, share.ownerId), gsi1sk: sortKey, gsi2pk: sharesByPk(share.grantedBy), gsi2sk: sortKey };
  return { ...share, ...shareKey(share.id), ...listed, ...expiryEpoch(share), entity: 'share' };
}

export function linkItem(link: ShareLink): Item {
  const listed = link.revokedAt ? {} : { gsi1pk: linksPk(link.ownerId), gsi1sk: `${link.createdAt}#${link.id}` };
  return { ...link, ...linkKey(link.id), ...listed, ...expiryEpoch(link), entity: 'link' };
}

export function counterItem(key: string, expiresAt: string) {
  return { key: counterKey(key), expiresAtEpoch: Math.floor(Date.parse(expiresAt) / 1000) };
}
