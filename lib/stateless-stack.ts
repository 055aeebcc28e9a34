import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stage-config.ts';
import { DigitizeWorkflow } from './constructs/digitize-workflow.ts';
import { OperationsAlarms } from './constructs/operations-alarms.ts';
import { UploadEvents } from './constructs/upload-events.ts';
import { objectPrefixes, vaultBucketName } from './constructs/vault-bucket.ts';
import { grantItemAccess, grantObjects, grantQuery } from './constructs/vault-access.ts';
import { VaultApi } from './constructs/vault-api.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: ITable;
  /** The data key of the vault bucket's SSE-KMS (the bucket itself is found by its fixed name). */
  dataKey: IKey;
}

/** The code: API, authorizer, S3 event handler, workflow and alarms. Safe to redeploy at will. */
export class StatelessStack extends Stack {
  readonly api: VaultApi;
  readonly workflow: DigitizeWorkflow;
  readonly uploadEvents: UploadEvents;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, dataKey } = props;
    const bucket = Bucket.fromBucketName(this, 'VaultBucket', vaultBucketName(config.stage));
    const objects = { bucket, dataKey };
    const namePrefix = `khoso-${config.stage}`;
    const logRetention = config.logRetentionDays as RetentionDays;
    // What functions/config.ts reads; the stage config is the one source of these values.
    const vaultEnvironment = {
      TABLE_NAME: table.tableName,
      BUCKET_NAME: bucket.bucketName,
      MAX_UPLOAD_BYTES: String(config.limits.maxUploadBytes),
      UPLOAD_URL_TTL_SECONDS: String(config.limits.uploadUrlTtlSeconds),
      DOWNLOAD_URL_TTL_SECONDS: String(config.limits.downloadUrlTtlSeconds),
      ALLOWED_CONTENT_TYPES: config.allowedContentTypes.join(','),
      MAX_IMAGE_PIXELS: String(config.limits.maxImagePixels),
      MAX_PDF_PAGES: String(config.limits.maxPdfPages),
      OCR_ENGINE: config.ocrEngine,
    };

    this.api = new VaultApi(this, 'Api', {
      namePrefix,
      vaultEnvironment,
      authEnvironment: { JWT_ISSUER: config.auth.issuer, JWKS_URL: config.auth.jwksUrl, JWT_AUDIENCE: config.auth.audience },
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      logRetention,
    });
    this.workflow = new DigitizeWorkflow(this, 'Digitize', { namePrefix, vaultEnvironment, logRetention });
    this.uploadEvents = new UploadEvents(this, 'UploadEvents', {
      namePrefix,
      bucket,
      stateMachine: this.workflow.stateMachine,
      vaultEnvironment,
      logRetention,
    });

    const { folders, documents, uploads, templates } = this.api.handlers;
    const { validate, recognize, classify, extract, review, file, fail } = this.workflow;
    for (const vault of [folders, documents, uploads, templates, validate, recognize, classify, extract, review, file, fail, this.uploadEvents.onUpload]) {
      grantItemAccess(vault.role, table);
    }
    // Classify lists the recognition templates.
    for (const listing of [folders, documents, uploads, templates, classify]) grantQuery(listing.role, table);
    // Presigned URLs carry the signer's rights: uploads and new versions POST to incoming/,
    // downloads GET from vault/.
    grantObjects(uploads.role, objects, objectPrefixes.incoming, ['write']);
    grantObjects(documents.role, objects, objectPrefixes.incoming, ['write']);
    grantObjects(documents.role, objects, objectPrefixes.vault, ['read']);
    grantObjects(documents.role, objects, objectPrefixes.text, ['read']);
    grantObjects(validate.role, objects, objectPrefixes.incoming, ['read']);
    // File copies incoming/ → vault/ and removes the original; Fail does the same into quarantine/.
    grantObjects(file.role, objects, objectPrefixes.incoming, ['read', 'delete']);
    grantObjects(file.role, objects, objectPrefixes.vault, ['write']);
    grantObjects(fail.role, objects, objectPrefixes.incoming, ['read', 'delete']);
    grantObjects(fail.role, objects, objectPrefixes.quarantine, ['write']);
    // Pages are read into work/ one by one, classified and extracted from there; the text is kept under text/.
    grantObjects(recognize.role, objects, objectPrefixes.incoming, ['read']);
    grantObjects(recognize.role, objects, objectPrefixes.work, ['write']);
    grantObjects(classify.role, objects, objectPrefixes.work, ['read']);
    grantObjects(extract.role, objects, objectPrefixes.work, ['read']);
    grantObjects(extract.role, objects, objectPrefixes.text, ['write']);
    grantObjects(file.role, objects, objectPrefixes.work, ['delete']);
    // A review decision resumes the paused execution through its task token.
    uploads.fn.addEnvironment('STATE_MACHINE_ARN', this.workflow.stateMachine.stateMachineArn);
    this.workflow.stateMachine.grantTaskResponse(uploads.role);

    // CDK's own handler for the notification custom resource, a stack-level singleton.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "Only CDK's BucketNotifications handler uses it (to write its logs); khoso's functions have their own log-scoped roles.",
    });

    new OperationsAlarms(this, 'Alarms', {
      namePrefix,
      api: this.api.api,
      stateMachine: this.workflow.stateMachine,
      deadLetterQueues: [this.uploadEvents.deadLetterQueue],
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ApiId', { value: this.api.api.apiId });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'OnUploadFunctionName', { value: this.uploadEvents.onUpload.fn.functionName });
  }
}
