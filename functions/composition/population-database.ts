/**
 * The population database client, built from configuration: the look-up's endpoint
 * (identity's adapter) and the gateway's authentication (sync's, the same LGSP/NGSP client
 * credentials or session login the national warehouse uses).
 */
import { z } from 'zod';
import {
  createPopulationDatabaseHttpClient,
  populationDatabaseConfigSchema,
  type PopulationDatabaseConfigInput,
} from '../identity/adapters/population-database-http.ts';
import { PopulationDatabaseUnavailableError, type PopulationDatabase } from '../identity/core/population-database.ts';
import { createGatewayAuthentication } from '../sync/adapters/gateway-authentication.ts';
import { gatewayAuthenticationSchema } from '../sync/adapters/national-warehouse-config.ts';

export type PopulationDatabaseSettings = PopulationDatabaseConfigInput & {
  authentication: z.input<typeof gatewayAuthenticationSchema>;
};

/** The client, or an error naming the fields that are wrong (never their values: some are secrets). */
export function createPopulationDatabase(settings: unknown): PopulationDatabase {
  const { authentication: rawAuthentication, ...rest } = z
    .object({ authentication: z.unknown() })
    .loose()
    .parse(settings);
  const config = populationDatabaseConfigSchema.safeParse(rest);
  const authentication = gatewayAuthenticationSchema.safeParse(rawAuthentication);
  if (!config.success || !authentication.success) {
    const issues = [
      ...(config.success ? [] : config.error.issues),
      ...(authentication.success
        ? []
        : authentication.error.issues.map((i) => ({ ...i, path: ['authentication', ...i.path] }))),
    ];
    const problems = issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`population database configuration is invalid: ${problems.join('; ')}`);
  }
  return createPopulationDatabaseHttpClient(
    config.data,
    createGatewayAuthentication(authentication.data, {
      baseUrl: config.data.baseUrl,
      timeoutMs: config.data.requestTimeoutMs,
      maxReplyBytes: 64 * 1024,
    }),
  );
}

/** A stage without a population database confirms nobody: officers' pages naming a person go to review. */
export const unconfiguredPopulationDatabase: PopulationDatabase = {
  findCitizen: () =>
    Promise.reject(new PopulationDatabaseUnavailableError('no population database is configured for this stage')),
};
