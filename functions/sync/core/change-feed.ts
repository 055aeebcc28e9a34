import { InvalidInputError } from '../../platform/core/errors.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { VaultDocument } from '../../vault/core/model.ts';
import { requireUnitSystem, type SyncAuditDeps } from './sync-audit.ts';
import { anyValue, effectiveRule, type SyncPolicyStore, type SyncRule } from './sync-policy.ts';

export type ChangeKind = 'filed' | 'revoked';

/** A change of an issued document as units' systems see it: metadata only, never content. */
export interface DocumentChange {
  documentId: string;
  ownerId: string;
  type: string;
  number?: string;
  issuer?: string;
  issuingUnit?: string;
  version: number;
  change: ChangeKind;
  at: string;
}

/**
 * The feed entry a document write makes, if any: an issued document with a type that is filed
 * (first or a new version) or revoked. The unit of work writes it in the same transaction.
 */
export function documentChangeOf(next: VaultDocument, previous: VaultDocument | undefined): DocumentChange | undefined {
  if (next.source !== 'issued' || !next.type || next.trashedAt) return undefined;
  const revokedNow = Boolean(next.revoked) && !previous?.revoked;
  const newVersion = !previous || previous.currentVersion !== next.currentVersion;
  if (!revokedNow && !newVersion) return undefined;
  return {
    documentId: next.id,
    ownerId: next.ownerId,
    type: next.type,
    ...(next.number ? { number: next.number } : {}),
    ...(next.issuer ? { issuer: next.issuer } : {}),
    ...(next.issuingUnit ? { issuingUnit: next.issuingUnit } : {}),
    version: next.currentVersion,
    change: revokedNow ? 'revoked' : 'filed',
    at: next.updatedAt,
  };
}

/** The day partition a change is stored under (UTC). */
export const feedDayOf = (at: string) => at.slice(0, 10);

/** A change as read back, with its opaque position inside its day. */
export interface FeedEntry {
  change: DocumentChange;
  position: string;
}

/** Reads one day of the feed in order, after `after`, of changes stamped before `before`. */
export interface ChangeFeedStore {
  readChanges(query: { day: string; after?: string; before: string; limit: number }): Promise<FeedEntry[]>;
}

/** Where a reader stands: a day, and the last position read in it. */
export interface FeedPosition {
  day: string;
  after?: string;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

export function encodeFeedCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify({ d: position.day, ...(position.after ? { a: position.after } : {}) })).toString(
    'base64url',
  );
}

/** A cursor comes back from a client: anything but one we wrote is a 400. */
export function decodeFeedCursor(cursor: string): FeedPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { d, a, ...rest } = value as Record<string, unknown>;
      const validAfter = a === undefined || (typeof a === 'string' && a.length <= 300 && a.startsWith(String(d)));
      if (Object.keys(rest).length === 0 && typeof d === 'string' && dayPattern.test(d) && validAfter) {
        return { day: d, ...(typeof a === 'string' ? { after: a } : {}) };
      }
    }
  } catch {
    // reported below
  }
  throw new InvalidInputError('The feed cursor is not valid');
}

export interface FeedSettings {
  /**
   * Days back a reader without a cursor starts; entries are stored a few days longer
   * (`feedEntryKeepDays`). Not the sync policy's per-rule retention, which only withholds.
   */
  windowDays: number;
  /**
   * Changes stamped less than this long ago are not read yet: a transaction stamped earlier may
   * still be committing, and a cursor must never pass it.
   */
  settleMs: number;
}

export const defaultFeedSettings: FeedSettings = { windowDays: 30, settleMs: 10_000 };

/**
 * How long a feed entry is stored (its TTL): the reading window and 5 days for a reader resuming
 * an older cursor. The longest retention the integration honours: a rule's longer one, or `keep`,
 * ends here too, so nothing is offered that DynamoDB's lazy TTL merely has not deleted yet.
 */
export const feedEntryKeepDays = defaultFeedSettings.windowDays + 5;

export interface ChangeFeedDeps extends SyncAuditDeps {
  changeFeed: ChangeFeedStore;
  syncPolicies: SyncPolicyStore;
  feedSettings: FeedSettings;
}

