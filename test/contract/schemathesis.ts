import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The contract fuzzer, Schemathesis, from a project-local Python venv (built on first use). */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const requirementsFile = fileURLToPath(new URL('./requirements.txt', import.meta.url));
const configFile = fileURLToPath(new URL('./schemathesis.toml', import.meta.url));
const venv = join(repoRoot, '.khoso', 'venv-schemathesis');
export const reportDir = join(repoRoot, '.khoso', 'contract');

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function runOrThrow(command: string, args: string[]) {
  const { code, output } = await run(command, args);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`);
}

/**
 * The schemathesis executable. The venv keeps a copy of the requirements it was built from,
 * so a changed pin rebuilds it and an unchanged one costs nothing.
 */
export async function ensureSchemathesis(): Promise<string> {
  const executable = join(venv, 'bin', 'schemathesis');
  const wanted = await readFile(requirementsFile, 'utf8');
  const stamp = join(venv, 'khoso-requirements.txt');
  if ((await readFile(stamp, 'utf8').catch(() => '')) === wanted) return executable;
  await runOrThrow('python3', ['-m', 'venv', '--clear', venv]);
  await runOrThrow(join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    requirementsFile,
  ]);
  await writeFile(stamp, wanted);
  return executable;
}

export interface FailureKind {
  code: string;
  title: string;
  count: number;
  operations: string[];
}

export interface ContractRun {
  exitCode: number;
  generated: number;
  uniqueFailures: number;
  failures: FailureKind[];
  /** Operations with at least one failure ("Stateful tests" stands for the stateful phase). */
  failingOperations: string[];
  /** Schemathesis' own report: each failure with its request, response and a curl line. */
  output: string;
}

export interface ContractRunOptions {
  executable: string;
  baseUrl: string;
  token: string;
  /** Names the report files. */
  label: string;
  maxExamples: number;
  seed: number;
}

/** One Schemathesis run over the whole published document with every check on. */
export async function runSchemathesis(options: ContractRunOptions): Promise<ContractRun> {
  await mkdir(reportDir, { recursive: true });
  const report = join(reportDir, `${options.label}.json`);
  const { code, output } = await run(
    options.executable,
    [
      '--config-file',
      configFile,
      'run',
      `${options.baseUrl}/openapi.json`,
      '--checks',
      'all',
      '--max-examples',
      String(options.maxExamples),
      '--seed',
      String(options.seed),
      '--workers',
      '1',
      '--no-color',
      '--report',
      'json',
      '--report-json-path',
      report,
    ],
    { env: { KHOSO_CONTRACT_TOKEN: options.token }, cwd: reportDir },
  );
  await writeFile(join(reportDir, `${options.label}.txt`), output);
  let parsed: {
    exit_code: number;
    test_cases: { generated: number; unique_failures: number };
    failures: FailureKind[];
    errors: unknown[];
  };
  try {
    parsed = JSON.parse(await readFile(report, 'utf8'));
  } catch {
    throw new Error(`schemathesis wrote no report (exit ${code}):\n${output}`);
  }
  if (parsed.errors.length > 0) throw new Error(`schemathesis errors:\n${output}`);
  return {
    exitCode: code,
    generated: parsed.test_cases.generated,
    uniqueFailures: parsed.test_cases.unique_failures,
    failures: parsed.failures.map(({ code: id, title, count, operations }) => ({ code: id, title, count, operations })),
    failingOperations: [...new Set(parsed.failures.flatMap((failure) => failure.operations))].sort(),
    output,
  };
}
