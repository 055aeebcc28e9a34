import { z } from 'zod';

const httpsOrLoopbackUrl = z
  .string()
  .url()
  .refine(
    (value) => value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value),
    'must be https (plain http only on 127.0.0.1/localhost, for the emulator)',
  );

/**
 * How a provider's claims become our principal:
 * - `vault-claims`: our own claims (`role`, `ownerId`, `unit`), as the embedded issuer and vault-aware
 *   providers write them;
 * - `dvcqg`: the national portal's (`LoaiTaiKhoan`, `SoDinhDanh`/`SoCMND`, `MaSoThue`, `HoVaTen`).
 * Machine tokens (client credentials) map the same way for every provider: `client_id`, `scope`, `unit`.
 */
export const claimMappings = ['vault-claims', 'dvcqg'] as const;
export type ClaimMapping = (typeof claimMappings)[number];

/** Kinds of account a provider may vouch for: DVCQG's three, and our staff roles. */
export const accountTypes = ['citizen', 'business', 'organisation', 'officer', 'admin'] as const;
export type AccountType = (typeof accountTypes)[number];

export const tokenKinds = ['user', 'machine'] as const;

/** Where a provider puts the claims its mapping reads: the ID token, or (DVCQG) the userinfo response. */
export const claimsSources = ['id_token', 'userinfo'] as const;

/** The protocol's own authorization parameters, which a provider's extra parameters may not replace. */
const reservedAuthorizationParams = [
  'state',
  'nonce',
  'redirect_uri',
  'client_id',
  'response_type',
  'scope',
  'code_challenge',
  'code_challenge_method',
];

/** A provider people sign in with through a browser (`GET /auth/login?provider=<id>`). */
export const browserLoginSchema = z.object({
  /** Scopes asked for besides `openid`. */
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be an OAuth scope token')).default([]),
  /** Extra authorization request parameters (DVCQG: `acr_values=LoA1`); they cannot replace the protocol's own. */
  authorizationParams: z
    .record(z.string().regex(/^[a-z_]{1,64}$/), z.string().max(512))
    .refine(
      (params) => !Object.keys(params).some((name) => reservedAuthorizationParams.includes(name)),
      `may not set ${reservedAuthorizationParams.join(', ')}`,
    )
    .default({}),
  claimsFrom: z.enum(claimsSources).default('id_token'),
  /** Where the provider sends the browser after its logout; the vault's logged-out page when unset. */
  postLogoutRedirectUri: httpsOrLoopbackUrl.optional(),
});

/** One trusted OpenID provider or authorization server, as configured per stage. */
export const identityProviderSchema = z
  .object({
    /** Short name used in logs, audit entries and (later) `/auth/login?provider=`. */
    id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be 2-32 characters of a-z, 0-9 and -'),
    /** Exactly the `iss` its tokens carry. */
    issuer: httpsOrLoopbackUrl,
    /** OpenID discovery document; or the endpoints, for providers that publish none. */
    discoveryUrl: httpsOrLoopbackUrl.optional(),
    endpoints: z
      .object({
        authorization: httpsOrLoopbackUrl.optional(),
        token: httpsOrLoopbackUrl.optional(),
        userinfo: httpsOrLoopbackUrl.optional(),
        endSession: httpsOrLoopbackUrl.optional(),
      })
      .optional(),
    jwksUrl: httpsOrLoopbackUrl,
    /** Our client id there: the `aud` of its ID and logout tokens. */
    clientId: z.string().min(1).max(256),
    /** Name or ARN of the Secrets Manager secret holding the client secret (browser login). */
    clientSecret: z.string().min(1).optional(),
    /** Set to let people sign in through a browser with this provider. */
    browserLogin: browserLoginSchema.optional(),
    /** The `aud` its access tokens carry for this API. */
    audience: z.string().min(1).max(256),
    claimMapping: z.enum(claimMappings),
    accountTypes: z.array(z.enum(accountTypes)).default([]),
    tokenKinds: z.array(z.enum(tokenKinds)).min(1),
    /** The longest lifetime of its tokens; deny-list entries live this long. */
    maxTokenLifetimeSeconds: z.number().int().positive().max(86_400).default(3600),
  })
  .refine((provider) => provider.discoveryUrl || provider.endpoints, {
    message: 'needs a discoveryUrl or explicit endpoints',
    path: ['discoveryUrl'],
  })
  .refine((provider) => !provider.browserLogin || provider.clientSecret, {
    message: 'browser login needs the client secret (clientSecret: a Secrets Manager name or ARN)',
    path: ['clientSecret'],
  })
  .refine(
    (provider) =>
      !provider.browserLogin ||
      provider.discoveryUrl ||
      (provider.endpoints?.authorization && provider.endpoints.token),
    {
      message: 'browser login needs a discoveryUrl or the authorization and token endpoints',
      path: ['browserLogin'],
    },
  )
  .refine(
    (provider) =>
      provider.browserLogin?.claimsFrom !== 'userinfo' || provider.discoveryUrl || provider.endpoints?.userinfo,
    { message: 'claims from userinfo need a discoveryUrl or the userinfo endpoint', path: ['browserLogin'] },
  )
  .refine((provider) => !provider.browserLogin || provider.tokenKinds.includes('user'), {
    message: 'browser login is for people: tokenKinds must include user',
    path: ['browserLogin'],
  })
  .refine((provider) => !provider.tokenKinds.includes('user') || provider.accountTypes.length > 0, {
    message: 'a provider of user tokens must allow at least one account type',
    path: ['accountTypes'],
  });