const dayMs = 24 * 3600 * 1000;

/** Whether a change made at `at` is still within a rule's retention at `now` (`keep`: the feed's own limit). */
export function withinRetention(retention: SyncRule['retention'], at: string, now: Date): boolean {
  const days = retention === 'keep' ? feedEntryKeepDays : Math.min(retention, feedEntryKeepDays);
  return now.getTime() < Date.parse(at) + days * dayMs;
}

/**
 * Whether the policy offers a change to a unit's systems now: the rule for the document's issuing
 * unit and type shares it with the unit, and its retention, counted from the change (the filing of
 * that version, or the revocation), has not run out. Read at read time, so a changed rule applies
 * to later reads, and an entry past its retention is withheld even from a reader that has not had it.
 */
export function offeredTo(rules: readonly SyncRule[], change: DocumentChange, unit: string, now: Date): boolean {
  const rule = effectiveRule(rules, { unit: change.issuingUnit ?? anyValue, documentType: change.type });
  return rule.shareWith.includes(unit) && withinRetention(rule.retention, change.at, now);
}

/** Entries examined per request at most, so a unit that may see little still gets an answer quickly. */
const maxExaminedPerRead = 1_000;

/**
 * The changes the policy shares with `unit`, in feed order, after `position`; the returned
 * position is past every entry examined (shared or not), so a resumed read continues exactly.
 */
export async function changesForUnit(
  deps: Omit<ChangeFeedDeps, 'repository' | 'ids'>,
  unit: string,
  position: FeedPosition | undefined,
  limit: number,
): Promise<{ changes: FeedEntry[]; position: FeedPosition; caughtUp: boolean }> {
  const readAt = deps.clock.now();
  const now = readAt.getTime();
  const before = new Date(now - deps.feedSettings.settleMs).toISOString();
  const lastDay = feedDayOf(before);
  let current: FeedPosition = position ?? {
    day: feedDayOf(new Date(now - deps.feedSettings.windowDays * dayMs).toISOString()),
  };
  const rules = (await deps.syncPolicies.currentPolicy())?.rules ?? [];
  const changes: FeedEntry[] = [];
  let examined = 0;
  while (changes.length < limit && examined < maxExaminedPerRead) {
    const batch = Math.min(100, maxExaminedPerRead - examined);
    const entries = await deps.changeFeed.readChanges({ ...current, before, limit: batch });
    for (const entry of entries) {
      examined += 1;
      current = { day: current.day, after: entry.position };
      if (offeredTo(rules, entry.change, unit, readAt)) changes.push(entry);
      if (changes.length === limit) break;
    }
    if (changes.length === limit || entries.length === batch) continue;
    // This day is read up to the horizon: the next day, unless this is the horizon's.
    if (current.day >= lastDay) return { changes, position: current, caughtUp: true };
    current = { day: feedDayOf(new Date(Date.parse(`${current.day}T00:00:00Z`) + dayMs).toISOString()) };
  }
  return { changes, position: current, caughtUp: false };
}

/** The feed's present end: what a new reader that wants nothing of the past starts from. */
export function presentPosition(deps: { clock: { now(): Date }; feedSettings: FeedSettings }): FeedPosition {
  const before = new Date(deps.clock.now().getTime() - deps.feedSettings.settleMs).toISOString();
  return { day: feedDayOf(before), after: before };
}

/** `GET /v1/integration/changes`: a unit's system reads what the policy shares with its unit. */
export async function readChangeFeed(
  deps: ChangeFeedDeps,
  context: RequestContext,
  request: { cursor?: string; limit: number },
) {
  const { unit } = await requireUnitSystem(deps, context, 'sync:read', 'readChanges');
  const position = request.cursor ? decodeFeedCursor(request.cursor) : undefined;
  const result = await changesForUnit(deps, unit, position, request.limit);
  return {
    items: result.changes.map((entry) => entry.change),
    nextCursor: encodeFeedCursor(result.position),
    caughtUp: result.caughtUp,
  };
}
