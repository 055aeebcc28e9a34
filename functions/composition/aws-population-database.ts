import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { PopulationDatabaseUnavailableError, type PopulationDatabase } from '../identity/core/population-database.ts';
import { createPopulationDatabase, unconfiguredPopulationDatabase } from './population-database.ts';

const gatewaySecret = z.object({ clientSecret: z.string().min(1) }).or(z.object({ password: z.string().min(1) }));

/**
 * The client is built on the first look-up: its secret is read once per container. The
 * settings come from the stage config as JSON without secrets; the client secret or password
 * from Secrets Manager (`{"clientSecret": …}` or `{"password": …}`), as for the national warehouse.
 */
export function lazyPopulationDatabase(
  configJson: string | undefined,
  secretArn: string | undefined,
): PopulationDatabase {
  if (!configJson) return unconfiguredPopulationDatabase;
  let client: Promise<PopulationDatabase> | undefined;
  const build = async (): Promise<PopulationDatabase> => {
    const settings = JSON.parse(configJson) as { authentication?: Record<string, unknown> };
    if (secretArn) {
      const { SecretString } = await new SecretsManagerClient({}).send(
        new GetSecretValueCommand({ SecretId: secretArn }),
      );
      settings.authentication = {
        ...settings.authentication,
        ...gatewaySecret.parse(JSON.parse(SecretString ?? '{}')),
      };
    }
    return createPopulationDatabase(settings);
  };
  return {
    findCitizen: async (key) => {
      // A secret that cannot be read (or settings that do not parse) leaves owners unconfirmed, not the upload failed.
      const database = await (client ??= build().catch((error: unknown) => {
        client = undefined;
        throw new PopulationDatabaseUnavailableError('the population database client could not be set up', {
          cause: error,
        });
      }));
      return database.findCitizen(key);
    },
  };
}
