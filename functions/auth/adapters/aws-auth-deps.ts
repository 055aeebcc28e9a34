import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { dynamoDocumentClient } from '../../platform/adapters/aws-clients.ts';
import { randomIds, systemClock } from '../../platform/core/runtime.ts';
import { createDynamoUnitOfWork } from '../../platform/storage/dynamo-commit.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import type { AuthAuditDeps } from '../core/auth-audit.ts';
import type { BrowserLoginDeps } from '../core/browser-login.ts';
import { browserLoginSettingsSchema, parseTrustedIssuers, type TrustedIssuer } from '../core/identity-providers.ts';
import { cachedDenyList, type DenyList, type ReplayGuard } from '../core/revocation.ts';
import { cachedSessions, type SessionStore } from '../core/sessions.ts';
import { createDynamoDenyList } from './dynamo-deny-list.ts';
import { createDynamoSessions } from './dynamo-sessions.ts';
import { createOidcConfigurations } from './oidc-configurations.ts';
import { secretsManagerClientSecrets } from './secrets-manager-client-secrets.ts';

const authEnvironment = z.object({
  /** The stage's trusted issuers as JSON (no secret values), from the stage config. */
  IDENTITY_PROVIDERS: z.string().min(2),
  TABLE_NAME: z.string().min(1),
  /** The stage's browser-login settings as JSON; absent when no provider offers browser login. */
  BROWSER_LOGIN: z.string().min(2).optional(),
  /** Provider id → Secrets Manager name or ARN of its client secret (auth routes' function only). */
  CLIENT_SECRET_IDS: z.string().min(2).default('{}'),
});

export interface AwsAuthDeps extends AuthAuditDeps {
  issuers: TrustedIssuer[];
  keysFor: (issuer: TrustedIssuer) => JWTVerifyGetKey;
  denyList: DenyList;
  replays: ReplayGuard;
  sessions: SessionStore;
  /** Browser login, when the stage configures it. */
  browserLogin?: BrowserLoginDeps;
}

let deps: AwsAuthDeps | undefined;

/** The authorizer's and the auth handler's dependencies on AWS, built once per container. */
export function awsAuthDeps(): AwsAuthDeps {
  if (deps) return deps;
  const config = authEnvironment.parse(process.env);
  const db = dynamoDocumentClient();
  const store = createDynamoDenyList(db, config.TABLE_NAME);
  const { sessions, attempts } = createDynamoSessions(db, config.TABLE_NAME);
  // jose keeps each remote JWKS cached and refetches it when a token names an unknown key.
  const jwks = new Map<string, JWTVerifyGetKey>();
  const base = {
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
  };
  deps = {
    ...base,
    ...(config.BROWSER_LOGIN
      ? {
          browserLogin: {
            ...base,
            settings: browserLoginSettingsSchema.parse(JSON.parse(config.BROWSER_LOGIN)),
            oidcConfiguration: createOidcConfigurations(
              secretsManagerClientSecrets(z.record(z.string(), z.string()).parse(JSON.parse(config.CLIENT_SECRET_IDS))),
            ),
            attempts,
          },
        }
      : {}),
  };
  return deps;
}
