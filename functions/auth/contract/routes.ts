import { z } from 'zod';
import { defineRoute } from '../../platform/http/contract/route-contract.ts';

const redirectTarget = z.string().min(1).max(1024);

/** Who is signed in, as `GET /auth/session` answers. */
export const sessionView = z.object({
  principal: z.object({
    sub: z.string(),
    role: z.string(),
    ownerId: z.string().optional(),
    unit: z.string().optional(),
  }),
  displayName: z.string().optional(),
  /** The identity provider's id, when the issuer is a configured one. */
  provider: z.string().optional(),
  authenticatedBy: z.enum(['session', 'bearer']),
  /** When the session (or the bearer token) expires. */
  expiresAt: z.string().optional(),
  /** Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE made with the session cookie. */
  csrfToken: z.string().optional(),
});

/**
 * The auth route group: browser login and logout (relying party), who is signed in, and
 * logout from the identity providers (OpenID Connect Back-Channel and Front-Channel Logout 1.0).
 */
export const authRoutes = [
  defineRoute({
    operationId: 'login',
    method: 'GET',
    path: '/auth/login',
    group: 'auth',
    public: true,
    summary: 'Sign in through an identity provider (browser)',
    description:
      'Redirects (303) to the provider with an authorization-code request (PKCE S256, state, nonce) and sets a ' +
      'short-lived cookie binding the attempt to this browser. `returnTo` must be a path on this site or a URL on ' +
      'an allowed origin; an unknown provider or any other `returnTo` is refused with 400.',
    query: z.strictObject({
      provider: z.string().min(1).max(64),
      returnTo: redirectTarget.default('/auth/session'),
    }),
    status: 303,
  }),
  defineRoute({
    operationId: 'loginCallback',
    method: 'GET',
    path: '/auth/callback',
    group: 'auth',
    public: true,
    summary: 'The identity provider sends the browser back here',
    description:
      'Completes the login started in this same browser (its `state`, used once, within 10 minutes), sets the ' +
      'session cookie and redirects (303) to `returnTo`. A foreign, replayed or expired state, a callback in ' +
      'another browser, or an answer that fails verification is refused with 400; an account the provider may ' +
      'not vouch for with 403.',
    query: z.object({
      code: z.string().max(2048).optional(),
      state: z.string().max(256).optional(),
      iss: z.string().max(512).optional(),
      session_state: z.string().max(512).optional(),
      error: z.string().max(256).optional(),
      error_description: z.string().max(1024).optional(),
    }),
    status: 303,
  }),
  defineRoute({
    operationId: 'getSession',
    method: 'GET',
    path: '/auth/session',
    group: 'auth',
    summary: 'Who is signed in (session cookie or bearer token)',
    description: 'The CSRF token is returned only to a caller authenticated by the session cookie.',
    status: 200,
    response: sessionView,
  }),
  defineRoute({
    operationId: 'logout',
    method: 'POST',
    path: '/auth/logout',
    group: 'auth',
    // Public to the authorizer: the handler checks the session cookie and its CSRF token itself, so
    // that a plain HTML form (which cannot set a header) can sign out and follow the redirect.
    public: true,
    summary: 'Sign out of the browser session and of the identity provider',
    description:
      'Needs the session cookie and its CSRF token, in `X-CSRF-Token` or as the form field `csrfToken` ' +
      '(403 without it, 401 without a live session). Ends the session, refuses the provider ' +
      "session's bearer tokens from now on, clears the cookie and redirects (303) to the provider's end-session " +
      'endpoint, or to the signed-out page when it has none.',
    requestMediaType: 'application/x-www-form-urlencoded',
    body: z.strictObject({ csrfToken: z.string().min(1).max(128) }),
    bodyOptional: true,
    status: 303,
  }),
  defineRoute({
    operationId: 'loggedOut',
    method: 'GET',
    path: '/auth/logged-out',
    group: 'auth',
    public: true,
    summary: 'The signed-out page',
    description: "The provider returns here after its logout, with the logout request's `state` (nothing to check).",
    query: z.object({ state: z.string().max(256).optional() }),
    status: 200,
    responseMediaType: 'text/html',
  }),
  defineRoute({
    operationId: 'backChannelLogout',
    method: 'POST',
    path: '/auth/backchannel-logout',
    group: 'auth',
    public: true,
    summary: 'Back-channel logout from a trusted identity provider',
    description:
      'The provider posts a signed logout token; the session (`sid`) or subject (`sub`) it names is logged out: the ' +
      "vault refuses that session's tokens within 5 seconds. The token must be a JWT signed with an asymmetric key " +
      "from a trusted issuer's JWKS, with `iss` that issuer, `aud` its client id, `iat`, `exp`, `jti`, the " +
      'back-channel logout event, `sub` or `sid`, and no `nonce` (OpenID Connect Back-Channel Logout 1.0); any ' +
      'other token, and a replayed one (same `jti`), is refused with 400 and an OAuth error.',
    requestMediaType: 'application/x-www-form-urlencoded',
    body: z.strictObject({
      logout_token: z
        .string()
        .min(1)
        .max(16 * 1024),
    }),
    errorFormat: 'oauth',
    status: 200,
  }),
  defineRoute({
    operationId: 'frontChannelLogout',
    method: 'GET',
    path: '/auth/frontchannel-logout',
    group: 'auth',
    public: true,
    summary: 'Front-channel logout: the provider loads this page for the session it ended',
    description:
      'Logs out the provider session `sid` of the trusted issuer `iss`; an issuer that is not trusted is refused with 400.',
    query: z.strictObject({ iss: z.string().url().max(512), sid: z.string().min(1).max(256) }),
    errorFormat: 'oauth',
    status: 200,
    responseMediaType: 'text/html',
  }),
] as const;
