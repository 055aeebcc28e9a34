import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authorizerContextOf, type AuthorizerContext } from '../../platform/http/principal-context.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { logger } from '../../platform/observability.ts';
import { awsAuthDeps } from '../adapters/aws-auth-deps.ts';
import { auditAuthEvent, type AuthAuditDeps, type AuthEvent } from '../core/auth-audit.ts';
import { checkSessionCookie, type SessionAuthDeps } from '../core/sessions.ts';
import { createTokenVerifier, TokenRejectedError, type TokenVerifier } from '../core/token-verifier.ts';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/** What the authorizer reads: API Gateway's request event (payload 2.0), or the embedded runtime's. */
export type AuthorizerEvent = Pick<APIGatewayRequestAuthorizerEventV2, 'headers'> & {
  /** API Gateway passes the Cookie header as this array; the embedded runtime may send the header. */
  cookies?: string[];
  requestContext?: {
    requestId?: string;
    http?: { method?: string; sourceIp?: string; userAgent?: string };
  };
};

export interface AuthorizerDeps {
  /** Refusals of hostile or misconfigured credentials leave an audit entry. */
  audit?: AuthAuditDeps;
  /** Browser sessions (the session cookie); without them only bearer tokens are accepted. */
  sessions?: SessionAuthDeps;
}

function header(event: AuthorizerEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

function cookiesOf(event: AuthorizerEvent): string[] {
  if (event.cookies?.length) return event.cookies;
  const cookie = header(event, 'cookie');
  return cookie ? [cookie] : [];
}

async function audited(audit: AuthAuditDeps | undefined, event: AuthorizerEvent, entry: AuthEvent): Promise<void> {
  if (!audit) return;
  const http = event.requestContext?.http;
  await auditAuthEvent(
    audit,
    {
      sourceIp: http?.sourceIp ?? 'unknown',
      requestId: event.requestContext?.requestId ?? 'unknown',
      ...(http?.userAgent ? { userAgent: http.userAgent.slice(0, 256) } : {}),
    },
    entry,
  ).catch((auditError: unknown) => logger.error('could not audit a refused credential', { error: auditError }));
}

/** A refused token that is hostile or misconfigured (not merely expired) leaves an audit entry. */
function tokenRefusal(error: TokenRejectedError): AuthEvent {
  return {
    action: 'auth.token-refused',
    outcome: 'denied',
    resourceId: error.subject ?? error.issuer ?? 'unknown',
    detail: {
      reason: error.reason,
      ...(error.issuer ? { issuer: error.issuer } : {}),
      ...(error.subject ? { sub: error.subject } : {}),
    },
  };
}

const unauthenticated = (reason: string): AuthorizerResult => ({
  isAuthorized: true,
  context: { authenticated: 'false', reason },
});

/**
 * The one authorizer, for API Gateway and the embedded runtime alike. It always lets the
 * request through with its verdict in the context: the handler then answers a refused
 * credential with a 401 (or, for a missing CSRF token, 403) problem+json (API Gateway's own
 * denial has a fixed body), and no route runs without a verified principal. A bearer token
 * wins over the session cookie; logged-out sessions are refused by the verifier and the
 * session check alike.
 */
export function createAuthorizer(verify: TokenVerifier, deps: AuthorizerDeps = {}) {
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const authorization = header(event, 'authorization');
    if (!authorization && deps.sessions) {
      const check = await checkSessionCookie(deps.sessions, {
        cookies: cookiesOf(event),
        method: event.requestContext?.http?.method ?? 'GET',
        ...(header(event, 'x-csrf-token') !== undefined ? { csrfHeader: header(event, 'x-csrf-token') } : {}),
      });
      switch (check.kind) {
        case 'authenticated':
          return { isAuthorized: true, context: authorizerContextOf(check.session.principal) };
        case 'csrf':
          await audited(deps.audit, event, {
            action: 'auth.session-refused',
            outcome: 'denied',
            resourceId: check.session.sub,
            detail: { reason: 'csrf', method: event.requestContext?.http?.method ?? 'unknown' },
          });
          return { isAuthorized: true, context: { authenticated: 'false', refusal: 'csrf', reason: check.message } };
        case 'refused':
          // A made-up or stolen-then-ended session id is worth an entry; an expired one is not.
          if (check.reason !== 'expired') {
            await audited(deps.audit, event, {
              action: 'auth.session-refused',
              outcome: 'denied',
              resourceId: 'session-cookie',
              detail: { reason: check.reason },
            });
          }
          return unauthenticated(check.message);
        case 'none':
          break;
      }
    }
    if (!authorization) return unauthenticated('No access token or session cookie was presented');
    const match = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(authorization.trim());
    if (!match?.[1]) return unauthenticated('Send the token as: Authorization: Bearer <JWT>');
    try {
      return { isAuthorized: true, context: authorizerContextOf(await verify(match[1])) };
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      if (error.audited) await audited(deps.audit, event, tokenRefusal(error));
      return unauthenticated(error.message);
    }
  };
}

export const handler = lazyHandler(() => {
  const deps = awsAuthDeps();
  return createAuthorizer(createTokenVerifier(deps), {
    audit: deps,
    sessions: { sessions: deps.sessions, denyList: deps.denyList, now: () => deps.clock.now().getTime() },
  });
});
