import { z } from 'zod';
import type { BrowserLoginDeps } from '../core/browser-login.ts';
import { browserLoginSettingsSchema } from '../core/identity-providers.ts';
import type { AwsAuthDeps } from './aws-auth-deps.ts';
import { createOidcConfigurations } from './oidc-configurations.ts';
import { openIdClientRelyingParty } from './openid-client-relying-party.ts';
import { secretsManagerClientSecrets } from './secrets-manager-client-secrets.ts';

const browserLoginEnvironment = z.object({
  /** The stage's browser-login settings as JSON; absent when no provider offers browser login. */
  BROWSER_LOGIN: z.string().min(2).optional(),
  /** Provider id → Secrets Manager name or ARN of its client secret (auth routes' function only). */
  CLIENT_SECRET_IDS: z.string().min(2).default('{}'),
});

/** Browser login's dependencies on AWS (the auth routes' function only), when the stage configures it. */
export function awsBrowserLoginDeps(auth: AwsAuthDeps): BrowserLoginDeps | undefined {
  const config = browserLoginEnvironment.parse(process.env);
  if (!config.BROWSER_LOGIN) return undefined;
  return {
    ...auth,
    settings: browserLoginSettingsSchema.parse(JSON.parse(config.BROWSER_LOGIN)),
    relyingParty: openIdClientRelyingParty(
      createOidcConfigurations(
        secretsManagerClientSecrets(z.record(z.string(), z.string()).parse(JSON.parse(config.CLIENT_SECRET_IDS))),
      ),
    ),
  };
}
