import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { dynamoDocumentClient } from '../../platform/adapters/aws-clients.ts';
import { randomIds, systemClock } from '../../platform/core/runtime.ts';
import { createDynamoUnitOfWork } from '../../platform/storage/dynamo-commit.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import type { AuthAuditDeps } from '../core/auth-audit.ts';
import { parseTrustedIssuers, type TrustedIssuer } from '../core/identity-providers.ts';
import { cachedDenyList, type DenyList, type ReplayGuard } from '../core/revocation.ts';
import { createDynamoDenyList } from './dynamo-deny-list.ts';

const authEnvironment = z.object({
  /** The stage's trusted issuers as JSON (no secrets), from the stage config. */
  IDENTITY_PROVIDERS: z.string().min(2),
  TABLE_NAME: z.string().min(1),
});

export interface AwsAuthDeps extends AuthAuditDeps {
  issuers: TrustedIssuer[];
  keysFor: (issuer: TrustedIssuer) => JWTVerifyGetKey;
  denyList: DenyList;
  replays: ReplayGuard;
}

let deps: AwsAuthDeps | undefined;

/** The authorizer's and the logout handler's dependencies on AWS, built once per container. */
export function awsAuthDeps(): AwsAuthDeps {
  if (deps) return deps;
  const config = authEnvironment.parse(process.env);
  const db = dynamoDocumentClient();
  const store = createDynamoDenyList(db, config.TABLE_NAME);
  // jose keeps each remote JWKS cached and refetches it when a token names an unknown key.
  const jwks = new Map<string, JWTVerifyGetKey>();
  deps = {
    issuers: parseTrustedIssuers(config.IDENTITY_PROVIDERS),
    keysFor: (issuer) => {
      let keys = jwks.get(issuer.jwksUrl);
      if (!keys) jwks.set(issuer.jwksUrl, (keys = createRemoteJWKSet(new URL(issuer.jwksUrl))));
      return keys;
    },
    denyList: cachedDenyList(store),
    replays: store,
    appendAudit: (entry) => createDynamoUnitOfWork(new DynamoTable(db, config.TABLE_NAME)).appendAudit(entry),
    clock: systemClock,
    ids: randomIds,
  };
  return deps;
}
