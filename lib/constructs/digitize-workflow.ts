import { readFileSync } from 'node:fs';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { projectPath } from '../project-paths.ts';
import { type FunctionObservability, ocrFunction, VaultFunction } from './vault-function.ts';

export interface DigitizeWorkflowProps {
  namePrefix: string;
  vaultEnvironment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/**
 * The "digitize" state machine, deployed from functions/digitize/digitize.asl.json (the
 * same file the embedded runtime interprets), with its task Lambdas substituted in.
 */
export class DigitizeWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly validate: VaultFunction;
  readonly recognize: VaultFunction;
  readonly classify: VaultFunction;
  readonly extract: VaultFunction;
  readonly review: VaultFunction;
  readonly seal: VaultFunction;
  readonly file: VaultFunction;
  readonly fail: VaultFunction;

  constructor(scope: Construct, id: string, props: DigitizeWorkflowProps) {
    super(scope, id);
    const step = (stepId: string, handler: string, name: string, description: string, memorySize: number) =>
      new VaultFunction(this, stepId, {
        entry: 'functions/digitize/handlers/steps.ts',
        handler,
        functionName: `${props.namePrefix}-workflow-${name}`,
        serviceName: `workflow-${name}`,
        description,
        environment: props.vaultEnvironment,
        logRetention: props.logRetention,
        observability: props.observability,
        memorySize,
        timeout: Duration.seconds(60),
      });
    // Validate parses whole PDFs and image headers; it gets the memory (and so the CPU).
    this.validate = step('Validate', 'validateHandler', 'validate', 'khoso workflow: validates an uploaded scan', 1024);
    this.recognize = new VaultFunction(this, 'Recognize', {
      entry: 'functions/digitize/handlers/recognize-page.ts',
      handler: 'handler',
      functionName: `${props.namePrefix}-workflow-recognize`,
      serviceName: 'workflow-recognize',
      description: 'khoso workflow: preprocesses and reads one page (Vietnamese OCR or the PDF text layer)',
      environment: props.vaultEnvironment,
      logRetention: props.logRetention,
      observability: props.observability,
      ...ocrFunction,
      timeout: Duration.minutes(5),
    });
    this.classify = step(
      'Classify',
      'classifyHandler',
      'classify',
      'khoso workflow: picks the recognition template of a scan',
      512,
    );
    this.extract = step(
      'Extract',
      'extractHandler',
      'extract',
      'khoso workflow: extracts and normalises the fields of a scan',
      512,
    );
    this.review = step('Review', 'reviewHandler', 'review', 'khoso workflow: parks an uncertain scan for review', 256);
    // Sealing loads the whole PDF to append the signed revision.
    this.seal = step(
      'Seal',
      'sealHandler',
      'seal',
      'khoso workflow: seals what an officer files with the agency key',
      1024,
    );
    this.file = step('File', 'fileHandler', 'file', 'khoso workflow: files a validated scan in the vault', 256);
    this.fail = step('Fail', 'failHandler', 'fail', 'khoso workflow: fails and quarantines a rejected upload', 256);

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.namePrefix}-digitize`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('states.amazonaws.com') });
    const tasks = [
      this.validate,
      this.recognize,
      this.classify,
      this.extract,
      this.review,
      this.seal,
      this.file,
      this.fail,
    ];
    // Exactly the task functions, unqualified (the ASL invokes $LATEST).
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: tasks.map((task) => task.fn.functionArn) }),
    );

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-digitize`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(
        readFileSync(projectPath('functions/digitize/digitize.asl.json'), 'utf8'),
      ),
      definitionSubstitutions: {
        ValidateFunctionArn: this.validate.fn.functionArn,
        RecognizeFunctionArn: this.recognize.fn.functionArn,
        ClassifyFunctionArn: this.classify.fn.functionArn,
        ExtractFunctionArn: this.extract.fn.functionArn,
        ReviewFunctionArn: this.review.fn.functionArn,
        SealFunctionArn: this.seal.fn.functionArn,
        FileFunctionArn: this.file.fn.functionArn,
        FailFunctionArn: this.fail.fn.functionArn,
      },
      role,
      tracingEnabled: true,
      // Execution data stays out of the logs: later states carry OCR'd personal fields.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      // A scan may wait for review up to two weeks (the Review state's own timeout).
      timeout: Duration.days(15),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray actions for Step Functions support no resource-level permissions.',
    });
  }
}
