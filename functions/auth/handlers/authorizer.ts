import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { z } from 'zod';
import type { AuthorizerContext } from '../../platform/http/principal-context.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { createTokenVerifier, TokenRejectedError, type TokenVerifier } from '../core/token-verifier.ts';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * The one authorizer, for API Gateway and the embedded runtime alike. It always lets the
 * request through with its verdict in the context: the handler then answers a refused
 * token with a 401 problem+json (API Gateway's own denial has a fixed body), and no route
 * runs without a verified principal. Session revocation (SSO logout) will be checked here.
 */
export function createAuthorizer(verify: TokenVerifier) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<AuthorizerResult> => {
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
      const principal = await verify(match[1]);
      return {
        isAuthorized: true,
        context: {
          authenticated: 'true',
          sub: principal.sub,
          role: principal.role,
          ...(principal.ownerId ? { ownerId: principal.ownerId } : {}),
          ...(principal.unit ? { unit: principal.unit } : {}),
        },
      };
    } catch (error) {
      if (error instanceof TokenRejectedError)
        return { isAuthorized: true, context: { authenticated: 'false', reason: error.message } };
      throw error;
    }
  };
}

const authorizerEnvironment = z.object({
  JWT_ISSUER: z.string().url(),
  JWKS_URL: z.string().url(),
  JWT_AUDIENCE: z.string().min(1).default('khoso'),
});

export const handler = lazyHandler(() => {
  const config = authorizerEnvironment.parse(process.env);
  return createAuthorizer(
    createTokenVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      keys: createRemoteJWKSet(new URL(config.JWKS_URL)),
    }),
  );
});
