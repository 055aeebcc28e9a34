/**
 * The population database the embedded runtime confirms owners against: the configured one,
 * or (when none is configured) the simulator from test/simulators with its seeded citizens.
 */
import {
  createPopulationDatabase,
  type PopulationDatabaseSettings,
} from '../../functions/composition/population-database.ts';
import type { PopulationDatabase } from '../../functions/identity/core/population-database.ts';
import {
  startPopulationDatabaseSimulator,
  type PopulationDatabaseSimulator,
} from '../../test/simulators/population-database-simulator.ts';

export interface LocalPopulationDatabase {
  database: PopulationDatabase;
  /** Present when the simulator stands in for the database. */
  simulator?: PopulationDatabaseSimulator;
  close(): Promise<void>;
}

/**
 * The gateway POPULATION_DATABASE_URL names (the rest of its client settings, authentication
 * included, in POPULATION_DATABASE_CONFIG, JSON), or undefined: then the simulator stands in.
 */
export function configuredPopulationDatabase(
  env: NodeJS.ProcessEnv = process.env,
): PopulationDatabaseSettings | undefined {
  const baseUrl = env.POPULATION_DATABASE_URL;
  if (!baseUrl) return undefined;
  return { ...(JSON.parse(env.POPULATION_DATABASE_CONFIG ?? '{}') as PopulationDatabaseSettings), baseUrl };
}

export async function startLocalPopulationDatabase(
  configured: PopulationDatabaseSettings | undefined,
): Promise<LocalPopulationDatabase> {
  if (configured) return { database: createPopulationDatabase(configured), close: async () => {} };
  const simulator = await startPopulationDatabaseSimulator();
  return {
    database: createPopulationDatabase({ ...simulator.clientConfig(), authentication: simulator.authentication }),
    simulator,
    close: () => simulator.close(),
  };
}
