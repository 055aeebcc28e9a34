/** The embedded runtime's table in dynalite (same schema as the deployed one, lib/table-schema.ts). */
export const localTableName = 'khoso-local';

/**
 * Written the first time a start finds no audit entry without a hash chain, so that scan runs
 * once per data folder rather than at every start.
 */
export const auditChainedMarker = { pk: 'LOCAL#LAYOUT', sk: 'AUDIT-CHAINED' } as const;
