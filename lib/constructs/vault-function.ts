import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.ts';
import { projectPath } from '../project-paths.ts';

/** The CloudWatch namespace of the functions' business metrics (embedded metric format). */
export const metricsNamespace = 'khoso';

/** What every function's logs and metrics are labelled with. */
export type FunctionObservability = Pick<StageConfig, 'stage' | 'logLevel'>;

export interface VaultFunctionProps {
  /** Entry file, relative to the repository root (functions/…). */
  entry: string;
  /** Exported handler name in the entry file. */
  handler: string;
  functionName: string;
  /** The `service` of its logs, traces and metrics (POWERTOOLS_SERVICE_NAME), e.g. api-documents. */
  serviceName: string;
  observability: FunctionObservability;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** @default 256 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
  /** For async invocations (S3 events): events that fail every retry land here. */
  deadLetterQueue?: IQueue;
  /**
   * Packages installed beside the bundle instead of bundled (native binaries, worker
   * scripts, wasm); they are installed for the build machine's platform, so such a
   * function runs on x86_64.
   */
  nodeModules?: string[];
  /** Folders (relative to the repository root) copied next to the bundle, e.g. model data. */
  copyBesideBundle?: string[];
}

/**
 * What a function that runs OCR needs: Tesseract's worker, wasm and native image libraries
 * as node_modules, the Vietnamese model beside the bundle, and 1,536 MB (the OCR memory budget).
 */
export const ocrFunction = {
  memorySize: 1536,
  nodeModules: ['tesseract.js', 'sharp', '@napi-rs/canvas', 'pdfjs-dist'],
  copyBesideBundle: ['functions/digitize/adapters/ocr/tessdata'],
} satisfies Partial<VaultFunctionProps>;

/** How every function is bundled (ESM, minified, source maps, the AWS SDK inside). */
export const lambdaBundling = {
  format: OutputFormat.ESM,
  minify: true,
  // Error names survive minification: the workflow's Retry and Catch match them, and upload failures report them.
  keepNames: true,
  sourceMap: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM bundles need it defined.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  externalModules: [],
};

/**
 * A Node 22 Lambda bundled by esbuild (ESM, minified, source maps, AWS SDK v3 inside the
 * bundle), traced by X-Ray, with Powertools configured by environment, its own log group
 * and a role that can write only to that log group.
 */
export class VaultFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: VaultFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, whose log rights span every group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: projectPath(props.entry),
      handler: props.handler,
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: props.nodeModules ? Architecture.X86_64 : Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.observability.logLevel,
        // The stage dimension of the business metrics.
        KHOSO_STAGE: props.observability.stage,
        ...props.environment,
      },
      depsLockFilePath: projectPath('package-lock.json'),
      projectRoot: projectPath('.'),
      bundling: {
        ...lambdaBundling,
        ...(props.nodeModules ? { nodeModules: props.nodeModules } : {}),
        ...(props.copyBesideBundle ? { commandHooks: copyHooks(props.copyBesideBundle) } : {}),
      },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 } : {}),
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
    const onNode22 =
      'Functions run on nodejs22.x (esbuild target node22), one LTS above Node 20 of local ' +
      'development and CI (package engines); nodejs24.x waits until the project itself moves. ' +
      'Node 22 reaches end of life on 2027-04-30.';
    Validations.of(this.fn).acknowledge(
      { id: 'AwsSolutions-L1', reason: onNode22 },
      { id: 'CloudFormation-Validate::W2531', reason: onNode22 },
    );
  }
}

/** Bundling hooks that copy folders next to the bundle (relative paths from the repository root). */
function copyHooks(folders: string[]) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      folders.map((folder) => `cp -r "${inputDir}/${folder}" "${outputDir}/${folder.split('/').at(-1)}"`),
  };
}
