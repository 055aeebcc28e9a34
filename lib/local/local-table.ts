import { entities, primaryKey } from '../../functions/platform/storage/schema.ts';

/** The embedded runtime's table in dynalite (same schema as the deployed one, functions/platform/storage/schema.ts). */
export const localTableName = 'khoso-local';

/**
 * Written the first time a start finds no audit entry without a hash chain, so that scan runs
 * once per data folder rather than at every start.
 */
export const auditChainedMarker = primaryKey(entities.localLayoutMarker, {});
