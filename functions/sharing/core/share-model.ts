import { InvalidInputError } from '../../platform/core/errors.ts';
import { isEnterpriseCode, isPersonalId, type Principal } from '../../platform/core/principal.ts';

/** What a share or link lets its holder do. Metadata is always included: nobody downloads what they cannot name. */
const sharePermissions = ['metadata', 'content', 'download'] as const;
export type SharePermission = (typeof sharePermissions)[number];

export type SharedResourceType = 'document' | 'folder';

/** Citizens and organisations receive shares; an officers' unit receives a citizen's consent. */
export type GranteeKind = 'citizen' | 'organization' | 'unit';

export interface Grantee {
  kind: GranteeKind;
  /** A 12-digit personal ID, an enterprise code, or a unit code such as PC06. */
  id: string;
}

export interface SharedResource {
  resourceType: SharedResourceType;
  resourceId: string;
}

/** A grant of one owner's document or folder to one grantee. */
export interface Share extends SharedResource {
  id: string;
  /** The owner of the shared resource (whose history records everything done with it). */
  ownerId: string;
  grantee: Grantee;
  permissions: SharePermission[];
  expiresAt?: string;
  canReshare: boolean;
  /** Who granted it: the owner, or a grantee resharing (then `parentShareId` is the grant they hold). */
  grantedBy: string;
  parentShareId?: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** A link anyone holding its token may open. Only the token's SHA-256 (the id) and the PIN's scrypt hash are kept. */
export interface ShareLink extends SharedResource {
  /** Hex SHA-256 of the token. */
  id: string;
  ownerId: string;
  permissions: SharePermission[];
  expiresAt?: string;
  maxUses?: number;
  uses: number;
  pin?: { salt: string; hash: string };
  /** Wrong PINs since the last lock; at the limit the link locks for a while. */
  failedPinAttempts: number;
  lockedUntil?: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Unit codes as the ministry writes them: PC06, CA-HN-PC08. */
export const unitCodePattern = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export function validateGrantee(grantee: Grantee): Grantee {
  const valid =
    grantee.kind === 'citizen'
      ? isPersonalId(grantee.id)
      : grantee.kind === 'organization'
        ? isEnterpriseCode(grantee.id)
        : unitCodePattern.test(grantee.id);
  if (!valid) {
    throw new InvalidInputError(
      `The grantee id is not a valid ${grantee.kind === 'unit' ? 'unit code' : grantee.kind === 'citizen' ? '12-digit personal ID' : 'enterprise code'}`,
    );
  }
  return grantee;
}

/** The permissions as stored: known ones, once each, metadata always included, in a fixed order. */
export function normalisePermissions(requested: readonly SharePermission[]): SharePermission[] {
  const wanted = new Set<SharePermission>(['metadata', ...requested]);
  return sharePermissions.filter((permission) => wanted.has(permission));
}

/** The grantee a citizen or organisation principal is, if any (officers reach consents through their unit). */
export function granteeOf(principal: Principal): Grantee | undefined {
  if ((principal.role === 'citizen' || principal.role === 'organization') && principal.ownerId) {
    return { kind: principal.role, id: principal.ownerId };
  }
  return undefined;
}

export function isRevokedOrExpired(record: { revokedAt?: string; expiresAt?: string }, now: Date): boolean {
  return (
    record.revokedAt !== undefined || (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime())
  );
}

/** An expiry as stored: an ISO instant, which must lie after `now`. */
export function futureInstant(value: string | undefined, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidInputError('expiresAt must be a date and time');
  if (time <= now.getTime()) throw new InvalidInputError('expiresAt must be in the future');
  return new Date(time).toISOString();
}
