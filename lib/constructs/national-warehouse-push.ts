import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultMaxAttempts } from '../../functions/sync/core/backoff.ts';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface NationalWarehousePushProps {
  namePrefix: string;
  /** Vault environment plus the gateway's settings and the secret that holds its credentials. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/** The consumer's timeout: a push is an existence check and a create or update, each under the client's own timeout. */
const consumerTimeout = Duration.seconds(60);

/**
 * Receives before SQS gives a message up to the dead-letter queue. The consumer marks a record
 * dead itself after `defaultMaxAttempts` pushes; a receive that crashes or times out counts here
 * but is no push, so a few spare receives keep one crash from costing the last attempt.
 */
export const syncMaxReceiveCount = defaultMaxAttempts + 3;

/**
 * The push to the national warehouse (docs/integration.md): every minute the dispatcher hands the
 * outbox's pending records to the sync queue; the consumer pushes each, keeps a retryable failure
 * invisible for its backoff, and settles the rest; what fails every receive waits in the
 * dead-letter queue (alarmed) until an administrator's redrive moves it back.
 */
export class NationalWarehousePush extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: VaultFunction;
  readonly consumer: VaultFunction;

  constructor(scope: Construct, id: string, props: NationalWarehousePushProps) {
    super(scope, id);
    // SQS-managed encryption: the messages name documents, not their content, and no key grant is needed.
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `${props.namePrefix}-sync-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the sync queue's dead-letter queue.",
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-sync`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the consumer's timeout, as Lambda's SQS event source asks.
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      // A message outlives the longest outage its records' retries span.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: syncMaxReceiveCount },
    });
    const environment = { ...props.environment, SYNC_QUEUE_URL: this.queue.queueUrl };

    this.consumer = new VaultFunction(this, 'Consumer', {
      entry: 'functions/sync/handlers/sync-consumer.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-sync-consumer`,
      serviceName: 'sync-consumer',
      description: 'khoso: pushes issued results to the national warehouse',
      environment,
      logRetention: props.logRetention,
      observability: props.observability,
      timeout: consumerTimeout,
    });
    this.consumer.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // The portal is shared by every province: a backlog is drained by a few consumers, not a burst.
        maxConcurrency: 5,
      }),
    );

    this.dispatcher = new VaultFunction(this, 'Dispatcher', {
      entry: 'functions/sync/handlers/sync-dispatcher.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-sync-dispatcher`,
      serviceName: 'sync-dispatcher',
      description:
        'khoso: releases due hourly batches and held records a policy change allows, hands pending sync records to the sync queue',
      environment,
      logRetention: props.logRetention,
      observability: props.observability,
      timeout: Duration.seconds(55),
    });
    this.queue.grantSendMessages(this.dispatcher.fn);
    new Rule(this, 'DispatchSchedule', {
      ruleName: `${props.namePrefix}-sync-dispatch`,
      description: 'khoso: dispatches pending sync records every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed pass is made up by the next one: no retries piling up behind a slow table.
      targets: [new LambdaFunction(this.dispatcher.fn, { retryAttempts: 0 })],
    });
  }
}
