import { auditEntry } from '../../audit/core/audit.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { anonymousPrincipal, type RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';

/**
 * Refused tokens and logouts are chained under this pseudo-owner: their claims are not (or not
 * yet) verified, so they never reach the chain of the citizen a token claims to be.
 */
export const authAuditOwner = 'auth';

export interface AuthAuditDeps {
  appendAudit(entry: AuditEntry): Promise<void>;
  clock: Clock;
  ids: IdGenerator;
}

/** Where the request came from; the caller is anonymous until a token is verified. */
export type RequestSource = Omit<RequestContext, 'principal'>;

export interface AuthEvent {
  action:
    | 'auth.token-refused'
    | 'auth.session-refused'
    | 'auth.login'
    | 'auth.login-refused'
    | 'auth.logout'
    | 'auth.logout-refused';
  outcome: 'success' | 'denied';
  /** The provider's session (`sid`) or subject the event is about, when known. */
  resourceId: string;
  detail: Record<string, string>;
}

export async function auditAuthEvent(deps: AuthAuditDeps, source: RequestSource, event: AuthEvent): Promise<void> {
  await deps.appendAudit(
    auditEntry(
      deps,
      { ...source, principal: anonymousPrincipal },
      {
        ownerId: authAuditOwner,
        action: event.action,
        resourceType: 'session',
        resourceId: event.resourceId.slice(0, 256),
        outcome: event.outcome,
        detail: event.detail,
      },
    ),
  );
}
