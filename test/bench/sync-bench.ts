/**
 * `npm run bench:sync`: 1,000 issued results filed while the national-warehouse simulator is down
 * for a scripted outage, then back. Runs the sync core with the embedded runtime's dispatcher and
 * in-process queue over dynalite, and the real HTTP adapter against the simulator on loopback (the
 * whole embedded runtime would spend its time in OCR and sealing, which this does not measure).
 * Backoff runs in real time with the production defaults. Prints JSON.
 *
 * Before the outage it measures the healthy latency: a burst of results (each stage timed, and the
 * process's CPU time, so our cost per result can be told apart from what a loaded machine adds),
 * then single results filed one at a time into an idle queue.
 *
 *   --results N            results filed during the outage (default 1000)
 *   --outage-seconds S     how long the simulator is down (default 30; the figure is 300)
 *   --healthy N            results filed in a burst while healthy, for the latency figures (default 200)
 *   --singles N            results filed one at a time into an idle queue (default 10)
 *   --concurrency N        syncs at once (default: the embedded runtime's)
 *   --dispatch-every-ms N  the dispatcher's poll (default: the embedded runtime's)
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultBackoff, defaultMaxAttempts } from '../../functions/sync/core/backoff.ts';
import { logger } from '../../functions/platform/observability.ts';
import type { VaultDocument } from '../../functions/vault/core/model.ts';
import { localSyncDefaults } from '../../lib/local/local-sync.ts';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.ts';

const { values } = parseArgs({
  options: {
    results: { type: 'string', default: '1000' },
    'outage-seconds': { type: 'string', default: '30' },
    healthy: { type: 'string', default: '200' },
    singles: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: String(localSyncDefaults.concurrency) },
    'dispatch-every-ms': { type: 'string', default: String(localSyncDefaults.dispatchEveryMs) },
  },
});
const results = Number(values.results);
const outageSeconds = Number(values['outage-seconds']);
const healthy = Number(values.healthy);
const singles = Number(values.singles);
const concurrency = Number(values.concurrency);
const dispatchEveryMs = Number(values['dispatch-every-ms']);

const owners = ['079203001234', '001099012345', '0101234567'];
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
// The JSON below is the bench's output: the runtime's info logs (a release after recovery) stay out of it.
logger.setLogLevel('WARN');
const loadAverages = () => loadavg().map((load) => Number(load.toFixed(2)));
const loadBefore = loadAverages();

/** The moments a result passes through, in order, from the filing commit to the record saying synced. */
const stages = ['committed', 'dispatched', 'received', 'createdAtPortal', 'synced'] as const;
type Stage = (typeof stages)[number];

/**
 * Timestamps each result's stages by wrapping the harness's queue, store and portal client (the
 * running sync reads them through the same objects): the first send, the consumer's first read of
 * the record, the portal's answer to the create, the write of `synced`.
 */
function traceStages(harness: SyncHarness) {
  const marks = new Map<string, Partial<Record<Stage, number>>>();
  const mark = (documentId: string, stage: Stage) => {
    const times = marks.get(documentId) ?? {};
    times[stage] ??= Date.now();
    marks.set(documentId, times);
  };
  const { queue } = harness.sync;
  const send = queue.send.bind(queue);
  queue.send = (event, delaySeconds) => {
    mark(event.documentId, 'dispatched');
    send(event, delaySeconds);
  };
  const { store, deps } = harness;
  const getSyncRecord = store.getSyncRecord.bind(store);
  store.getSyncRecord = (ownerId, documentId) => {
    // The consumer's read; the bench's own reads before the dispatch are not a receive.
    if (marks.get(documentId)?.dispatched !== undefined) mark(documentId, 'received');
    return getSyncRecord(ownerId, documentId);
  };
  const putSyncRecord = store.putSyncRecord.bind(store);
  store.putSyncRecord = async (next, previous) => {
    await putSyncRecord(next, previous);
    if (next.state === 'synced') mark(next.documentId, 'synced');
  };
  const warehouse = deps.warehouse;
  deps.warehouse = {
    ...warehouse,
    createDossier: async (dossier) => {
      const outcome = await warehouse.createDossier(dossier);
      mark(dossier.dossierCode, 'createdAtPortal');
      return outcome;
    },
  };
  return {
    committed: (document: VaultDocument) => mark(document.id, 'committed'),
    /** Per stage, the time since the previous one (the first since the filing began), p50 and p99. */
    summary(documents: VaultDocument[]) {
      const gaps = Object.fromEntries(stages.map((stage) => [stage, [] as number[]])) as Record<Stage, number[]>;
      const totals: number[] = [];
      for (const document of documents) {
        const times = marks.get(document.id) ?? {};
        let previous = Date.parse(document.createdAt);
        for (const stage of stages) {
          const at = times[stage];
          if (at === undefined) continue;
          gaps[stage].push(at - previous);
          previous = at;
        }
        if (times.synced !== undefined) totals.push(times.synced - Date.parse(document.createdAt));
      }
      const at = (p: number) => Object.fromEntries(stages.map((stage) => [stage, percentile(gaps[stage], p)]));
      return {
        results: documents.length,
        p50: percentile(totals, 50),
        p99: percentile(totals, 99),
        stagesP50: at(50),
        stagesP99: at(99),
      };
    },
  };
}

