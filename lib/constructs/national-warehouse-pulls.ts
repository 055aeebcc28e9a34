import { Duration, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pullMaxReceiveCount } from '../../functions/sync/core/pull-delivery.ts';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface NationalWarehousePullsProps {
  namePrefix: string;
  /** Vault environment plus the gateway's settings and the secret that holds its credentials. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/** The worker's timeout: files are checked like uploads (PDF structure) and the portal may be slow for each. */
const workerTimeout = Duration.minutes(10);

/**
 * Pulls from the national warehouse (docs/integration.md): the API sends the pull's id to the
 * pulls queue and its worker runs the pull, one message at a time. A run that throws comes back
 * after a backoff, a crash or timeout after the visibility timeout; on the last receive the worker
 * fails the pull instead (functions/sync/core/pull-delivery.ts), so no pull stays "running". What
 * fails even that waits in the dead-letter queue (alarmed) for an operator's redrive.
 */
export class NationalWarehousePulls extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: VaultFunction;

  constructor(scope: Construct, id: string, props: NationalWarehousePullsProps) {
    super(scope, id);
    // SQS-managed encryption: a message is a pull's id, nothing personal, and no key grant is needed.
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `${props.namePrefix}-pulls-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the pulls queue's dead-letter queue.",
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-pulls`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as Lambda's SQS event source asks: a run that timed out is
      // received again only once the queue is sure it stopped.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      // An expired message is deleted, not dead-lettered: keep it well past any outage of the worker.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: pullMaxReceiveCount },
    });

    this.worker = new VaultFunction(this, 'Worker', {
      entry: 'functions/sync/handlers/pull-worker.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-pull-worker`,
      serviceName: 'pull-worker',
      description: "khoso: pulls an owner's papers from the national warehouse and files them",
      environment: { ...props.environment, PULL_QUEUE_URL: this.queue.queueUrl },
      logRetention: props.logRetention,
      observability: props.observability,
      memorySize: 1024,
      timeout: workerTimeout,
    });
    this.worker.fn.addEventSource(
      new SqsEventSource(this.queue, {
        // One pull per invocation: a pull takes minutes, and a batch would share one timeout.
        batchSize: 1,
        reportBatchItemFailures: true,
        // The portal is shared by every province: pulls are worked off by a bounded number of workers.
        maxConcurrency: 10,
      }),
    );
  }
}
