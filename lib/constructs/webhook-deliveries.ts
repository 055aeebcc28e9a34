import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface WebhookDeliveriesProps {
  namePrefix: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/**
 * Every minute, sends units' webhooks the changes the sync policy shares with them. Each webhook
 * keeps its place in the change feed and its own backoff, so a run only does what is due; a
 * missed run is caught up by the next.
 */
export class WebhookDeliveries extends Construct {
  readonly deliver: VaultFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: WebhookDeliveriesProps) {
    super(scope, id);
    this.deliver = new VaultFunction(this, 'Deliver', {
      entry: 'functions/sync/handlers/deliver-webhooks.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-deliver-webhooks`,
      serviceName: 'deliver-webhooks',
      description: "khoso: delivers the change feed to units' webhooks, signed, with retries and backoff",
      environment: props.environment,
      logRetention: props.logRetention,
      observability: props.observability,
      // A run ends before the next starts (10 s per delivery at most, a few per webhook).
      timeout: Duration.seconds(55),
    });
    this.rule = new Rule(this, 'Schedule', {
      ruleName: `${props.namePrefix}-deliver-webhooks`,
      description: "khoso: delivers due webhook calls to units' systems",
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.deliver.fn, { retryAttempts: 0 })],
    });
  }
}
