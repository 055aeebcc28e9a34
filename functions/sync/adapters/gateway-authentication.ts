/**
 * How calls to the national warehouse prove who we are, behind one small interface: OAuth 2
 * client credentials (LGSP/NGSP: a Bearer token from `{base}/token`) or the older login with
 * `{username, password}` whose `session` travels in every body. Both cache what they got and
 * share one fetch among concurrent callers; the client drops a credential the gateway refused
 * (401) and tries once more with a fresh one.
 */
import { z } from 'zod';
import { NationalWarehouseError } from '../core/national-warehouse.ts';
import type { GatewayAuthenticationConfig } from './national-warehouse-config.ts';
import { checkStatus, parseReplyJson, postToPortal } from './portal-http.ts';

/** What one call carries: headers, and fields merged into its JSON body. */
export interface GatewayCredential {
  headers: Record<string, string>;
  bodyFields: Record<string, string>;
}

export interface GatewayAuthentication {
  credential(): Promise<GatewayCredential>;
  /** The gateway refused this credential: the next `credential()` fetches a new one. */
  refused(credential: GatewayCredential): void;
}

export interface GatewayTransport {
  baseUrl: string;
  timeoutMs: number;
  maxReplyBytes: number;
}

const tokenReplySchema = z.object({
  access_token: z.string().min(1).max(8192),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

/** Older adapters answer the session at the top level or inside `result`. */
const loginReplySchema = z.object({
  session: z.string().min(1).max(8192).optional(),
  result: z.object({ session: z.string().min(1).max(8192).optional() }).nullish(),
});

export function createGatewayAuthentication(
  config: GatewayAuthenticationConfig,
  transport: GatewayTransport,
): GatewayAuthentication {
  return config.kind === 'client-credentials'
    ? createClientCredentialsAuthentication(config, transport)
    : createSessionLoginAuthentication(config, transport);
}

/** One cached value, fetched once however many callers wait for it. */
function cachedCredential(fetchCredential: () => Promise<{ credential: GatewayCredential; expiresAt: number }>) {
  let current: { credential: GatewayCredential; expiresAt: number } | undefined;
  let pending: Promise<GatewayCredential> | undefined;
  return {
    credential(): Promise<GatewayCredential> {
      if (current && Date.now() < current.expiresAt) return Promise.resolve(current.credential);
      pending ??= fetchCredential()
        .then((fetched) => {
          current = fetched;
          return fetched.credential;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    // Only the credential that was refused is dropped: a concurrent caller may already hold a newer one.
    refused(credential: GatewayCredential): void {
      if (current?.credential === credential) current = undefined;
    },
  };
}

function createClientCredentialsAuthentication(
  config: Extract<GatewayAuthenticationConfig, { kind: 'client-credentials' }>,
  transport: GatewayTransport,
): GatewayAuthentication {
  const what = 'national warehouse token request';
  return cachedCredential(async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scope) form.set('scope', config.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (config.sendCredentialsAs === 'basic-header') {
      // RFC 6749 §2.3.1: each part is form-encoded before the Basic encoding.
      const pair = `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', config.clientId);
      form.set('client_secret', config.clientSecret);
    }
    const startedAt = Date.now();
    const reply = await postToPortal(
      { ...transportOf(transport, config.tokenPath), headers, body: form.toString() },
      what,
    );
    // A token endpoint says 400 invalid_client as often as 401: both mean our credentials are wrong.
    if (reply.status === 400 || reply.status === 401) {
      throw new NationalWarehouseError('unauthorised', `${what}: the gateway refused our client credentials`, {
        status: reply.status,
      });
    }
    checkStatus(reply, what);
    const token = parseReply(tokenReplySchema, reply.text, what);
    if (token.token_type && token.token_type.toLowerCase() !== 'bearer') {
      throw new NationalWarehouseError('malformed-reply', `${what}: the token is not a Bearer token`);
    }
    const lifetimeMs = (token.expires_in ?? config.defaultTokenLifetimeSeconds) * 1000;
    const marginMs = Math.min(config.refreshMarginSeconds * 1000, lifetimeMs / 2);
    return {
      credential: { headers: { authorization: `Bearer ${token.access_token}` }, bodyFields: {} },
      expiresAt: startedAt + lifetimeMs - marginMs,
    };
  });
}

function createSessionLoginAuthentication(
  config: Extract<GatewayAuthenticationConfig, { kind: 'session-login' }>,
  transport: GatewayTransport,
): GatewayAuthentication {
  const what = 'national warehouse login';
  return cachedCredential(async () => {
    const reply = await postToPortal(
      {
        ...transportOf(transport, config.loginPath),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: config.username, password: config.password }),
      },
      what,
    );
    if (reply.status === 400 || reply.status === 401 || reply.status === 403) {
      throw new NationalWarehouseError('unauthorised', `${what}: the portal refused our username or password`, {
        status: reply.status,
      });
    }
    checkStatus(reply, what);
    const login = parseReply(loginReplySchema, reply.text, what);
    const session = login.session ?? login.result?.session;
    if (!session) throw new NationalWarehouseError('unauthorised', `${what}: the reply carries no session`);
    // The portal says nothing about a session's lifetime: it is kept until a call is refused.
    return {
      credential: { headers: {}, bodyFields: { [config.sessionField]: session } },
      expiresAt: Number.POSITIVE_INFINITY,
    };
  });
}

function transportOf(transport: GatewayTransport, path: string) {
  return { url: `${transport.baseUrl}${path}`, timeoutMs: transport.timeoutMs, maxReplyBytes: transport.maxReplyBytes };
}

function parseReply<T>(schema: z.ZodType<T>, text: string, what: string): T {
  const parsed = schema.safeParse(parseReplyJson(text, what));
  if (!parsed.success) {
    throw new NationalWarehouseError('malformed-reply', `${what}: the reply does not have the expected fields`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
