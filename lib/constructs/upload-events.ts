import { Duration, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { objectPrefixes } from '../../functions/platform/storage/schema.ts';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface UploadEventsProps {
  namePrefix: string;
  /** The vault bucket, imported into this stack so its notification lives here too. */
  bucket: IBucket;
  stateMachine: IStateMachine;
  vaultEnvironment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/**
 * S3 ObjectCreated under incoming/ → on-upload Lambda → workflow start. S3 invokes the
 * Lambda asynchronously: after two retries a failed event goes to a dead-letter queue.
 */
export class UploadEvents extends Construct {
  readonly onUpload: VaultFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: UploadEventsProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `${props.namePrefix}-on-upload-dlq`,
      // SQS-managed encryption: the Lambda service writes here without a KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the on-upload function's dead-letter queue.",
    });

    this.onUpload = new VaultFunction(this, 'OnUpload', {
      entry: 'functions/digitize/handlers/on-upload.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-on-upload`,
      serviceName: 'on-upload',
      description: 'khoso: starts the digitize workflow for an uploaded scan',
      environment: { ...props.vaultEnvironment, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      logRetention: props.logRetention,
      observability: props.observability,
      deadLetterQueue: this.deadLetterQueue,
    });
    props.stateMachine.grantStartExecution(this.onUpload.fn);

    // The bucket is imported, so this notification is a custom resource of this stack and the
    // stateful stack never depends on a function (the two stacks would depend on each other).
    props.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.onUpload.fn), {
      prefix: objectPrefixes.incoming,
    });
  }
}
