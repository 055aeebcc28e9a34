import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/**
 * A throw-away OIDC issuer for the stack test: an ES256 key made for this run and its
 * JWKS served on 127.0.0.1. The deployed authorizer (a local subprocess of the emulator)
 * fetches the JWKS from here, exactly as it would from the national SSO.
 */
export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  issueToken(claims: { sub: string; role: string; ownerId?: string; unit?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(audience = 'khoso'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'stack-test', alg: 'ES256', use: 'sig' }] };
  const server: Server = createServer((request, response) => {
    if (request.url === '/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/`;
  return {
    issuer,
    jwksUrl: `${issuer}jwks.json`,
    audience,
    issueToken: (claims) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'stack-test' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
