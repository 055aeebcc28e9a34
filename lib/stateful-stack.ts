import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { stageNamePrefix, type StageConfig } from './config/stage-config.ts';
import { VaultBucket, vaultBucketName } from './constructs/vault-bucket.ts';
import { VaultKeys } from './constructs/vault-keys.ts';
import { VaultTable } from './constructs/vault-table.ts';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

/**
 * What holds data and must outlive any deployment of the code: the table, the bucket and
 * the keys. It changes rarely; the stateless stack can be destroyed and redeployed freely.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly bucket: Bucket;
  readonly dataKey: Key;
  readonly signingKey: Key;
  readonly webhookSecretKey: Key;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const namePrefix = stageNamePrefix(config.stage);
    const keys = new VaultKeys(this, 'Keys', {
      namePrefix,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.dataKey = keys.dataKey;
    this.signingKey = keys.signingKey;
    this.webhookSecretKey = keys.webhookSecretKey;
    this.table = new VaultTable(this, 'Vault', {
      tableName: `${namePrefix}-vault`,
      retainData: config.retainData,
    }).table;
    this.bucket = new VaultBucket(this, 'Objects', {
      bucketName: vaultBucketName(config.stage),
      dataKey: keys.dataKey,
      retainData: config.retainData,
      corsOrigins: config.api.corsOrigins,
    }).bucket;

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn, description: 'KMS key of the agency seal' });
  }
}
