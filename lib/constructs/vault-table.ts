import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableSchema } from '../../functions/platform/storage/schema.ts';

export interface VaultTableProps {
  tableName: string;
  /** Deletion protection and RETAIN; off for throw-away stages. */
  retainData: boolean;
}

/** The single vault table, built from the shared table schema so code and infra agree. */
export class VaultTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: VaultTableProps) {
    super(scope, id);
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: key(tableSchema.partitionKey),
      sortKey: key(tableSchema.sortKey),
      timeToLiveAttribute: tableSchema.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key keeps the table encrypted with KMS without a key grant per function.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of tableSchema.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
