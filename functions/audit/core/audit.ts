import type { AuditEntry, AuditOutcome, AuditResourceType } from './audit-model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';

export interface AuditFacts {
  ownerId: string;
  action: string;
  resourceType: AuditResourceType;
  resourceId: string;
  outcome?: AuditOutcome;
  detail?: Record<string, string | number | boolean>;
}

/** One audit entry for an act of the caller in `context`, stamped now. */
export function auditEntry(
  deps: { clock: Clock; ids: IdGenerator },
  context: RequestContext,
  facts: AuditFacts,
): AuditEntry {
  const { principal } = context;
  return {
    id: deps.ids.newId(),
    ownerId: facts.ownerId,
    at: deps.clock.now().toISOString(),
    actor: {
      sub: principal.sub,
      role: principal.role,
      ...(principal.unit ? { unit: principal.unit } : {}),
      ...(principal.ownerId ? { ownerId: principal.ownerId } : {}),
    },
    action: facts.action,
    resourceType: facts.resourceType,
    resourceId: facts.resourceId,
    outcome: facts.outcome ?? 'success',
    sourceIp: context.sourceIp,
    ...(context.userAgent ? { userAgent: context.userAgent } : {}),
    ...(facts.detail ? { detail: facts.detail } : {}),
  };
}

/** The workflow acts as a system principal; its audit entries say so. */
export const workflowContext: RequestContext = {
  principal: { sub: 'system:digitize-workflow', role: 'admin' },
  sourceIp: 'internal',
  requestId: 'workflow',
};

/** Refused look-ups by officers and administrators, who have no vault, are chained here. */
export const staffAuditOwner = 'staff';

/**
 * A look-up by id that found nothing the caller may reach: audited in the caller's own
 * vault-level history (not the history of any resource), so probing for other people's ids
 * leaves a trace without revealing whose they are. Officers and administrators have no vault:
 * theirs go to the `staff` pseudo-owner, under their own sub.
 */
export async function auditRefusedLookup(
  deps: { repository: Pick<UnitOfWork, 'appendAudit'>; clock: Clock; ids: IdGenerator },
  context: RequestContext,
  facts: { requestedType: AuditResourceType; requestedId: string; operation: string },
): Promise<void> {
  const ownerId = context.principal.ownerId ?? staffAuditOwner;
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId,
      action: 'access.refused',
      resourceType: 'vault',
      resourceId: context.principal.ownerId ?? context.principal.sub,
      outcome: 'denied',
      detail: {
        operation: facts.operation,
        requestedType: facts.requestedType,
        requestedId: facts.requestedId,
        reason: 'not-found',
      },
    }),
  );
}

/** The not-found hook of an HTTP route group whose routes take the id (`params.id`) of one kind of resource. */
export function refusedLookupAudit(deps: Parameters<typeof auditRefusedLookup>[0], requestedType: AuditResourceType) {
  return async (context: RequestContext, operation: string, params: Record<string, unknown>) => {
    if (typeof params.id !== 'string') return;
    await auditRefusedLookup(deps, context, { requestedType, requestedId: params.id, operation });
  };
}
