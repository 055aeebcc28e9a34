import { z } from 'zod';
import { isEnterpriseCode, isPersonalId, roles, type Principal } from '../core/principal.ts';
import { HttpProblem } from './problem.ts';

/**
 * What the authorizer hands to every route, flattened to strings as API Gateway requires.
 * `authenticated` is 'false' with a `reason` when the token was missing or invalid: the
 * handler then answers 401 as problem+json, which API Gateway's own denial cannot.
 */
export type AuthorizerContext = Record<string, string>;

/** Verified token claims, checked once more by the handler: it trusts nothing unvalidated. */
export const principalClaims = z.discriminatedUnion('role', [
  z.object({
    sub: z.string().min(1).max(256),
    role: z.literal('citizen'),
    ownerId: z.string().refine(isPersonalId, 'must be a 12-digit personal ID'),
  }),
  z.object({
    sub: z.string().min(1).max(256),
    role: z.literal('organization'),
    ownerId: z.string().refine(isEnterpriseCode, 'must be an enterprise code'),
  }),
  z.object({ sub: z.string().min(1).max(256), role: z.literal('officer'), unit: z.string().min(1).max(64) }),
  z.object({ sub: z.string().min(1).max(256), role: z.literal('admin') }),
]);

export function principalFromAuthorizer(context: AuthorizerContext | undefined): Principal {
  if (context?.authenticated !== 'true') {
    throw new HttpProblem('unauthenticated', context?.reason ?? 'No access token was presented');
  }
  const parsed = principalClaims.safeParse({
    sub: context.sub,
    role: roles.find((role) => role === context.role),
    ...(context.ownerId ? { ownerId: context.ownerId } : {}),
    ...(context.unit ? { unit: context.unit } : {}),
  });
  if (!parsed.success) throw new HttpProblem('unauthenticated', 'The access token does not carry valid claims');
  return parsed.data;
}
