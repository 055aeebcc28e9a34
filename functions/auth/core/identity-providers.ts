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
    /** Name or ARN of the Secrets Manager secret holding the client secret (login, later). */
    clientSecret: z.string().min(1).optional(),
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

/** What the functions need of a provider at run time (no secrets): the authorizer's and logout's view. */
export type TrustedIssuer = Pick<
  IdentityProvider,
  'id' | 'issuer' | 'jwksUrl' | 'clientId' | 'audience' | 'claimMapping' | 'accountTypes' | 'tokenKinds'
> & { maxTokenLifetimeSeconds: number };

export function trustedIssuerOf(provider: IdentityProvider): TrustedIssuer {
  const { id, issuer, jwksUrl, clientId, audience, claimMapping, accountTypes, tokenKinds } = provider;
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
  };
}

/** The functions' `IDENTITY_PROVIDERS` environment value (JSON), validated again at cold start. */
export function parseTrustedIssuers(json: string): TrustedIssuer[] {
  return identityProvidersSchema
    .parse((JSON.parse(json) as object[]).map((entry) => ({ endpoints: {}, ...entry })))
    .map(trustedIssuerOf);
}

/** Deny-list entries must outlive every token they could refuse. */
export function longestTokenLifetimeSeconds(issuers: readonly TrustedIssuer[]): number {
  return Math.max(...issuers.map((issuer) => issuer.maxTokenLifetimeSeconds));
}
