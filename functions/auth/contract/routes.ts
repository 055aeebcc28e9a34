import { z } from 'zod';
import { defineRoute } from '../../platform/http/contract/route-contract.ts';

/** Logout from the identity providers (OpenID Connect Back-Channel and Front-Channel Logout 1.0): public. */
export const authRoutes = [
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
