import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionObservability, VaultFunction } from './vault-function.ts';

export interface NationalWarehousePullsProps {
  namePrefix: string;
  /** Vault environment plus the gateway's settings and the secret that holds its credentials. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/**
 * Pulls from the national warehouse run as Step Functions executions named after the pull
 * (functions/sync/adapters/sfn-pull-dispatcher.ts): a start is idempotent, a worker that crashes
 * or times out is run again (it files each file once), and once those retries are spent the
 * catch marks the pull failed, so no pull stays "running" for ever.
 */
export class NationalWarehousePulls extends Construct {
  readonly worker: VaultFunction;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: NationalWarehousePullsProps) {
    super(scope, id);
    this.worker = new VaultFunction(this, 'Worker', {
      entry: 'functions/sync/handlers/pull-worker.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-pull-worker`,
      serviceName: 'pull-worker',
      description: "khoso: pulls an owner's papers from the national warehouse and files them",
      environment: props.environment,
      logRetention: props.logRetention,
      observability: props.observability,
      // Files are checked like uploads (PDF structure); the portal may be slow for each of them.
      memorySize: 1024,
      timeout: Duration.minutes(10),
    });
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.namePrefix}-pulls`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('states.amazonaws.com') });
    // Exactly the worker, unqualified (the definition invokes $LATEST).
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.worker.fn.functionArn] }),
    );
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-pulls`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(pullDefinition(this.worker.fn.functionArn))),
      role,
      tracingEnabled: true,
      // The input is only a pull id, but errors may quote the portal: keep execution data out.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(1),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray actions for Step Functions support no resource-level permissions.',
    });
  }
}

/**
 * Run the worker; a crash or timeout is retried twice (the worker settles each file once, so a
 * rerun only does what is left); then give up, which marks the pull failed.
 */
export function pullDefinition(workerArn: string) {
  const invoke = (payload: Record<string, unknown>) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: workerArn, Payload: payload },
    OutputPath: '$.Payload',
  });
  return {
    Comment: 'khoso: one pull from the national warehouse',
    StartAt: 'RunPull',
    States: {
      RunPull: {
        ...invoke({ 'pullId.$': '$.pullId' }),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'GiveUp' }],
        End: true,
      },
      GiveUp: {
        ...invoke({ 'pullId.$': '$.pullId', giveUp: true }),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 5 }],
        End: true,
      },
    },
  };
}
