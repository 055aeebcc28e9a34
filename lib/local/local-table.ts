/** The embedded runtime's table in dynalite (same schema as the deployed one, lib/table-schema.ts). */
export const localTableName = 'khoso-local';
