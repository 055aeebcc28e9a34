import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface RemoteSignatureChecksProps {
  namePrefix: string;
  /** Vault environment plus the remote providers' endpoints and keys. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/**
 * Every minute, asks the remote signing providers (SIM, SmartCA) about the requests whose
 * next check is due. Each request keeps its own backoff and deadline, so most runs find
 * nothing to do.
 */
export class RemoteSignatureChecks extends Construct {
  readonly check: VaultFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RemoteSignatureChecksProps) {
    super(scope, id);
    this.check = new VaultFunction(this, 'Check', {
      entry: 'functions/signing/handlers/check-remote-signatures.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-check-remote-signatures`,
      serviceName: 'check-remote-signatures',
      description: 'khoso: polls remote signing providers and embeds the signatures they return',
      environment: props.environment,
      logRetention: props.logRetention,
      observability: props.observability,
      // A completed signature is embedded into its PDF here; a run ends before the next starts.
      memorySize: 1024,
      timeout: Duration.seconds(50),
    });
    this.rule = new Rule(this, 'Schedule', {
      ruleName: `${props.namePrefix}-check-remote-signatures`,
      description: 'khoso: polls remote signing providers for due signature requests',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed run is harmless: the next one, a minute later, finds the same due requests.
      targets: [new LambdaFunction(this.check.fn, { retryAttempts: 0 })],
    });
  }
}
