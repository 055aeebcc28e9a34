import { ArnFormat, CfnOutput, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { authAuditOwner } from '../functions/auth/core/auth-audit.ts';
import { clientSecretIds, trustedIssuerOf } from '../functions/auth/core/identity-providers.ts';
import { entities } from '../functions/platform/storage/schema.ts';
import { webhookSecretPurpose } from '../functions/sync/core/webhook-secrets.ts';
import { dossierDefaultsFrom } from '../functions/sync/core/dossier-defaults.ts';
import { stageNamePrefix, type StageConfig } from './config/stage-config.ts';
import { DigitizeWorkflow } from './constructs/digitize-workflow.ts';
import { NationalWarehousePulls } from './constructs/national-warehouse-pulls.ts';
import { NationalWarehousePush } from './constructs/national-warehouse-push.ts';
import { OperationsAlarms } from './constructs/operations-alarms.ts';
import { RemoteSignatureChecks } from './constructs/remote-signature-checks.ts';
import { WebhookDeliveries } from './constructs/webhook-deliveries.ts';
import { UploadEvents } from './constructs/upload-events.ts';
import { vaultBucketName } from './constructs/vault-bucket.ts';
import {
  grantIndexQuery,
  grantItemAccess,
  grantItemReadsAndTableQuery,
  grantItemsByPartition,
  grantObjects,
  partitionPattern,
  grantQuery,
} from './constructs/vault-access.ts';
import { VaultApi } from './constructs/vault-api.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: ITable;
  /** The data key of the vault bucket's SSE-KMS (the bucket itself is found by its fixed name). */
  dataKey: IKey;
  /** The agency seal's asymmetric key. */
  signingKey: IKey;
  /** Seals units' webhook secrets. */
  webhookSecretKey: IKey;
}

/**
 * The code: API, authorizer, S3 event handler, workflow, remote signature checks and
 * alarms. Safe to redeploy at will.
 */
