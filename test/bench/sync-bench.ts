/**
 * `npm run bench:sync`: 1,000 issued results filed while the national-warehouse simulator is down
 * for a scripted outage, then back. Runs the sync core with the embedded runtime's dispatcher and
 * in-process queue over dynalite, and the real HTTP adapter against the simulator on loopback (the
 * whole embedded runtime would spend its time in OCR and sealing, which this does not measure).
 * Backoff runs in real time with the production defaults. Prints JSON.
 *
 *   --results N          results filed during the outage (default 1000)
 *   --outage-seconds S   how long the simulator is down (default 30; the figure is 300)
 *   --healthy N          results filed while healthy, for the latency figures (default 200)
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultBackoff, defaultMaxAttempts } from '../../functions/sync/core/backoff.ts';
import { startSyncHarness } from '../support/sync-harness.ts';

const { values } = parseArgs({
  options: {
    results: { type: 'string', default: '1000' },
    'outage-seconds': { type: 'string', default: '30' },
    healthy: { type: 'string', default: '200' },
  },
});
const results = Number(values.results);
const outageSeconds = Number(values['outage-seconds']);
const healthy = Number(values.healthy);

const owners = ['079203001234', '001099012345', '0101234567'];
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function fileMany(harness: Awaited<ReturnType<typeof startSyncHarness>>, count: number, offset: number) {
  const documents = [];
  // Ten at a time: as many filing steps as the workflow runs at once on a small stage.
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, (_, i) =>
      harness.fileIssuedResult(owners[(start + i) % owners.length]!, offset + start + i),
    );
    documents.push(...(await Promise.all(batch)));
  }
  return documents;
}

const harness = await startSyncHarness({
  maxAttempts: defaultMaxAttempts,
  backoff: defaultBackoff,
  queue: { secondsToMs: 1000, concurrency: 8, dispatchEveryMs: 500 },
});
try {
  const { simulator } = harness;

  // Healthy: sync latency from the filing commit to the record saying synced.
  const healthyDocs = await fileMany(harness, healthy, 0);
  await harness.waitFor(async () => (await harness.countByState()).synced >= healthy, 600_000, 250);
  const latencies = (await Promise.all(healthyDocs.map((d) => harness.recordOf(d))))
    .map((record, i) => Date.parse(record?.syncedAt ?? '') - Date.parse(healthyDocs[i]!.createdAt))
    .sort((a, b) => a - b);

  // Outage: the simulator is down while the results are filed, and for the rest of the outage.
  await simulator.goDown();
  const outageStarted = Date.now();
  const outageDocs = await fileMany(harness, results, 100_000);
  const filingSeconds = (Date.now() - outageStarted) / 1000;
  const remaining = outageSeconds * 1000 - (Date.now() - outageStarted);
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  await simulator.comeBack();
  const recovered = Date.now();
  await harness.waitFor(
    async () => {
      const counts = await harness.countByState();
      return counts.synced + counts.dead >= healthy + results && counts.pending + counts.failed === 0;
      // Counting reads every record: a slow poll keeps the count from competing with the sync.
    },
    3_600_000,
    1000,
  );
  const drainSeconds = (Date.now() - recovered) / 1000;

  const counts = await harness.countByState();
  const applied = simulator.appliedIdentities();
  const records = await Promise.all(outageDocs.map((d) => harness.recordOf(d)));
  const lost = outageDocs.filter((d) => !applied.has(`${d.id}|${d.id}`)).length;
  const duplicates = [...applied.values()].filter((count) => count > 1).length;
  const attempts = records.map((record) => record?.attempts ?? 0).sort((a, b) => a - b);

  console.log(
    JSON.stringify(
      {
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
        date: new Date().toISOString(),
        setup: {
          results,
          outageSeconds,
          filingSecondsDuringOutage: Number(filingSeconds.toFixed(1)),
          maxAttempts: defaultMaxAttempts,
          backoff: defaultBackoff,
          queueConcurrency: 8,
        },
        resultsLost: lost,
        duplicatesAtPortal: duplicates,
        dead: counts.dead,
        deadLetterQueue: harness.sync.queue.depth().deadLetters,
        drainSecondsAfterRecovery: Number(drainSeconds.toFixed(1)),
        attemptsPerResult: { median: percentile(attempts, 50), max: attempts.at(-1) },
        healthyLatencyMs: { results: healthy, p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
        portalRequests: simulator.requestCount(),
      },
      null,
      2,
    ),
  );
} finally {
  await harness.close();
}
