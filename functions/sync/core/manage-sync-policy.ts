import { auditEntry } from '../../audit/core/audit.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { NotFoundError } from '../../platform/core/errors.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import { requireAdministrator, syncAuditOwner, type SyncAuditDeps } from './sync-audit.ts';
import type { SyncPolicyStore, SyncPolicyVersion, SyncRule } from './sync-policy.ts';

/** The policy store with the one write: a new version, written with its audit entry. */
export interface SyncPolicyRepository extends SyncPolicyStore {
  /** Fails with ConcurrentUpdateError when the current version is no longer `previous`. */
  savePolicy(next: SyncPolicyVersion, previous: SyncPolicyVersion | undefined, audit: AuditEntry[]): Promise<void>;
}

export interface SyncPolicyDeps extends SyncAuditDeps {
  syncPolicies: SyncPolicyRepository;
}

const sameSubject = (rule: Pick<SyncRule, 'unit' | 'documentType'>, unit: string, documentType: string) =>
  rule.unit === unit && rule.documentType === documentType;

/** The current rules (an empty policy at version 0 before any change). */
export async function currentSyncPolicy(deps: SyncPolicyDeps, context: RequestContext) {
  await requireAdministrator(deps, context, 'listSyncPolicies');
  const current = await deps.syncPolicies.currentPolicy();
  return { version: current?.version ?? 0, rules: current?.rules ?? [] };
}

export async function getSyncRule(
  deps: SyncPolicyDeps,
  context: RequestContext,
  unit: string,
  documentType: string,
): Promise<SyncRule> {
  await requireAdministrator(deps, context, 'getSyncPolicy');
  const rule = (await deps.syncPolicies.currentPolicy())?.rules.find((r) => sameSubject(r, unit, documentType));
  if (!rule) throw new NotFoundError('Sync rule');
  return rule;
}

export async function syncPolicyVersions(deps: SyncPolicyDeps, context: RequestContext) {
  await requireAdministrator(deps, context, 'listSyncPolicyVersions');
  return deps.syncPolicies.policyVersions();
}

/** Sets one rule (replacing the one for the same unit and type): a new policy version, audited. */
export async function putSyncRule(deps: SyncPolicyDeps, context: RequestContext, rule: SyncRule) {
  await requireAdministrator(deps, context, 'putSyncPolicy');
  return changePolicy(deps, context, { kind: 'put', unit: rule.unit, documentType: rule.documentType }, (rules) => [
    ...rules.filter((r) => !sameSubject(r, rule.unit, rule.documentType)),
    { ...rule, shareWith: [...new Set(rule.shareWith)].sort() },
  ]);
}

/** Removes one rule: a new policy version, audited; 404 when there is none. */
export async function deleteSyncRule(
  deps: SyncPolicyDeps,
  context: RequestContext,
  unit: string,
  documentType: string,
) {
  await requireAdministrator(deps, context, 'deleteSyncPolicy');
  return changePolicy(deps, context, { kind: 'delete', unit, documentType }, (rules) => {
    if (!rules.some((r) => sameSubject(r, unit, documentType))) throw new NotFoundError('Sync rule');
    return rules.filter((r) => !sameSubject(r, unit, documentType));
  });
}

function changePolicy(
  deps: SyncPolicyDeps,
  context: RequestContext,
  change: SyncPolicyVersion['change'],
  nextRules: (rules: SyncRule[]) => SyncRule[],
): Promise<SyncPolicyVersion> {
  return retryOnConcurrentUpdate(async () => {
    const previous = await deps.syncPolicies.currentPolicy();
    const next: SyncPolicyVersion = {
      version: (previous?.version ?? 0) + 1,
      rules: nextRules(previous?.rules ?? []).sort(
        (a, b) => a.unit.localeCompare(b.unit) || a.documentType.localeCompare(b.documentType),
      ),
      createdAt: deps.clock.now().toISOString(),
      createdBy: context.principal.sub,
      change,
    };
    const audit = auditEntry(deps, context, {
      ownerId: syncAuditOwner,
      action: `sync-policy.${change.kind}`,
      resourceType: 'sync-policy',
      resourceId: `${change.unit}/${change.documentType}`,
      detail: { version: next.version },
    });
    await deps.syncPolicies.savePolicy(next, previous, [audit]);
    return next;
  });
}