export class StatelessStack extends Stack {
  readonly api: VaultApi;
  readonly workflow: DigitizeWorkflow;
  readonly uploadEvents: UploadEvents;
  readonly signatureChecks: RemoteSignatureChecks;
  readonly webhookDeliveries: WebhookDeliveries;
  readonly pulls: NationalWarehousePulls;
  /** Only where the stage configures the national warehouse. */
  readonly push: NationalWarehousePush | undefined;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, dataKey, signingKey, webhookSecretKey } = props;
    const bucket = Bucket.fromBucketName(this, 'VaultBucket', vaultBucketName(config.stage));
    const objects = { bucket, dataKey };
    const namePrefix = stageNamePrefix(config.stage);
    const logRetention = config.logRetentionDays as RetentionDays;
    const observability = { stage: config.stage, logLevel: config.logLevel };
    // What functions/composition/config.ts reads; the stage config is the one source of these values.
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
      ...(config.signing.requestTtlSeconds
        ? { SIGNATURE_REQUEST_TTL_SECONDS: String(config.signing.requestTtlSeconds) }
        : {}),
    };
    // Only the functions that talk to SIM or SmartCA get their endpoints and keys. The keys are
    // dynamic references: CloudFormation reads Secrets Manager at deploy time, so no key is
    // ever in the template or the repository.
    const remoteSigningEnvironment = Object.fromEntries(
      Object.entries(config.signing.remoteProviders).flatMap(([name, provider]) =>
        provider
          ? [
              [`${name.toUpperCase()}_SIGNING_ENDPOINT`, provider.endpoint],
              [
                `${name.toUpperCase()}_SIGNING_API_KEY`,
                SecretValue.secretsManager(provider.apiKeySecret).unsafeUnwrap(),
              ],
            ]
          : [],
      ),
    );

    this.api = new VaultApi(this, 'Api', {
      namePrefix,
      vaultEnvironment,
      authEnvironment: {
        // What the functions need of each provider; client secrets stay in Secrets Manager.
        IDENTITY_PROVIDERS: JSON.stringify(config.auth.identityProviders.map(trustedIssuerOf)),
        TABLE_NAME: table.tableName,
      },
      browserLoginEnvironment: config.auth.browserLogin
        ? {
            BROWSER_LOGIN: JSON.stringify(config.auth.browserLogin),
            CLIENT_SECRET_IDS: JSON.stringify(clientSecretIds(config.auth.identityProviders)),
          }
        : {},
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      logRetention,
      observability,
    });
    this.workflow = new DigitizeWorkflow(this, 'Digitize', {
      namePrefix,
      vaultEnvironment,
      logRetention,
      observability,
    });
    this.uploadEvents = new UploadEvents(this, 'UploadEvents', {
      namePrefix,
      bucket,
      stateMachine: this.workflow.stateMachine,
      vaultEnvironment,
      logRetention,
      observability,
    });

    this.signatureChecks = new RemoteSignatureChecks(this, 'SignatureChecks', {
      namePrefix,
      environment: { ...vaultEnvironment, ...remoteSigningEnvironment },
      logRetention,
      observability,
    });

    this.webhookDeliveries = new WebhookDeliveries(this, 'WebhookDeliveries', {
      namePrefix,
      environment: vaultEnvironment,
      logRetention,
      observability,
    });

    // A gateway's settings travel as JSON; its client secret or password stays in Secrets Manager.
    const secretNamed = (id: string, nameOrArn: string) =>
      nameOrArn.startsWith('arn:')
        ? Secret.fromSecretCompleteArn(this, id, nameOrArn)
        : Secret.fromSecretNameV2(this, id, nameOrArn);
    const gatewaySecret = config.nationalWarehouse
      ? secretNamed('NationalWarehouseSecret', config.nationalWarehouse.credentialsSecret)
      : undefined;
    const gatewayEnvironment =
      config.nationalWarehouse && gatewaySecret
        ? {
            NATIONAL_WAREHOUSE_CONFIG: JSON.stringify(config.nationalWarehouse.gateway),
            NATIONAL_WAREHOUSE_SECRET_ARN: gatewaySecret.secretArn,
          }
        : undefined;
    this.pulls = new NationalWarehousePulls(this, 'Pulls', {
      namePrefix,
      environment: { ...vaultEnvironment, ...gatewayEnvironment },
      logRetention,
      observability,
    });
    // Without a portal there is nothing to push to: the outbox records wait, pending, for a stage
    // that configures one (its dispatcher then sends them all).
    this.push = gatewayEnvironment
      ? new NationalWarehousePush(this, 'Push', {
          namePrefix,
          environment: {
            ...vaultEnvironment,
            ...gatewayEnvironment,
            // The portal downloads through our API: its public URL (a custom domain), else the API's own.
            PORTAL_LINK_BASE_URL: config.apiPublicUrl ?? config.auth.browserLogin?.publicBaseUrl ?? this.api.url,
            DOSSIER_DEFAULTS: JSON.stringify(dossierDefaultsFrom(config.dossierDefaults)),
          },
          logRetention,
          observability,
        })
      : undefined;

    const { folders, documents, uploads, templates, signatures, sharing, integration, unitSync, pulls } =
      this.api.handlers;
    const { deliver } = this.webhookDeliveries;
    const { validate, recognize, classify, extract, review, seal, file, fail } = this.workflow;
    const { check } = this.signatureChecks;
    for (const vault of [
      folders,
      documents,
      uploads,
      templates,
      signatures,
      sharing,
      integration,
      unitSync,
      deliver,
      validate,
      recognize,
      classify,
      extract,
      review,
      seal,
      file,
      fail,
      check,
      this.uploadEvents.onUpload,
      pulls,
      this.pulls.worker,
    ]) {
      grantItemAccess(vault.role, table);
    }
    // Classify lists the recognition templates; the signature checks read only the due-checks index.
    // The sync functions read the change feed, the policy's versions, webhooks and their deliveries;
    // pulls list their files, and the worker the owner's documents it must not file twice.
    for (const listing of [
      folders,
      documents,
      uploads,
      templates,
      signatures,
      sharing,
      classify,
      unitSync,
      deliver,
      pulls,
      this.pulls.worker,
    ])
      grantQuery(listing.role, table);
    grantIndexQuery(check.role, table, 'lookups');
    // The authorizer reads deny-list items and browser sessions and audits refused credentials in the
    // `auth` chain; the auth routes also write deny-list items, the logout tokens they have seen,
    // sessions and login attempts (and delete the last two). Nothing else of the vault.
    const revocations = partitionPattern(entities.revocation.pk);
    const sessions = partitionPattern(entities.browserSession.pk);
    const loginAttempts = partitionPattern(entities.loginAttempt.pk);
    const authAudit = [
      partitionPattern(entities.auditChainHead.pk, { ownerId: authAuditOwner }),
      partitionPattern(entities.auditEntry.pk, { ownerId: authAuditOwner }),
    ];
    grantItemsByPartition(this.api.authorizer.role, table, ['read'], [revocations, sessions, ...authAudit]);
    grantItemsByPartition(this.api.authorizer.role, table, ['write'], authAudit);
    const auth = this.api.handlers.auth.role;
    grantItemsByPartition(auth, table, ['read'], [revocations, sessions, ...authAudit]);
    grantItemsByPartition(
      auth,
      table,
      ['write'],
      [revocations, partitionPattern(entities.logoutTokenUse.pk), sessions, loginAttempts, ...authAudit],
    );
    grantItemsByPartition(auth, table, ['delete'], [sessions, loginAttempts]);
    // Browser login exchanges codes with each provider's client secret: read, nothing else, of those secrets only.
    for (const provider of config.auth.identityProviders) {
      if (!provider.clientSecret || !provider.browserLogin) continue;
      // A secret named without its ARN has the six random characters Secrets Manager appends.
      const secretArn = provider.clientSecret.startsWith('arn:')
        ? provider.clientSecret
        : this.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${provider.clientSecret}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          });
      Grant.addToPrincipal({ grantee: auth, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secretArn] });
    }
    // Registering a webhook seals its secret, delivering opens it: each only that, and only with
    // the binding to a webhook and unit present (the key policy already limits it to this account).
    for (const [grantee, action] of [
      [unitSync, 'kms:Encrypt'],
      [deliver, 'kms:Decrypt'],
    ] as const) {
      Grant.addToPrincipal({
        grantee: grantee.role,
        actions: [action],
        resourceArns: [webhookSecretKey.keyArn],
        conditions: {
          StringEquals: { 'kms:EncryptionContext:purpose': webhookSecretPurpose },
          Null: { 'kms:EncryptionContext:webhookId': 'false', 'kms:EncryptionContext:unit': 'false' },
        },
      });
      grantee.fn.addEnvironment('WEBHOOK_SECRET_KEY_ID', webhookSecretKey.keyArn);
    }
    // Sync administration reads the sync states' index, resets dead records and audits in the staff chain.
    grantItemAccess(this.api.handlers.sync.role, table);
    grantIndexQuery(this.api.handlers.sync.role, table, 'lookups');
    // The national warehouse's downloads (a public route): the link, the document and version it
    // names, the owner's audit chain, and presigned GETs under vault/. Nothing else of the vault.
    const portalLinks = this.api.handlers.portalLinks.role;
    const ownerAudit = [partitionPattern(entities.auditChainHead.pk), partitionPattern(entities.auditEntry.pk)];
    grantItemsByPartition(
      portalLinks,
      table,
      ['read'],
      [partitionPattern(entities.portalLink.pk), partitionPattern(entities.document.pk), ...ownerAudit],
    );
    grantItemsByPartition(portalLinks, table, ['write'], ownerAudit);
    grantObjects(portalLinks, objects, { vault: ['read'] });
    // Verifying audit chains reads heads and entry blocks; it never writes.
    grantItemReadsAndTableQuery(this.api.handlers.audit.role, table);
    // Presigned URLs carry the signer's rights: uploads and new versions POST to incoming/,
    // downloads GET from vault/.
    grantObjects(uploads.role, objects, { incoming: ['write'] });
    grantObjects(integration.role, objects, { incoming: ['write'] });
    grantObjects(documents.role, objects, { incoming: ['write'], vault: ['read'], text: ['read'] });
    // Grantees, link holders and officers read what was shared: presigned downloads and the recognised text.
    grantObjects(sharing.role, objects, { vault: ['read'], text: ['read'] });
    grantObjects(validate.role, objects, { incoming: ['read'] });
    // File copies incoming/ (or Seal's output in work/) → vault/ and removes the original; Fail
    // moves incoming/ into quarantine/.
    grantObjects(file.role, objects, { incoming: ['read', 'delete'], vault: ['write'], work: ['read', 'delete'] });
    grantObjects(fail.role, objects, { incoming: ['read', 'delete'], quarantine: ['write'] });
    // Pages are read into work/ one by one, classified and extracted from there; the text is kept under text/.
    grantObjects(recognize.role, objects, { incoming: ['read'], work: ['write'] });
    grantObjects(classify.role, objects, { work: ['read'] });
    grantObjects(extract.role, objects, { work: ['read'], text: ['write'] });
    // Extract confirms the owners officers name against the population database, through its gateway.
    // Without one it confirms nobody: those pages go to review (docs/deployment.md).
    if (config.populationDatabase) {
      const populationSecret = secretNamed('PopulationDatabaseSecret', config.populationDatabase.credentialsSecret);
      extract.fn.addEnvironment('POPULATION_DATABASE_CONFIG', JSON.stringify(config.populationDatabase.gateway));
      extract.fn.addEnvironment('POPULATION_DATABASE_SECRET_ARN', populationSecret.secretArn);
      populationSecret.grantRead(extract.role);
    }
    // Seal reads the scan and leaves the sealed PDF (or the detached seal) in work/ for File.
    // Its key may only sign; the certificate is imported through the signatures API.
    grantObjects(seal.role, objects, { incoming: ['read'], work: ['write'] });
    signingKey.grant(seal.role, 'kms:Sign');
    seal.fn.addEnvironment('SEAL_KEY_ID', signingKey.keyArn);
    // Signing adds signed versions and .p7s files to vault/; a PDF prepared for a pending
    // signature waits in work/signing/. Importing the seal certificate compares it with the
    // seal's public key.
    grantObjects(signatures.role, objects, { vault: ['read', 'write'], signing: ['read', 'write', 'delete'] });
    signingKey.grant(signatures.role, 'kms:GetPublicKey');
    signatures.fn.addEnvironment('SEAL_KEY_ID', signingKey.keyArn);
    for (const [name, value] of Object.entries(remoteSigningEnvironment)) signatures.fn.addEnvironment(name, value);
    // A remote signature that arrives is embedded like a completed one from the API.
    grantObjects(check.role, objects, { vault: ['read', 'write'], signing: ['read', 'delete'] });
    // A review decision resumes the paused execution through its task token.
    uploads.fn.addEnvironment('STATE_MACHINE_ARN', this.workflow.stateMachine.stateMachineArn);
    this.workflow.stateMachine.grantTaskResponse(uploads.role);
    // A pull is started by a message on the pulls queue; its worker files the papers in vault/.
    pulls.fn.addEnvironment('PULL_QUEUE_URL', this.pulls.queue.queueUrl);
    this.pulls.queue.grantSendMessages(pulls.role);
    grantObjects(this.pulls.worker.role, objects, { vault: ['write'] });
    gatewaySecret?.grantRead(this.pulls.worker.role);
    if (this.push) {
      // The consumer reads the record, the document, its version and the stored sync policy, writes
      // the record and the portal's download link, and signs in to the gateway. It reads no object:
      // the link route presigns at each fetch.
      const { consumer, dispatcher, queue, deadLetterQueue } = this.push;
      grantItemAccess(consumer.role, table);
      grantQuery(consumer.role, table);
      gatewaySecret?.grantRead(consumer.role);
      // The dispatcher lists pending records through the by-state index and marks them dispatched,
      // lists the due hourly batch by release time, and decides held records again when the
      // policy's version is past the one it recorded.
      grantIndexQuery(dispatcher.role, table, 'lookups');
      grantIndexQuery(dispatcher.role, table, 'listings');
      grantItemsByPartition(dispatcher.role, table, ['write'], [partitionPattern(entities.syncRecord.pk)]);
      grantItemsByPartition(dispatcher.role, table, ['read'], [partitionPattern(entities.syncPolicy.pk)]);
      grantItemsByPartition(dispatcher.role, table, ['read', 'write'], [partitionPattern(entities.syncHoldReview.pk)]);
      // The sync administration's redrive moves the dead letters back with an SQS message move task.
      const admin = this.api.handlers.sync;
      Grant.addToPrincipal({
        grantee: admin.role,
        actions: ['sqs:StartMessageMoveTask', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        resourceArns: [deadLetterQueue.queueArn],
      });
      queue.grantSendMessages(admin.role);
      admin.fn.addEnvironment('SYNC_QUEUE_ARN', queue.queueArn);
      admin.fn.addEnvironment('SYNC_DEAD_LETTER_QUEUE_URL', deadLetterQueue.queueUrl);
      admin.fn.addEnvironment('SYNC_DEAD_LETTER_QUEUE_ARN', deadLetterQueue.queueArn);
    }

    // CDK's own handler for the notification custom resource, a stack-level singleton.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "Only CDK's BucketNotifications handler uses it (to write its logs); khoso's functions have their own log-scoped roles.",
    });

    new OperationsAlarms(this, 'Alarms', {
      namePrefix,
      api: this.api.api,
      stateMachine: this.workflow.stateMachine,
      // Alarms are numbered in this order: those of every stage first, so their names never move.
      deadLetterQueues: [
        this.uploadEvents.deadLetterQueue,
        this.pulls.deadLetterQueue,
        ...(this.push ? [this.push.deadLetterQueue] : []),
      ],
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ApiId', { value: this.api.api.apiId });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'OnUploadFunctionName', { value: this.uploadEvents.onUpload.fn.functionName });
  }
}
