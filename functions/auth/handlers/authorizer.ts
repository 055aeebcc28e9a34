import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authorizerContextOf, type AuthorizerContext } from '../../platform/http/principal-context.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { logger } from '../../platform/observability.ts';
import { awsAuthDeps } from '../adapters/aws-auth-deps.ts';
import { auditAuthEvent, type AuthAuditDeps } from '../core/auth-audit.ts';
import { createTokenVerifier, TokenRejectedError, type TokenVerifier } from '../core/token-verifier.ts';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

export type AuthorizerEvent = Pick<APIGatewayRequestAuthorizerEventV2, 'headers'> & {
  requestContext?: {
    requestId?: string;
    http?: { sourceIp?: string; userAgent?: string };
  };
};

/** A refused token that is hostile or misconfigured (not merely expired) leaves an audit entry. */
async function auditRefusal(audit: AuthAuditDeps, event: AuthorizerEvent, error: TokenRejectedError): Promise<void> {
  const http = event.requestContext?.http;
  await auditAuthEvent(
    audit,
    {
      sourceIp: http?.sourceIp ?? 'unknown',
      requestId: event.requestContext?.requestId ?? 'unknown',
      ...(http?.userAgent ? { userAgent: http.userAgent.slice(0, 256) } : {}),
    },
    {
      action: 'auth.token-refused',
      outcome: 'denied',
      resourceId: error.subject ?? error.issuer ?? 'unknown',
      detail: {
        reason: error.reason,
        ...(error.issuer ? { issuer: error.issuer } : {}),
        ...(error.subject ? { sub: error.subject } : {}),
      },
    },
  ).catch((auditError: unknown) => logger.error('could not audit a refused token', { error: auditError }));
}

/**
 * The one authorizer, for API Gateway and the embedded runtime alike. It always lets the
 * request through with its verdict in the context: the handler then answers a refused
 * token with a 401 problem+json (API Gateway's own denial has a fixed body), and no route
 * runs without a verified principal. Logged-out sessions are refused by the verifier.
 */
export function createAuthorizer(verify: TokenVerifier, audit?: AuthAuditDeps) {
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const match = header ? /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(header.trim()) : null;
    if (!header)
      return { isAuthorized: true, context: { authenticated: 'false', reason: 'No access token was presented' } };
    if (!match?.[1])
      return {
        isAuthorized: true,
        context: { authenticated: 'false', reason: 'Send the token as: Authorization: Bearer <JWT>' },
      };
    try {
      return { isAuthorized: true, context: authorizerContextOf(await verify(match[1])) };
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      if (error.audited && audit) await auditRefusal(audit, event, error);
      return { isAuthorized: true, context: { authenticated: 'false', reason: error.message } };
    }
  };
}

export const handler = lazyHandler(() => {
  const deps = awsAuthDeps();
  return createAuthorizer(createTokenVerifier(deps), deps);
});
