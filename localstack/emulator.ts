import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetBucketTaggingCommand, ListBucketsCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { stageNamePrefix } from '../lib/config/stage-config.ts';
import { projectRoot } from '../lib/project-paths.ts';

/**
 * Running khoso on a LocalStack-compatible emulator: MiniStack from a project-local venv
 * (no Docker), and the CDK app deployed to it with the cdk CLI. The CLI sends S3 requests
 * path-style to loopback endpoints by itself, so the plain CLI works where cdklocal was
 * once needed.
 */
const stateDir = join(projectRoot, '.khoso');
const venv = join(stateDir, 'venv');
const pidFile = join(stateDir, 'ministack.pid');
const outputsFile = join(stateDir, 'stack-outputs.json');

const defaultEndpoint = 'http://127.0.0.1:4566';
/** The account and region every LocalStack-compatible emulator answers as. */
export const emulatorAccount = '000000000000';
export const emulatorRegion = 'us-east-1';

export function emulatorEndpoint(): string {
  return process.env.AWS_ENDPOINT_URL ?? defaultEndpoint;
}

/** SDK and CDK settings that point every AWS call at the emulator. */
function emulatorEnv(endpoint = emulatorEndpoint()): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    // cdklocal and older tools want the S3 endpoint spelled out too.
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    AWS_REGION: emulatorRegion,
    AWS_DEFAULT_REGION: emulatorRegion,
    CDK_DEFAULT_ACCOUNT: emulatorAccount,
    CDK_DEFAULT_REGION: emulatorRegion,
    // Test deploys report nothing home.
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

async function isHealthy(endpoint = emulatorEndpoint()): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs a command to completion; on timeout its whole process group is killed. */
function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; quiet?: boolean },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: projectRoot,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stderr.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms\n${output.slice(-4000)}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${output.slice(-4000)}`));
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The project-local MiniStack install; created on first use from PyPI. */
async function ensureMiniStackVenv(): Promise<string> {
  const python = join(venv, 'bin', 'python');
  if (!existsSync(join(venv, 'bin', 'ministack')) && !(await hasModule(python, 'ministack'))) {
    await mkdir(stateDir, { recursive: true });
    await run('python3', ['-m', 'venv', venv], { timeoutMs: 120_000 });
    // boto3 serves CDK's Python BucketNotifications handler, which needs ≥ 1.28.57.
    await run(join(venv, 'bin', 'pip'), ['install', '--quiet', 'ministack', 'cryptography', 'boto3>=1.28.57'], {
      timeoutMs: 600_000,
    });
  }
  return python;
}

async function hasModule(python: string, module: string): Promise<boolean> {
  if (!existsSync(python)) return false;
  try {
    await run(python, ['-c', `import ${module}`], { timeoutMs: 30_000, quiet: true });
    return true;
  } catch {
    return false;
  }
}

export interface RunningEmulator {
  endpoint: string;
  /** False when an emulator was already answering at the endpoint (it is then left alone). */
  startedHere: boolean;
}

/**
 * Starts MiniStack on 127.0.0.1 unless something already answers at the endpoint. Lambdas
 * run as local Node subprocesses; NODE_PATH gives CDK's custom-resource handlers (S3
 * auto-delete) the AWS SDK that the real Lambda runtime would provide.
 */
export async function startMiniStack(endpoint = emulatorEndpoint()): Promise<RunningEmulator> {
  if (await isHealthy(endpoint)) return { endpoint, startedHere: false };
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname))
    throw new Error(`No emulator answers at ${endpoint}, and MiniStack is only started on 127.0.0.1`);
  const python = await ensureMiniStackVenv();
  await mkdir(stateDir, { recursive: true });
  const log = openSync(join(stateDir, 'ministack.log'), 'a');
  // MiniStack itself, with the error names of Node handlers reported as AWS does (see the script).
  const child = spawn(python, [join(projectRoot, 'localstack', 'ministack-with-error-types.py')], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      BIND_HOST: '127.0.0.1',
      GATEWAY_PORT: url.port || '4566',
      LAMBDA_EXECUTOR: 'local',
      IOT_MTLS_ENABLED: '0',
      SFTP_ENABLED: '0',
      NODE_PATH: join(projectRoot, 'node_modules'),
    },
  });
  child.unref();
  await writeFile(pidFile, String(child.pid));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await isHealthy(endpoint)) return { endpoint, startedHere: true };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopMiniStack();
  throw new Error(`MiniStack did not become healthy at ${endpoint}; see .khoso/ministack.log`);
}

/** Stops the MiniStack this project started (by its recorded pid), if any. */
export async function stopMiniStack(): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(pidFile, 'utf8'));
  } catch {
    return false;
  }
  await rm(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    // The group holds MiniStack and the Lambda workers it spawned.
    process.kill(-pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
  return true;
}

export type StackContext = Record<string, string>;

function contextArgs(context: StackContext): string[] {
  return Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

const cdk = join(projectRoot, 'node_modules', '.bin', 'cdk');

/** Bootstraps the emulator's account and deploys both stacks; returns their outputs. */
export async function deployStacks(options: { context?: StackContext; timeoutMs?: number; quiet?: boolean } = {}) {
  const env = emulatorEnv();
  const timeoutMs = options.timeoutMs ?? 300_000;
  const quiet = options.quiet ?? false;
  await run(
    cdk,
    ['bootstrap', '--no-notices', `aws://${emulatorAccount}/${emulatorRegion}`, ...contextArgs(options.context ?? {})],
    { env, timeoutMs, quiet },
  );
  await run(
    cdk,
    [
      'deploy',
      '--all',
      '--no-notices',
      '--require-approval',
      'never',
      '--progress',
      'events',
      '--outputs-file',
      outputsFile,
      ...contextArgs(options.context ?? {}),
    ],
    { env, timeoutMs, quiet },
  );
  return JSON.parse(await readFile(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
}

/**
 * MiniStack's CloudFormation drops a bucket's Tags, and CDK's auto-delete handler refuses
 * to empty a bucket without its `aws-cdk:auto-delete-objects` tag, failing the delete. Put
 * the tag back where it is missing (a no-op on LocalStack, which keeps it).
 */
async function restoreAutoDeleteTags(stage: string): Promise<void> {
  const s3 = new S3Client({
    endpoint: emulatorEndpoint(),
    region: emulatorRegion,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
  const ours = Buckets.map((bucket) => bucket.Name ?? '').filter((name) =>
    name.startsWith(`${stageNamePrefix(stage)}-`),
  );
  for (const bucket of ours) {
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).then(
      (out) => out.TagSet ?? [],
      () => [],
    );
    if (tags.some((tag) => tag.Key === 'aws-cdk:auto-delete-objects')) continue;
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [...tags, { Key: 'aws-cdk:auto-delete-objects', Value: 'true' }] },
      }),
    );
  }
  s3.destroy();
}

/** Deletes both stacks (a failed create must be deleted before the next deploy). */
export async function destroyStacks(
  options: { context?: StackContext; timeoutMs?: number; quiet?: boolean } = {},
): Promise<void> {
  await restoreAutoDeleteTags(options.context?.stage ?? 'dev');
  await run(cdk, ['destroy', '--all', '--force', '--no-notices', ...contextArgs(options.context ?? {})], {
    env: emulatorEnv(),
    timeoutMs: options.timeoutMs ?? 180_000,
    quiet: options.quiet ?? false,
  });
}
