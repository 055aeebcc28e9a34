import { decodeJwt } from 'jose';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { HttpProblem } from '../../platform/http/problem.ts';
import { awsAuthDeps } from '../adapters/aws-auth-deps.ts';
import { awsBrowserLoginDeps } from '../adapters/aws-browser-login-deps.ts';
import { authRoutes } from '../contract/routes.ts';
import {
  browserLoginProviders,
  BrowserLoginError,
  completeLogin,
  logout,
  sessionOfCookies,
  startLogin,
  type BrowserLoginDeps,
  type BrowserRedirect,
} from '../core/browser-login.ts';
import { backChannelLogout, frontChannelLogout, LogoutRequestError, type LogoutDeps } from '../core/logout.ts';

/** A refused logout as a 400 (answered in the OAuth error format by the route's errorFormat). */
function asInvalidRequest(error: unknown): never {
  if (error instanceof LogoutRequestError) throw new HttpProblem('invalid-request', error.message);
  throw error;
}

/** A refused login as problem+json: 400, or 403 for an identity this provider may not vouch for. */
function asLoginProblem(error: unknown): never {
  if (error instanceof BrowserLoginError) {
    const code =
      error.status === 401
        ? 'unauthenticated'
        : error.status === 400
          ? 'invalid-request'
          : error.reason === 'csrf'
            ? 'csrf-rejected'
            : 'login-refused';
    throw new HttpProblem(code, error.message);
  }
  throw error;
}

function redirect(to: BrowserRedirect) {
  return { headers: { location: to.location }, cookies: to.cookies };
}

/** Pages the browser shows: nothing in them runs, nothing may frame them. */
const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** The empty page a front-channel logout iframe loads: the provider's page frames it, nothing in it runs. */
const frontChannelPage = '<!doctype html><meta charset="utf-8"><title>Logged out</title>';
const frontChannelHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'",
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The signed-out page: Vietnamese first, then English, with a link to sign in again per provider. */
function loggedOutPage(providerIds: readonly string[]): string {
  const links = providerIds
    .map((id) => {
      const href = escapeHtml(`/auth/login?provider=${encodeURIComponent(id)}`);
      return `<li><a href="${href}">Đăng nhập lại / Sign in again (${escapeHtml(id)})</a></li>`;
    })
    .join('');
  return (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    '<title>Đã đăng xuất / Signed out</title>' +
    '<h1>Bạn đã đăng xuất</h1><p>Phiên làm việc với Kho số đã kết thúc.</p>' +
    '<p lang="en">You are signed out of the khoso vault.</p>' +
    (links ? `<ul>${links}</ul>` : '') +
    '</html>'
  );
}

const notConfigured = () => new HttpProblem('invalid-request', 'Browser login is not configured on this deployment');

/**
 * The auth route group: browser login and logout (relying party), who is signed in, and logout
 * from the identity providers. Without `login` (a stage with no browser-login provider) the
 * login routes answer 400.
 */
export function createAuthHandler(deps: LogoutDeps, login?: BrowserLoginDeps) {
  const loginDeps = (): BrowserLoginDeps => {
    if (!login) throw notConfigured();
    return login;
  };
  const cookiesOf = (headers: Record<string, string | undefined>) => (headers.cookie ? [headers.cookie] : []);
  return createHttpHandler(authRoutes, {
    login: async ({ context, query }) => redirect(await startLogin(loginDeps(), context, query).catch(asLoginProblem)),
    loginCallback: async ({ context, query, headers }) => {
      const parameters = Object.fromEntries(
        Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
      return redirect(
        await completeLogin(loginDeps(), context, { query: parameters, cookies: cookiesOf(headers) }).catch(
          asLoginProblem,
        ),
      );
    },
    getSession: async ({ context, headers }) => {
      const { sub, role, ownerId, unit } = context.principal;
      const principal = { sub, role, ...(ownerId ? { ownerId } : {}), ...(unit ? { unit } : {}) };
      // The authorizer prefers a bearer token over the cookie; this answers for the same credential.
      const bearer = headers.authorization?.trim().slice('Bearer '.length);
      if (bearer) {
        const claims = decodeJwt(bearer);
        const provider = deps.issuers.find((issuer) => issuer.issuer === claims.iss);
        return {
          body: {
            principal,
            authenticatedBy: 'bearer' as const,
            ...(provider ? { provider: provider.id } : {}),
            ...(claims.exp ? { expiresAt: new Date(claims.exp * 1000).toISOString() } : {}),
          },
        };
      }
      const session = await sessionOfCookies(loginDeps(), cookiesOf(headers));
      if (!session) throw new HttpProblem('unauthenticated', 'The session has ended');
      return {
        body: {
          principal,
          authenticatedBy: 'session' as const,
          provider: session.providerId,
          ...(session.displayName ? { displayName: session.displayName } : {}),
          expiresAt: new Date(session.expiresAt).toISOString(),
          csrfToken: session.csrfToken,
        },
      };
    },
    logout: async ({ context, headers, body }) => {
      const csrfToken = headers['x-csrf-token'] ?? body?.csrfToken;
      const request = { cookies: cookiesOf(headers), ...(csrfToken ? { csrfToken } : {}) };
      return redirect(await logout(loginDeps(), context, request).catch(asLoginProblem));
    },
    loggedOut: async () => ({
      rawBody: loggedOutPage(browserLoginProviders(deps.issuers).map((provider) => provider.id)),
      headers: pageHeaders,
    }),
    backChannelLogout: async ({ context, body }) => {
      await backChannelLogout(deps, context, body.logout_token).catch(asInvalidRequest);
      return {};
    },
    frontChannelLogout: async ({ context, query }) => {
      await frontChannelLogout(deps, context, query).catch(asInvalidRequest);
      return { rawBody: frontChannelPage, headers: frontChannelHeaders };
    },
  });
}

export const handler = lazyHandler(() => {
  const deps = awsAuthDeps();
  return createAuthHandler(deps, awsBrowserLoginDeps(deps));
});
