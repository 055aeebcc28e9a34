import { auditEntry } from '../../audit/core/audit.ts';
import type { AuditResourceType } from '../../audit/core/audit-model.ts';
import { ForbiddenRoleError } from '../../platform/core/errors.ts';
import type { MachineScope, RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';

/** Sync policy changes, units' feed and webhook acts (and refusals) are chained under this pseudo-owner. */
export const syncAuditOwner = 'sync';

export interface SyncAuditDeps {
  repository: Pick<UnitOfWork, 'appendAudit'>;
  clock: Clock;
  ids: IdGenerator;
}

async function refuse(
  deps: SyncAuditDeps,
  context: RequestContext,
  facts: { operation: string; resourceType: AuditResourceType; reason: string },
  message: string,
): Promise<never> {
  const { principal } = context;
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: syncAuditOwner,
      action: 'access.refused',
      resourceType: facts.resourceType,
      resourceId: principal.clientId ?? principal.sub,
      outcome: 'denied',
      detail: { operation: facts.operation, reason: facts.reason },
    }),
  );
  throw new ForbiddenRoleError(message);
}

/** Refuses (403, audited) anyone but an administrator. */
export async function requireAdministrator(deps: SyncAuditDeps, context: RequestContext, operation: string) {
  if (context.principal.role === 'admin') return;
  await refuse(
    deps,
    context,
    { operation, resourceType: 'sync-policy', reason: `role ${context.principal.role}` },
    'Only administrators manage the sync policy',
  );
}

/** Refuses (403, audited) anyone but a unit's system holding `scope`; answers the unit it acts for. */
export async function requireUnitSystem(
  deps: SyncAuditDeps,
  context: RequestContext,
  scope: MachineScope,
  operation: string,
): Promise<{ unit: string; clientId: string }> {
  const { principal } = context;
  if (principal.role === 'system' && principal.unit && principal.clientId && principal.scopes?.includes(scope)) {
    return { unit: principal.unit, clientId: principal.clientId };
  }
  const reason = principal.role === 'system' ? `missing-scope ${scope}` : `role ${principal.role}`;
  const message =
    principal.role === 'system' ? `This client lacks the ${scope} scope` : "Only units' systems use this route";
  return refuse(deps, context, { operation, resourceType: 'webhook', reason }, message);
}
