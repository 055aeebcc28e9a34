import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { stageNamePrefix } from '../config/stage-config.ts';
import { objectPrefixes } from '../../functions/platform/storage/schema.ts';

export interface VaultBucketProps {
  /** Physical name, from vaultBucketName(). */
  bucketName: string;
  /** The symmetric data key for SSE-KMS. */
  dataKey: IKey;
  retainData: boolean;
  /** Browser origins allowed to POST scans with a presigned form; none means no CORS rule. */
  corsOrigins: readonly string[];
}

/**
 * The bucket's physical name. It is fixed per stage, account and region so the stateless
 * stack can name the bucket (and scope grants to its prefixes) without a cross-stack export.
 */
export function vaultBucketName(stage: string): string {
  return `${stageNamePrefix(stage)}-vault-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/**
 * The object store: private, TLS-only, SSE-KMS, versioned. Scans land in incoming/ and
 * are filed under vault/ or quarantined; lifecycle rules clear what is left behind.
 */
export class VaultBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: VaultBucketProps) {
    super(scope, id);
    const removal = props.retainData
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    // Server access logs cannot be delivered to an SSE-KMS bucket, hence S3-managed keys here.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      ...removal,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the vault bucket; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'vault/',
      cors:
        props.corsOrigins.length > 0
          ? [
              {
                allowedMethods: [HttpMethods.POST],
                allowedOrigins: [...props.corsOrigins],
                allowedHeaders: ['*'],
                maxAge: 3000,
              },
            ]
          : undefined,
      lifecycleRules: [
        // Presigned POSTs live 15 minutes at most and filing moves the object; what stays was abandoned.
        {
          id: 'expire-abandoned-incoming',
          prefix: objectPrefixes.incoming,
          expiration: Duration.days(2),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'expire-quarantine', prefix: objectPrefixes.quarantine, expiration: Duration.days(30) },
        // Per-page OCR results are removed on filing; those of failed or abandoned runs go after a week.
        { id: 'expire-work', prefix: objectPrefixes.work, expiration: Duration.days(7) },
        // Overwritten and deleted object versions are S3's trash: kept long enough to undo, then purged.
        {
          id: 'purge-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
        },
      ],
      ...removal,
    });
  }
}
