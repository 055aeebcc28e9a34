import type { TrustedIssuer } from './identity-providers.ts';

/** What the callback must find again: the secrets the authorization request was made with. */
export interface AuthorizationSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The answer of a code exchange whose ID token passed every check. */
export interface VerifiedLogin {
  idToken: string;
  idTokenClaims: Record<string, unknown> & { sub: string };
  accessToken: string;
}

/**
 * The provider's answer was a refusal (`providerError`, e.g. `access_denied`) or could not be
 * verified (no `providerError`): the login fails with a 400.
 */
export class ProviderAnswerRefusedError extends Error {
  constructor(readonly providerError?: string) {
    super(
      providerError === undefined
        ? 'The identity provider’s answer could not be verified'
        : `The identity provider refused the login (${providerError})`,
    );
    this.name = 'ProviderAnswerRefusedError';
  }
}

/**
 * The relying party's side of OpenID Connect, per provider: the protocol browser login needs, so
 * the use cases never do HTTP or token checks themselves. Exchange and userinfo throw
 * `ProviderAnswerRefusedError` for a refused or unverifiable answer.
 */
export interface RelyingParty {
  /**
   * An authorization-code request with PKCE (S256), state and nonce: `params` first, so they cannot
   * replace the protocol's own.
   */
  authorizationRequest(
    provider: TrustedIssuer,
    request: { redirectUri: string; scope: string; params: Readonly<Record<string, string>> },
  ): Promise<{ url: string; secrets: AuthorizationSecrets }>;
  /** The callback's code exchanged, with state, issuer, PKCE and the ID token (signature, nonce) checked. */
  exchangeCode(provider: TrustedIssuer, callbackUrl: URL, expected: AuthorizationSecrets): Promise<VerifiedLogin>;
  /** The provider's userinfo for the access token, refused when it names another subject. */
  userInfo(provider: TrustedIssuer, accessToken: string, subject: string): Promise<Record<string, unknown>>;
  /** Where to end the provider's session, or undefined when the provider has no end-session endpoint. */
  endSessionUrl(
    provider: TrustedIssuer,
    request: { idTokenHint: string; postLogoutRedirectUri: string },
  ): Promise<string | undefined>;
}
