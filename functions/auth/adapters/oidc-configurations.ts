import * as oidc from 'openid-client';
import type { TrustedIssuer } from '../core/identity-providers.ts';

/** Plain http only to the emulator or the embedded provider on this machine. */
function isLoopback(url: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url);
}

async function configurationOf(provider: TrustedIssuer, clientSecret: string): Promise<oidc.Configuration> {
  const insecure = isLoopback(provider.issuer);
  const auth = oidc.ClientSecretBasic(clientSecret);
  let config: oidc.Configuration;
  if (provider.discoveryUrl) {
    config = await oidc.discovery(new URL(provider.discoveryUrl), provider.clientId, undefined, auth, {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    // A discovery document at a well-known URL is not checked by openid-client: the issuer it names
    // must be the configured one, or ID tokens of another provider would pass (mix-up).
    if (config.serverMetadata().issuer !== provider.issuer) {
      throw new Error(`The discovery document of ${provider.id} names another issuer`);
    }
  } else {
    const endpoints = provider.endpoints ?? {};
    config = new oidc.Configuration(
      {
        issuer: provider.issuer,
        jwks_uri: provider.jwksUrl,
        ...(endpoints.authorization ? { authorization_endpoint: endpoints.authorization } : {}),
        ...(endpoints.token ? { token_endpoint: endpoints.token } : {}),
        ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
        ...(endpoints.endSession ? { end_session_endpoint: endpoints.endSession } : {}),
      },
      provider.clientId,
      undefined,
      auth,
    );
    if (insecure) oidc.allowInsecureRequests(config);
  }
  config.timeout = 10;
  return config;
}

/**
 * Each browser-login provider's openid-client configuration, built once per container (discovery
 * fetched, client secret read); a failed build is not kept, so the next login tries again.
 */
export function createOidcConfigurations(
  clientSecretOf: (provider: TrustedIssuer) => Promise<string>,
): (provider: TrustedIssuer) => Promise<oidc.Configuration> {
  const built = new Map<string, Promise<oidc.Configuration>>();
  return (provider) => {
    let config = built.get(provider.id);
    if (!config) {
      config = clientSecretOf(provider).then((secret) => configurationOf(provider, secret));
      built.set(provider.id, config);
      config.catch(() => built.delete(provider.id));
    }
    return config;
  };
}