export type IdentityProvider = z.infer<typeof identityProviderSchema>;

export const identityProvidersSchema = z
  .array(identityProviderSchema)
  .min(1)
  .refine((providers) => new Set(providers.map((p) => p.issuer)).size === providers.length, 'issuers must be unique')
  .refine((providers) => new Set(providers.map((p) => p.id)).size === providers.length, 'ids must be unique');

/**
 * What the functions need of a provider at run time, without its secret (only the auth routes'
 * function is told which secret holds it): the authorizer's, logout's and browser login's view.
 */
export type TrustedIssuer = Pick<
  IdentityProvider,
  'id' | 'issuer' | 'jwksUrl' | 'clientId' | 'audience' | 'claimMapping' | 'accountTypes' | 'tokenKinds'
> &
  Partial<Pick<IdentityProvider, 'discoveryUrl' | 'endpoints' | 'browserLogin'>> & {
    maxTokenLifetimeSeconds: number;
  };

export function trustedIssuerOf(provider: IdentityProvider): TrustedIssuer {
  const { id, issuer, jwksUrl, clientId, audience, claimMapping, accountTypes, tokenKinds } = provider;
  const { discoveryUrl, endpoints, browserLogin } = provider;
  return {
    id,
    issuer,
    jwksUrl,
    clientId,
    audience,
    claimMapping,
    accountTypes,
    tokenKinds,
    maxTokenLifetimeSeconds: provider.maxTokenLifetimeSeconds,
    ...(discoveryUrl ? { discoveryUrl } : {}),
    ...(endpoints && Object.keys(endpoints).length > 0 ? { endpoints } : {}),
    ...(browserLogin ? { browserLogin } : {}),
  };
}

/** An origin or base URL (no path required): https, or plain http on this machine for the embedded runtime. */
const httpsOrLoopbackBase = z
  .string()
  .url()
  .refine(
    (value) => value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(value),
    'must be https (plain http only on 127.0.0.1/localhost)',
  );

/** Browser login of the stage (needed when a provider has `browserLogin`). */
export const browserLoginSettingsSchema = z.object({
  /** The API's public base URL, no trailing slash: the redirect URI is `<publicBaseUrl>/auth/callback`. */
  publicBaseUrl: httpsOrLoopbackBase.refine((url) => !url.endsWith('/'), 'must not end with /'),
  /** Origins besides the API's a login may return to (the console), e.g. `https://console.example.vn`. */
  allowedReturnToOrigins: z
    .array(httpsOrLoopbackBase.refine((url) => new URL(url).origin === url, 'must be an origin (scheme://host[:port])'))
    .default([]),
  /** Absolute session lifetime: 8 hours unless set (5 minutes to 24 hours). */
  sessionLifetimeSeconds: z
    .number()
    .int()
    .min(300)
    .max(86_400)
    .default(8 * 3600),
});

export type BrowserLoginSettings = z.infer<typeof browserLoginSettingsSchema>;

/** The functions' `IDENTITY_PROVIDERS` environment value (JSON), validated again at cold start. */
export function parseTrustedIssuers(json: string): TrustedIssuer[] {
  return identityProvidersSchema
    .parse((JSON.parse(json) as object[]).map((entry) => ({ endpoints: {}, ...entry })))
    .map(trustedIssuerOf);
}

/** Which Secrets Manager secret (name or ARN) holds each browser-login provider's client secret, by provider id. */
export function clientSecretIds(providers: readonly IdentityProvider[]): Record<string, string> {
  return Object.fromEntries(
    providers.flatMap((provider) =>
      provider.browserLogin && provider.clientSecret ? [[provider.id, provider.clientSecret]] : [],
    ),
  );
}

/** Deny-list entries must outlive every token they could refuse. */
export function longestTokenLifetimeSeconds(issuers: readonly TrustedIssuer[]): number {
  return Math.max(...issuers.map((issuer) => issuer.maxTokenLifetimeSeconds));
}
