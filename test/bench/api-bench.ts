/**
 * `npm run bench`: throughput and latency of the embedded runtime over HTTP, against a bare
 * Node server as the ceiling. Servers run in child processes so the load generator does
 * not share their event loop. Prints one JSON document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 8000);
const warmupMs = 1500;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface ServerInfo {
  url: string;
  token: string;
  creatorTokens: string[];
  folderId: string;
  documentId: string;
}

function startChild(script: string): Promise<{ child: ChildProcess; info: ServerInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).once('line', (line) =>
      resolve({ child, info: JSON.parse(line) as ServerInfo }),
    );
  });
}

interface Load {
  method: string;
  path: string;
  body?: () => string;
  headers: () => Record<string, string>;
}

function once(agent: Agent, base: URL, load: Load): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body = load.body?.();
    const req = request(
      new URL(load.path, base),
      {
        method: load.method,
        agent,
        headers: {
          ...load.headers(),
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 400
            ? resolve(performance.now() - started)
            : reject(new Error(`${load.method} ${load.path} → ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(base: string, load: Load) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(base);
  const run = async (ms: number, latencies?: number[]) => {
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const latency = await once(agent, url, load);
          latencies?.push(latency);
        }
      }),
    );
  };
  await run(warmupMs);
  const latencies: number[] = [];
  const started = performance.now();
  await run(durationMs, latencies);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
  };
}

const bare = await startChild('test/bench/serve-bare.ts');
const vault = await startChild('test/bench/serve-vault.ts');
try {
  const auth = () => ({ authorization: `Bearer ${vault.info.token}` });
  const ceiling = await measure(bare.info.url, { method: 'GET', path: '/', headers: () => ({}) });
  let folderNumber = 0;
  const { creatorTokens } = vault.info;
  const scenarios = {
    getDocument: await measure(vault.info.url, {
      method: 'GET',
      path: `/v1/documents/${vault.info.documentId}`,
      headers: auth,
    }),
    listFolderFirstPage: await measure(vault.info.url, {
      method: 'GET',
      path: `/v1/folders/${vault.info.folderId}/items`,
      headers: auth,
    }),
    listFolder1000: await measure(vault.info.url, {
      method: 'GET',
      path: `/v1/folders/${vault.info.folderId}/items?limit=1000`,
      headers: auth,
    }),
    createFolder: await measure(vault.info.url, {
      method: 'POST',
      path: '/v1/folders',
      headers: () => ({ authorization: `Bearer ${creatorTokens[folderNumber % creatorTokens.length]}` }),
      body: () => JSON.stringify({ name: `Thư mục ${folderNumber++}` }),
    }),
  };
  const ratio = (rps: number) => Number((rps / ceiling.requestsPerSecond).toFixed(3));
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'api-embedded',
        date: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        settings: {
          durationMs,
          warmupMs,
          concurrency,
          folderOf: 1000,
          firstPageSize: 100,
          folderCreators: creatorTokens.length,
        },
        bareNode: ceiling,
        scenarios,
        ratioToBareNode: Object.fromEntries(
          Object.entries(scenarios).map(([name, result]) => [name, ratio(result.requestsPerSecond)]),
        ),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  bare.child.kill('SIGTERM');
  vault.child.kill('SIGTERM');
}
