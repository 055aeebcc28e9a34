import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { awsAuthDeps } from '../adapters/aws-auth-deps.ts';
import { authRoutes } from '../contract/routes.ts';
import { backChannelLogout, frontChannelLogout, LogoutRequestError, type LogoutDeps } from '../core/logout.ts';
import { HttpProblem } from '../../platform/http/problem.ts';

/** A refused logout as a 400 (answered in the OAuth error format by the route's errorFormat). */
function asInvalidRequest(error: unknown): never {
  if (error instanceof LogoutRequestError) throw new HttpProblem('invalid-request', error.message);
  throw error;
}

/** The empty page a front-channel logout iframe loads. */
const loggedOutPage = '<!doctype html><meta charset="utf-8"><title>Logged out</title>';

/** The auth route group: logout from the identity providers (login comes with the browser relying party). */
export function createAuthHandler(deps: LogoutDeps) {
  return createHttpHandler(authRoutes, {
    backChannelLogout: async ({ context, body }) => {
      await backChannelLogout(deps, context, body.logout_token).catch(asInvalidRequest);
      return {};
    },
    frontChannelLogout: async ({ context, query }) => {
      await frontChannelLogout(deps, context, query).catch(asInvalidRequest);
      return {
        rawBody: loggedOutPage,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          // The provider's page frames this one; nothing in it runs.
          'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'",
        },
      };
    },
  });
}

export const handler = lazyHandler(() => createAuthHandler(awsAuthDeps()));
