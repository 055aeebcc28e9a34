import { z } from 'zod';
import { isEnterpriseCode, isPersonalId, machineScopes, roles, type Principal } from '../core/principal.ts';
import { HttpProblem } from './problem.ts';

/**
 * What the authorizer hands to every route, flattened to strings as API Gateway requires.
 * `authenticated` is 'false' with a `reason` when the token was missing or invalid: the
 * handler then answers 401 as problem+json, which API Gateway's own denial cannot; with
 * `refusal: 'csrf'` (a session cookie without its CSRF token) it answers 403.
 */
export type AuthorizerContext = Record<string, string>;

const sub = z.string().min(1).max(256);

/** A person's principal, checked once more by the handler: it trusts nothing unvalidated. */
export const userPrincipalClaims = z.discriminatedUnion('role', [
  z.object({
    sub,
    role: z.literal('citizen'),
    ownerId: z.string().refine(isPersonalId, 'must be a 12-digit personal ID'),
  }),
  z.object({
    sub,
    role: z.literal('organization'),
    ownerId: z.string().refine(isEnterpriseCode, 'must be an enterprise code'),
  }),
  z.object({ sub, role: z.literal('officer'), unit: z.string().min(1).max(64) }),
  z.object({ sub, role: z.literal('admin') }),
]);

/** A machine client's principal: its client id, the unit it acts for and at least one machine scope. */
export const systemPrincipalClaims = z.object({
  sub,
  role: z.literal('system'),
  clientId: z.string().min(1).max(256),
  unit: z.string().min(1).max(64),
  scopes: z.array(z.enum(machineScopes)).min(1),
});

export const principalClaims = z.union([userPrincipalClaims, systemPrincipalClaims]);

/** The principal as the authorizer's string context (scopes space-separated, as OAuth writes them). */
export function authorizerContextOf(principal: Principal): AuthorizerContext {
  return {
    authenticated: 'true',
    sub: principal.sub,
    role: principal.role,
    ...(principal.ownerId ? { ownerId: principal.ownerId } : {}),
    ...(principal.unit ? { unit: principal.unit } : {}),
    ...(principal.clientId ? { clientId: principal.clientId } : {}),
    ...(principal.scopes ? { scopes: principal.scopes.join(' ') } : {}),
  };
}

export function principalFromAuthorizer(context: AuthorizerContext | undefined): Principal {
  // A session cookie without its CSRF token on an unsafe method: authenticated, but not this request.
  if (context?.refusal === 'csrf') throw new HttpProblem('csrf-rejected', context.reason ?? 'CSRF token missing');
  if (context?.authenticated !== 'true') {
    throw new HttpProblem('unauthenticated', context?.reason ?? 'No access token was presented');
  }
  const parsed = principalClaims.safeParse({
    sub: context.sub,
    role: roles.find((role) => role === context.role),
    ...(context.ownerId ? { ownerId: context.ownerId } : {}),
    ...(context.unit ? { unit: context.unit } : {}),
    ...(context.clientId ? { clientId: context.clientId } : {}),
    ...(context.scopes ? { scopes: context.scopes.split(' ') } : {}),
  });
  if (!parsed.success) throw new HttpProblem('unauthenticated', 'The access token does not carry valid claims');
  return parsed.data;
}
