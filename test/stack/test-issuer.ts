import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { backChannelLogoutEvent } from '../../functions/auth/core/logout.ts';

/**
 * A throw-away OpenID provider for the stack test: an ES256 key made for this run, its
 * discovery document and JWKS served on 127.0.0.1. The deployed authorizer and logout handler
 * (local subprocesses of the emulator) fetch the JWKS from here, exactly as they would from
 * the national SSO. It signs access tokens (`aud` the API's audience) for people and for
 * machine clients, and back-channel logout tokens (`aud` our client id there).
 */
export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  /** The `aud` of its access tokens. */
  audience: string;
  /** Our client id at this provider: the `aud` of its logout tokens. */
  clientId: string;
  /** Its entry in the stage's `identityProviders`, as an administrator would write it. */
  identityProvider: Record<string, unknown>;
  issueToken(claims: {
    sub: string;
    /** A person's role; a machine client's token names none. */
    role?: string;
    ownerId?: string;
    unit?: string;
    /** The provider session; logouts name it. */
    sid?: string;
    /** A machine client's scopes (space-separated, e.g. `results:write`) and its client id. */
    scope?: string;
    client_id?: string;
  }): Promise<string>;
  /** A Back-Channel Logout 1.0 token for a session or subject; `aud` and `jti` may be overridden. */
  issueLogoutToken(claims: { sid?: string; sub?: string; aud?: string; jti?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(audience = 'khoso', clientId = 'khoso-stack-rp'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'stack-test', alg: 'ES256', use: 'sig' }] };
  let discovery = {};
  const server: Server = createServer((request, response) => {
    const body =
      request.url === '/jwks.json' ? jwks : request.url === '/.well-known/openid-configuration' ? discovery : null;
    if (body) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/`;
  const jwksUrl = `${issuer}jwks.json`;
  discovery = {
    issuer,
    jwks_uri: jwksUrl,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  };
  const sign = (claims: Record<string, unknown>, subject: string | undefined, aud: string, typ?: string) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'stack-test', ...(typ ? { typ } : {}) })
      .setIssuer(issuer)
      .setAudience(aud)
      .setIssuedAt();
    return subject ? jwt.setSubject(subject) : jwt;
  };
  return {
    issuer,
    jwksUrl,
    audience,
    clientId,
    identityProvider: {
      id: 'stack-test',
      issuer,
      discoveryUrl: `${issuer}.well-known/openid-configuration`,
      jwksUrl,
      clientId,
      audience,
      claimMapping: 'vault-claims',
      accountTypes: ['citizen', 'business', 'organisation', 'officer', 'admin'],
      // Business systems' machine tokens (results:write) come from it too.
      tokenKinds: ['user', 'machine'],
      maxTokenLifetimeSeconds: 3600,
    },
    issueToken: (claims) =>
      sign({ ...claims }, claims.sub, audience)
        .setExpirationTime('1h')
        .sign(privateKey),
    issueLogoutToken: (claims) =>
      sign(
        {
          events: { [backChannelLogoutEvent]: {} },
          ...(claims.sid ? { sid: claims.sid } : {}),
        },
        claims.sub,
        claims.aud ?? clientId,
        'logout+jwt',
      )
        .setJti(claims.jti ?? randomUUID())
        .setExpirationTime('2m')
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
