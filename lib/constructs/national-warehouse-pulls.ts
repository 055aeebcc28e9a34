import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
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
    const run = new LambdaInvoke(this, 'RunPull', {
      lambdaFunction: this.worker.fn,
      payload: TaskInput.fromObject({ 'pullId.$': '$.pullId' }),
      payloadResponseOnly: true,
    });
    run.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 2,
    });
    const giveUp = new LambdaInvoke(this, 'GiveUp', {
      lambdaFunction: this.worker.fn,
      payload: TaskInput.fromObject({ 'pullId.$': '$.pullId', giveUp: true }),
      payloadResponseOnly: true,
    });
    giveUp.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(10), maxAttempts: 5 });
    run.addCatch(giveUp, { errors: ['States.ALL'], resultPath: '$.error' });

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.namePrefix}-pulls`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-pulls`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(run),
      tracingEnabled: true,
      // The input is only a pull id, but errors may quote the portal: keep execution data out.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      timeout: Duration.hours(1),
    });
  }
}
