import * as oidc from 'openid-client';
import type { TrustedIssuer } from '../core/identity-providers.ts';
import { ProviderAnswerRefusedError, type RelyingParty } from '../core/relying-party.ts';

/** The provider's own refusal (`error=access_denied`) or a response openid-client could not verify. */
function refusedAnswer(error: unknown): never {
  if (error instanceof oidc.AuthorizationResponseError) throw new ProviderAnswerRefusedError(error.error);
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.ClientError) {
    throw new ProviderAnswerRefusedError();
  }
  throw error;
}

/** The relying party on openid-client 6, over each provider's configuration (`createOidcConfigurations`). */
export function openIdClientRelyingParty(
  configurationOf: (provider: TrustedIssuer) => Promise<oidc.Configuration>,
): RelyingParty {
  return {
    async authorizationRequest(provider, request) {
      const config = await configurationOf(provider);
      const secrets = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        ...request.params,
        redirect_uri: request.redirectUri,
        response_type: 'code',
        scope: request.scope,
        state: secrets.state,
        nonce: secrets.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, secrets };
    },

    async exchangeCode(provider, callbackUrl, expected) {
      const config = await configurationOf(provider);
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        const idTokenClaims = tokens.claims() as oidc.IDToken;
        return { idToken: tokens.id_token as string, idTokenClaims, accessToken: tokens.access_token };
      } catch (error) {
        return refusedAnswer(error);
      }
    },

    async userInfo(provider, accessToken, subject) {
      const config = await configurationOf(provider);
      try {
        return await oidc.fetchUserInfo(config, accessToken, subject);
      } catch (error) {
        return refusedAnswer(error);
      }
    },

    async endSessionUrl(provider, request) {
      const config = await configurationOf(provider);
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(config, {
        id_token_hint: request.idTokenHint,
        post_logout_redirect_uri: request.postLogoutRedirectUri,
        state: oidc.randomState(),
      }).href;
    },
  };
}