async function fileMany(harness: SyncHarness, count: number, offset: number, onCommitted = (_: VaultDocument) => {}) {
  const documents: VaultDocument[] = [];
  // Ten at a time: as many filing steps as the workflow runs at once on a small stage.
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, async (_, i) => {
      const document = await harness.fileIssuedResult(owners[(start + i) % owners.length]!, offset + start + i);
      onCommitted(document);
      return document;
    });
    documents.push(...(await Promise.all(batch)));
  }
  return documents;
}

const harness = await startSyncHarness({
  maxAttempts: defaultMaxAttempts,
  backoff: defaultBackoff,
  queue: { secondsToMs: 1000, concurrency, dispatchEveryMs },
});
try {
  const { simulator, store } = harness;
  // Nothing pending or failed: every filed record is synced, dead or held. Reads one item per state.
  const settled = async () =>
    (await store.listSyncRecords('pending', 1)).length === 0 && (await store.listSyncRecords('failed', 1)).length === 0;
  const trace = traceStages(harness);

  // Healthy burst: the stages of each result, and the CPU the process spent on them all.
  const cpuBefore = process.cpuUsage();
  const burstStarted = Date.now();
  const healthyDocs = await fileMany(harness, healthy, 0, trace.committed);
  const burstFilingSeconds = (Date.now() - burstStarted) / 1000;
  await harness.waitFor(settled, 600_000, 100);
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // Single results into an idle queue, one at a time.
  const singleDocs: VaultDocument[] = [];
  for (let i = 0; i < singles; i += 1) {
    // A random moment of the dispatcher's cycle, as a filing would come.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * dispatchEveryMs));
    const [document] = await fileMany(harness, 1, 50_000 + i, trace.committed);
    singleDocs.push(document!);
    await harness.waitFor(async () => (await harness.recordOf(document!))?.state === 'synced', 60_000, 10);
  }

  // Outage: the simulator is down while the results are filed, and for the rest of the outage.
  await simulator.goDown();
  const outageStarted = Date.now();
  const outageDocs = await fileMany(harness, results, 100_000);
  const filingSeconds = (Date.now() - outageStarted) / 1000;
  const remaining = outageSeconds * 1000 - (Date.now() - outageStarted);
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  await simulator.comeBack();
  const recovered = Date.now();
  await harness.waitFor(settled, 3_600_000, 250);
  const drainSeconds = (Date.now() - recovered) / 1000;

  const counts = await harness.countByState();
  const applied = simulator.appliedIdentities();
  const records = await Promise.all(outageDocs.map((d) => harness.recordOf(d)));
  const lost = outageDocs.filter((d) => !applied.has(`${d.id}|${d.id}`)).length;
  const duplicates = [...applied.values()].filter((count) => count > 1).length;
  const attempts = records.map((record) => record?.attempts ?? 0);
  const synced = records.filter((record) => record?.syncedAt).map((record) => Date.parse(record!.syncedAt!));

  console.log(
    JSON.stringify(
      {
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
        date: new Date().toISOString(),
        loadAverage: { before: loadBefore, after: loadAverages() },
        setup: {
          results,
          outageSeconds,
          filingSecondsDuringOutage: Number(filingSeconds.toFixed(1)),
          maxAttempts: defaultMaxAttempts,
          backoff: defaultBackoff,
          queueConcurrency: concurrency,
          dispatchEveryMs,
        },
        resultsLost: lost,
        duplicatesAtPortal: duplicates,
        dead: counts.dead,
        deadLetterQueue: harness.sync.queue.depth().deadLetters,
        drainSecondsAfterRecovery: Number(drainSeconds.toFixed(1)),
        // When the portal's return was first used: the first outage result synced after recovery.
        firstSyncSecondsAfterRecovery: synced.length
          ? Number(((Math.min(...synced) - recovered) / 1000).toFixed(1))
          : null,
        attemptsPerResult: { median: percentile(attempts, 50), max: percentile(attempts, 100) },
        healthyLatencyMs: {
          ...trace.summary(healthyDocs),
          filingSeconds: Number(burstFilingSeconds.toFixed(1)),
          // Our cost, whatever the load: CPU per result (filing and sync, dynalite and simulator included).
          cpuMsPerResult: Math.round((cpuSeconds * 1000) / healthy),
          // What the machine gave: the share of one core this process got while the burst ran.
          processCoreShare: Number((cpuSeconds / burstSeconds).toFixed(2)),
        },
        singleResultLatencyMs: trace.summary(singleDocs),
        portalRequests: simulator.requestCount(),
      },
      null,
      2,
    ),
  );
} finally {
  await harness.close();
}
