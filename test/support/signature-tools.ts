/**
 * Runs the independent validators (poppler's pdfsig, openssl cms) against signatures the
 * project produced, with chosen roots as the only trust anchors. Shared by unit and
 * integration tests; each call works in its own temporary folder and removes it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolVerdict {
  ok: boolean;
  output: string;
}

interface RunResult {
  code: number;
  output: string;
}

/** Runs a tool and resolves with its exit code and combined output; a non-zero exit is a verdict, not an error. */
export function runTool(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error); // the tool itself could not be started
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Creates a temporary folder, hands it to `work`, and removes it afterwards. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'khoso-signature-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An NSS database (what poppler reads trust from) holding the given roots as trusted CAs. */
export async function createNssDatabase(dir: string, rootsPem: string[]): Promise<string> {
  const database = `sql:${dir}`;
  const created = await runTool('certutil', ['-N', '-d', database, '--empty-password']);
  if (created.code !== 0) throw new Error(`certutil -N failed: ${created.output}`);
  for (const [index, pem] of rootsPem.entries()) {
    const file = join(dir, `root-${index}.pem`);
    await writeFile(file, pem);
    const added = await runTool('certutil', ['-A', '-d', database, '-n', `root-${index}`, '-t', 'CT,C,C', '-i', file]);
    if (added.code !== 0) throw new Error(`certutil -A failed: ${added.output}`);
  }
  return database;
}

/** pdfsig's verdict: ok when it found at least one signature and every one is valid and trusted. */
export async function verifyPdfWithPdfsig(pdf: Uint8Array, rootsPem: string[]): Promise<ToolVerdict> {
  return withTempDir(async (dir) => {
    const nssDir = await createNssDatabase(dir, rootsPem);
    const file = join(dir, 'document.pdf');
    await writeFile(file, pdf);
    const { code, output } = await runTool('pdfsig', ['-nssdir', nssDir, file]);
    const signatures = output.match(/^Signature #\d+:/gm)?.length ?? 0;
    const valid = output.match(/Signature Validation: Signature is Valid\./g)?.length ?? 0;
    const trusted = output.match(/Certificate Validation: Certificate is Trusted\./g)?.length ?? 0;
    return { ok: code === 0 && signatures > 0 && valid === signatures && trusted === signatures, output };
  });
}

/** `openssl cms -verify` of a detached DER CMS over the content, trusting only the given roots. */
export async function verifyCmsWithOpenssl(
  cms: Uint8Array,
  content: Uint8Array,
  rootsPem: string[],
): Promise<ToolVerdict> {
  return withTempDir(async (dir) => {
    const files = { cms: join(dir, 'signature.p7s'), content: join(dir, 'content.bin'), roots: join(dir, 'roots.pem') };
    await Promise.all([
      writeFile(files.cms, cms),
      writeFile(files.content, content),
      writeFile(files.roots, rootsPem.join('\n')),
    ]);
    const { code, output } = await runTool('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      files.cms,
      '-content',
      files.content,
      '-CAfile',
      files.roots,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    return { ok: code === 0, output };
  });
}

/** `qpdf --check`: ok when qpdf finds no structural error (warnings are reported in the output). */
export async function checkPdfWithQpdf(pdf: Uint8Array): Promise<ToolVerdict> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'document.pdf');
    await writeFile(file, pdf);
    const { code, output } = await runTool('qpdf', ['--check', file]);
    return { ok: code === 0, output };
  });
}
