import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { dynamoDocumentClient } from '../../platform/adapters/aws-clients.ts';
import { randomIds, systemClock } from '../../platform/core/runtime.ts';
import { createDynamoUnitOfWork } from '../../platform/storage/dynamo-commit.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import type { AuthAuditDeps } from '../core/auth-audit.ts';
import { parseTrustedIssuers, type TrustedIssuer } from '../core/identity-providers.ts';
import { cachedDenyList, type DenyList, type ReplayGuard } from '../core/revocation.ts';
import { cachedSessions, type LoginAttemptStore, type SessionStore } from '../core/sessions.ts';
import { createDynamoDenyList } from './dynamo-deny-list.ts';
import { createDynamoSessions } from './dynamo-sessions.ts';

const authEnvironment = z.object({
  /** The stage's trusted issuers as JSON (no secret values), from the stage config. */
  IDENTITY_PROVIDERS: z.string().min(2),
  TABLE_NAME: z.string().min(1),
});

export interface AwsAuthDeps extends AuthAuditDeps {
  issuers: TrustedIssuer[];
  keysFor: (issuer: TrustedIssuer) => JWTVerifyGetKey;
  denyList: DenyList;
  replays: ReplayGuard;
  sessions: SessionStore;
  /** Login attempts: used by the auth routes' browser login only. */
  attempts: LoginAttemptStore;
}

let deps: AwsAuthDeps | undefined;

/**
 * The authorizer's and the auth handler's dependencies on AWS, built once per container. Browser
 * login (openid-client, Secrets Manager) is wired in aws-browser-login-deps.ts, so that the
 * authorizer's bundle carries neither.
 */
export function awsAuthDeps(): AwsAuthDeps {
  if (deps) return deps;
  const config = authEnvironment.parse(process.env);
  const db = dynamoDocumentClient();
  const store = createDynamoDenyList(db, config.TABLE_NAME);
  const { sessions, attempts } = createDynamoSessions(db, config.TABLE_NAME);
  // jose keeps each remote JWKS cached and refetches it when a token names an unknown key.
  const jwks = new Map<string, JWTVerifyGetKey>();
  deps = {
    issuers: parseTrustedIssuers(config.IDENTITY_PROVIDERS),
    keysFor: (issuer: TrustedIssuer) => {
      let keys = jwks.get(issuer.jwksUrl);
      if (!keys) jwks.set(issuer.jwksUrl, (keys = createRemoteJWKSet(new URL(issuer.jwksUrl))));
      return keys;
    },
    denyList: cachedDenyList(store),
    replays: store,
    sessions: cachedSessions(sessions),
    appendAudit: (entry: Parameters<AuthAuditDeps['appendAudit']>[0]) =>
      createDynamoUnitOfWork(new DynamoTable(db, config.TABLE_NAME)).appendAudit(entry),
    clock: systemClock,
    ids: randomIds,
    attempts,
  };
  return deps;
}
