/**
 * The one definition of the vault table. CDK builds the DynamoDB table from it, the
 * embedded runtime creates the same table in dynalite, and the data-access code names
 * its keys and indexes from it, so infrastructure and code cannot drift.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Time-to-live attribute: expired upload records and link tokens disappear on their own. */
  ttlAttribute: 'expiresAtEpoch',
  globalSecondaryIndexes: [
    /** Listings: documents by folder, the trash, a resource's history. */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Lookups across owners: issued documents by (type, number). */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type GlobalSecondaryIndexName = (typeof tableSchema.globalSecondaryIndexes)[number]['indexName'];

/** The CreateTable input shared by the embedded runtime and tests (CDK maps the same schema). */
export function createTableInput(tableName: string) {
  const keyAttributes = [
    tableSchema.partitionKey,
    tableSchema.sortKey,
    ...tableSchema.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
