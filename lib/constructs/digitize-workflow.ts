import { readFileSync } from 'node:fs';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { projectPath } from '../project-paths.ts';
import { VaultFunction } from './vault-function.ts';

export interface DigitizeWorkflowProps {
  namePrefix: string;
  vaultEnvironment: Record<string, string>;
  logRetention: RetentionDays;
}

/**
 * The "digitize" state machine, deployed from functions/workflow/digitize.asl.json (the
 * same file the embedded runtime interprets), with its task Lambdas substituted in.
 */
export class DigitizeWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly validate: VaultFunction;
  readonly file: VaultFunction;
  readonly fail: VaultFunction;

  constructor(scope: Construct, id: string, props: DigitizeWorkflowProps) {
    super(scope, id);
    const step = (stepId: string, handler: string, name: string, description: string, memorySize: number) =>
      new VaultFunction(this, stepId, {
        entry: 'functions/workflow/steps.ts',
        handler,
        functionName: `${props.namePrefix}-workflow-${name}`,
        description,
        environment: props.vaultEnvironment,
        logRetention: props.logRetention,
        memorySize,
        timeout: Duration.seconds(60),
      });
    // Validate parses whole PDFs and image headers; it gets the memory (and so the CPU).
    this.validate = step('Validate', 'validateHandler', 'validate', 'khoso workflow: validates an uploaded scan', 1024);
    this.file = step('File', 'fileHandler', 'file', 'khoso workflow: files a validated scan in the vault', 256);
    this.fail = step('Fail', 'failHandler', 'fail', 'khoso workflow: fails and quarantines a rejected upload', 256);

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.namePrefix}-digitize`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('states.amazonaws.com') });
    // Exactly the three task functions, unqualified (the ASL invokes $LATEST).
    role.addToPolicy(new PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [this.validate.fn.functionArn, this.file.fn.functionArn, this.fail.fn.functionArn],
    }));

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-digitize`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(readFileSync(projectPath('functions/workflow/digitize.asl.json'), 'utf8')),
      definitionSubstitutions: {
        ValidateFunctionArn: this.validate.fn.functionArn,
        FileFunctionArn: this.file.fn.functionArn,
        FailFunctionArn: this.fail.fn.functionArn,
      },
      role,
      tracingEnabled: true,
      // Execution data stays out of the logs: later states carry OCR'd personal fields.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.minutes(30),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray actions for Step Functions support no resource-level permissions.',
    });
  }
}
