import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { accountTypes, type TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';
import { machineScopes } from '../../../functions/platform/core/principal.ts';
import { logger } from '../../../functions/platform/observability.ts';
import { embeddedClientIds, embeddedClients, vaultClientId, type EmbeddedClients } from './clients.ts';
import { errorPage, loggedOutPage, loginPage, logoutPage, pageSecurityPolicy } from './pages.ts';
import { loadProviderSecrets } from './provider-secrets.ts';
import { findSeedAccount, seedAccounts, type SeedAccount } from './seed-accounts.ts';

/** The path the provider is mounted under on the vault's own HTTP server. */
export const identityProviderPath = '/oidc';

/** The API as a resource server (RFC 8707): access tokens for it are ES256 JWTs with this audience. */
export const vaultApiResource = 'urn:khoso:api';
export const vaultApiAudience = 'khoso';

/** Access, ID and client-credentials tokens all live an hour; the deny list keeps entries as long. */
const tokenLifetimeSeconds = 3600;

const loginFormBytes = 4 * 1024;

/** The OpenID scopes a person's sign-in may grant. */
const personScopes = ['openid', 'profile'];

export interface EmbeddedIdentityProvider {
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
  /** The `aud` of its access tokens. */
  audience: string;
  clients: EmbeddedClients;
  accounts: readonly SeedAccount[];
  /** How the vault trusts it: our own claims, every account type, people's and machines' tokens. */
  trustedIssuer: TrustedIssuer;
  /** True for the requests it serves (everything under `/oidc`). */
  handles(pathname: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** The vault's claims of a seeded person, as its access tokens and ID tokens carry them. */
function personClaims(account: SeedAccount): Record<string, string> {
  return { ...account.claims, name: account.name };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= loginFormBytes) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > loginFormBytes ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
    );
    req.on('error', reject);
  });
}

/**
 * An OpenID provider (oidc-provider 8) for the embedded runtime, mounted at `${vaultUrl}/oidc`:
 * a login page listing the seeded accounts, the vault as its confidential relying party (code +
 * PKCE, back-channel and RP-initiated logout), and two business systems with client credentials.
 * Local-only: deployed stacks trust the stage's configured providers.
 */
