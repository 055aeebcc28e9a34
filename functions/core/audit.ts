import type { AuditEntry, AuditOutcome, AuditResourceType } from './model.ts';
import type { RequestContext } from './principal.ts';
import type { Clock, IdGenerator } from './runtime.ts';

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
