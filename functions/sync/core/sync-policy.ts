/** How an issued document of a unit and type goes to the national warehouse. */
export type PushMode = 'immediate' | 'hourly' | 'never';

/** What the sync worker and the dispatcher decide a push by: the unit that issued it and its type. */
export interface PushSubject {
  unit: string;
  documentType: string;
}

/** The push mode, and the policy version it was read from (0 before any rule was stored). */
export interface PushDecision {
  push: PushMode;
  policyVersion: number;
}

/** The push decision the sync worker asks for; a policy that names nothing answers `immediate`. */
export interface SyncPolicy {
  pushFor(subject: PushSubject): Promise<PushDecision>;
}

/** `*` in a rule's unit or document type matches any. */
export const anyValue = '*';

/** One administrator's rule: for documents issued by `unit` of `documentType`. */
export interface SyncRule {
  unit: string;
  documentType: string;
  push: PushMode;
  /** Unit codes whose systems may read these documents in the change feed and webhooks. */
  shareWith: string[];
  /** Days to keep, or `keep` (no limit). */
  retention: number | 'keep';
}

/** The whole policy at one version; every change stores a new one and keeps the old. */
export interface SyncPolicyVersion {
  version: number;
  rules: SyncRule[];
  createdAt: string;
  createdBy: string;
  /** What this version changed, for the list of versions. */
  change: { kind: 'put' | 'delete'; unit: string; documentType: string };
}

/** What applies when no rule matches. */
export const defaultRule: Omit<SyncRule, 'unit' | 'documentType'> = {
  push: 'immediate',
  shareWith: [],
  retention: 'keep',
};

export type EffectiveRule = Omit<SyncRule, 'unit' | 'documentType'> & {
  matched?: { unit: string; documentType: string };
};

/** The most specific rule wins: unit+type, then unit+*, then *+type, then *+*; else the default. */
export function effectiveRule(
  rules: readonly SyncRule[],
  subject: { unit: string; documentType: string },
): EffectiveRule {
  const candidates: [string, string][] = [
    [subject.unit, subject.documentType],
    [subject.unit, anyValue],
    [anyValue, subject.documentType],
    [anyValue, anyValue],
  ];
  for (const [unit, documentType] of candidates) {
    const rule = rules.find((r) => r.unit === unit && r.documentType === documentType);
    if (rule) {
      const { push, shareWith, retention } = rule;
      return { push, shareWith, retention, matched: { unit, documentType } };
    }
  }
  return { ...defaultRule };
}

/** Where the policy's versions live. `save` fails with ConcurrentUpdateError if `previous` is no longer current. */
export interface SyncPolicyStore {
  currentPolicy(): Promise<SyncPolicyVersion | undefined>;
  /** Every version, oldest first. */
  policyVersions(): Promise<SyncPolicyVersion[]>;
}

/** The push decision from the stored policy, read on every call so a change applies at once. */
export function storedSyncPolicy(store: SyncPolicyStore): SyncPolicy {
  return {
    async pushFor(subject) {
      const current = await store.currentPolicy();
      return { push: effectiveRule(current?.rules ?? [], subject).push, policyVersion: current?.version ?? 0 };
    },
  };
}

const hourMs = 3600 * 1000;

/**
 * When a record held for the hourly batch is released: the next full hour after `now`. Full hours
 * are the same in UTC and in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving), so the batch
 * runs at 08:00, 09:00… Vietnam time whichever the clock reads.
 */
export function nextBatchRelease(now: Date): Date {
  return new Date((Math.floor(now.getTime() / hourMs) + 1) * hourMs);
}