export async function createIdentityProvider(options: {
  vaultUrl: string;
  dataDir: string;
}): Promise<EmbeddedIdentityProvider> {
  const { vaultUrl } = options;
  const issuer = `${vaultUrl}${identityProviderPath}`;
  const secrets = await loadProviderSecrets(join(options.dataDir, 'identity-provider.json'), embeddedClientIds);
  const clients = embeddedClients(vaultUrl, secrets.clientSecrets);
  const machineClient = (clientId: string) => clients.machines.find((client) => client.clientId === clientId);
  const securityPolicy = pageSecurityPolicy(new URL(vaultUrl).origin);

  const htmlPage = (ctx: KoaContextWithOIDC, body: string) => {
    ctx.type = 'html';
    ctx.set('content-security-policy', securityPolicy);
    ctx.body = body;
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: clients.vault.clientId,
        client_secret: clients.vault.clientSecret,
        client_name: 'khoso',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [clients.vault.redirectUri],
        post_logout_redirect_uris: [clients.vault.postLogoutRedirectUri],
        backchannel_logout_uri: clients.vault.backchannelLogoutUri,
        backchannel_logout_session_required: true,
        // People's scopes only: asking for a machine scope is refused (invalid_scope).
        scope: personScopes.join(' '),
      },
      ...clients.machines.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: client.scopes.join(' '),
      })),
    ],
    // The machine scopes are known to the provider so that each client's `scope` allow list applies to them.
    scopes: [...personScopes, ...machineScopes],
    claims: { openid: ['sub', 'role', 'ownerId', 'unit'], profile: ['name'] },
    // The relying party reads the person from the ID token: the access token is for the API, not userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic'],
    pkce: { required: () => true, methods: ['S256'] },
    jwks: { keys: secrets.signingKeys },
    cookies: {
      keys: secrets.cookieKeys,
      names: { session: 'khoso_op_session', interaction: 'khoso_op_interaction', resume: 'khoso_op_resume' },
      // Same-origin with the vault, so Lax is enough; the session cookie stays under /oidc.
      long: { signed: true, httpOnly: true, sameSite: 'lax', path: identityProviderPath },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    ttl: {
      AccessToken: tokenLifetimeSeconds,
      ClientCredentials: tokenLifetimeSeconds,
      IdToken: tokenLifetimeSeconds,
      AuthorizationCode: 60,
      Interaction: 10 * 60,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    findAccount: (_ctx, accountId) => {
      const account = findSeedAccount(accountId);
      if (!account) return undefined;
      return { accountId, claims: () => ({ sub: accountId, ...personClaims(account) }) };
    },
    /**
     * A person's access token carries our claims and the session's `sid`, the same value
     * oidc-provider writes in the ID token and in the back-channel logout token (both come from
     * `session.sidFor(clientId)`), so a logout naming only `sid` reaches the bearer token.
     * A machine's token carries its unit; `client_id` and `scope` are written by oidc-provider.
     */
    extraTokenClaims: (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        const client = machineClient(token.clientId as string);
        return client ? { unit: client.unit } : undefined;
      }
      const account = token.accountId ? findSeedAccount(token.accountId) : undefined;
      if (!account) return undefined;
      return { ...personClaims(account), ...(token.sid ? { sid: token.sid } : {}) };
    },
    /** The vault is first-party: its grant is made for what it asked, so no consent screen is shown. */
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      if (oidc.client?.clientId !== vaultClientId || !oidc.session?.accountId) return undefined;
      const grant = new oidc.provider.Grant({ clientId: vaultClientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].filter((scope) => personScopes.includes(scope)).join(' '));
      if (oidc.requestParamClaims) grant.addOIDCClaims([...oidc.requestParamClaims]);
      for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
        grant.addResourceScope(indicator, server.scope);
      }
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${identityProviderPath}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Its access tokens are for the API only, so a userinfo endpoint could never be called.
      userinfo: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => htmlPage(ctx, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => htmlPage(ctx, loggedOutPage()),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => vaultApiResource,
        // The code flow's access token is for the API (a JWT) even though the client asked for openid.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (indicator !== vaultApiResource) throw new errors.InvalidTarget();
          return {
            // Only the machine clients may be granted machine scopes; the vault client none.
            scope: machineClient(client.clientId)?.scopes.join(' ') ?? '',
            audience: vaultApiAudience,
            accessTokenTTL: tokenLifetimeSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.status = ctx.status >= 400 ? ctx.status : 400;
      htmlPage(ctx, errorPage(out.error, out.error_description));
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => logger.error('embedded OpenID provider error', { error }));
  provider.on('backchannel.error', (_ctx, error, client) =>
    logger.warn('back-channel logout not delivered', { error, clientId: client.clientId }),
  );
  const callback = provider.callback();
  const interactionPath = new RegExp(`^${identityProviderPath}/interaction/([A-Za-z0-9_-]+)(/login)?$`);

  const sendPage = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': securityPolicy,
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(body);
  };

  /** The login page (GET) and its form (POST …/login); oidc-provider resumes the authorization after. */
  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, login: boolean) {
    const method = req.method ?? 'GET';
    if (method !== (login ? 'POST' : 'GET')) {
      return sendPage(res, 405, errorPage('method_not_allowed'), { allow: login ? 'POST' : 'GET' });
    }
    let details: Awaited<ReturnType<typeof provider.interactionDetails>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendPage(res, 400, errorPage('invalid_request', 'This sign-in has expired or was not started here.'));
    }
    if (details.uid !== uid) return sendPage(res, 400, errorPage('invalid_request', 'Unknown sign-in.'));
    if (details.prompt.name !== 'login') {
      // Only the vault signs people in here, and its grant is made without asking (loadExistingGrant).
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'consent is not available at this provider' },
        { mergeWithLastSubmission: false },
      );
    }
    if (!login) return sendPage(res, 200, loginPage(`${identityProviderPath}/interaction/${uid}/login`, seedAccounts));
    const form = await readForm(req);
    const account = findSeedAccount(form?.get('accountId') ?? '');
    if (!account) return sendPage(res, 400, errorPage('invalid_request', 'Choose one of the listed accounts.'));
    const result = { login: { accountId: account.accountId } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const handles = (pathname: string) =>
    pathname === identityProviderPath || pathname.startsWith(`${identityProviderPath}/`);

  return {
    issuer,
    discoveryUrl: clients.vault.discoveryUrl,
    jwksUrl: `${issuer}/jwks`,
    audience: vaultApiAudience,
    clients,
    accounts: seedAccounts,
    trustedIssuer: {
      id: 'local-sso',
      issuer,
      jwksUrl: `${issuer}/jwks`,
      clientId: vaultClientId,
      audience: vaultApiAudience,
      claimMapping: 'vault-claims',
      accountTypes: [...accountTypes],
      tokenKinds: ['user', 'machine'],
      maxTokenLifetimeSeconds: tokenLifetimeSeconds,
    },
    handles,
    async serve(req, res) {
      const url = req.url ?? '/';
      const pathname = url.split('?')[0] as string;
      const interactionMatch = interactionPath.exec(pathname);
      if (interactionMatch) return interaction(req, res, interactionMatch[1] as string, !!interactionMatch[2]);
      // oidc-provider finds its mount path as Express leaves it: originalUrl minus url.
      const rest = url.slice(identityProviderPath.length);
      Object.assign(req, { originalUrl: url, url: rest.startsWith('/') ? rest : `/${rest}` });
      await callback(req, res);
    },
  };
}
