/**
 * `npm run bench:ocr`: accuracy and speed of the digitize workflow on a synthetic corpus
 * (test/fixtures/ocr/synthetic-corpus.ts). Every page is uploaded as an officer for the owner
 * the page names and goes through the real workflow of the embedded runtime (run in a child
 * process, ocr-serve-vault.ts); the native tesseract CLI, when installed, reads the same
 * images as the reference. Prints one JSON document; not part of `npm test`.
 * The corpus has a tuning part and a held-out part (different seeds, and layouts and fonts only
 * the held-out part has); every figure is also given for each part alone.
 *   BENCH_PAGES_PER_TYPE  pages of each type for each degradation and part (default 1: 66 pages a part)
 *   BENCH_PARTS           which parts, comma-separated (default tuning,held-out)
 *   BENCH_MAX_PAGES       at most this many pages of each part, spread evenly over the plan (default: all)
 *   BENCH_NATIVE_CLI      0 to skip the native tesseract CLI reference (halves the run)
 *   BENCH_SEED            corpus seed (default 2024)
 *   BENCH_CORPUS_DIR      keep the page images and ground-truth.json there (default: a temp dir, removed)
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApi, type Api } from '../integration/support/http-client.ts';
import { editDistance, normaliseForScoring } from '../fixtures/ocr/character-error-rate.ts';
import {
  builtinTypes,
  corpusParts,
  corpusPlan,
  degradations,
  renderDegraded,
  syntheticPage,
  typeFields,
  type CorpusPage,
  type CorpusPart,
  type Degradation,
  type FieldValue,
  type PageImage,
} from '../fixtures/ocr/synthetic-corpus.ts';
import { isPersonalId } from '../../functions/platform/core/principal.ts';
import type { SimulatedCitizen } from '../simulators/population-database-simulator.ts';
import type { ChildMessage, ParentMessage } from './ocr-serve-vault.ts';

const pagesPerType = Number(process.env.BENCH_PAGES_PER_TYPE ?? 1);
const seed = Number(process.env.BENCH_SEED ?? 2024);
if (!Number.isInteger(pagesPerType) || pagesPerType < 1)
  throw new Error('BENCH_PAGES_PER_TYPE must be a positive integer');
const parts = (process.env.BENCH_PARTS ?? corpusParts.join(',')).split(',') as CorpusPart[];
if (parts.some((part) => !corpusParts.includes(part))) throw new Error(`BENCH_PARTS: one of ${corpusParts.join(', ')}`);
const maxPages = process.env.BENCH_MAX_PAGES === undefined ? Infinity : Number(process.env.BENCH_MAX_PAGES);
if (!(maxPages >= 1)) throw new Error('BENCH_MAX_PAGES must be a positive number');
const useNativeCli = process.env.BENCH_NATIVE_CLI !== '0';
const run = promisify(execFile);
const started = performance.now();

// --- corpus ---------------------------------------------------------------------------------

interface BenchPage extends CorpusPage {
  image: PageImage;
  file: string;
}

const keepCorpus = process.env.BENCH_CORPUS_DIR;
const corpusDir = keepCorpus ?? (await mkdtemp(join(tmpdir(), 'khoso-ocr-corpus-')));
await mkdir(corpusDir, { recursive: true });
/** At most `maxPages` entries of a part, spread evenly so that a sample still covers types and degradations. */
function sample(plan: CorpusPage[]): CorpusPage[] {
  if (plan.length <= maxPages) return plan;
  return Array.from({ length: maxPages }, (_, j) => plan[Math.floor((j * plan.length) / maxPages)]).filter(
    (entry): entry is CorpusPage => entry !== undefined,
  );
}

const pages: BenchPage[] = [];
for (const entry of parts.flatMap((part) => sample(corpusPlan(pagesPerType, seed, part)))) {
  const image = await renderDegraded(entry);
  const file = join(
    corpusDir,
    `${entry.part}--${entry.degradation}--${entry.page.id}.${image.contentType === 'image/jpeg' ? 'jpg' : 'png'}`,
  );
  await writeFile(file, image.bytes);
  pages.push({ ...entry, image, file });
}
await writeFile(
  join(corpusDir, 'ground-truth.json'),
  JSON.stringify(
    pages.map((p) => ({
      file: p.file,
      part: p.part,
      variant: p.page.variant,
      marked: p.page.spec.marks !== undefined,
      degradation: p.degradation,
      detail: p.image.detail,
      type: p.page.type,
      font: p.page.spec.font,
      ownerId: p.page.ownerId,
      fields: p.page.fields,
      text: p.page.text,
    })),
    null,
    2,
  ),
);

// --- the vault, in a child process ----------------------------------------------------------

const child: ChildProcess = fork(fileURLToPath(new URL('./ocr-serve-vault.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  // The vault logs JSON lines to stdout; they go to our stderr so stdout carries only the result.
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
child.stdout?.pipe(process.stderr);

function nextMessage<K extends ChildMessage['kind']>(kind: K): Promise<Extract<ChildMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the vault process exited (${code}) before sending ${kind}`));
    child.once('exit', onExit);
    const onMessage = (message: ChildMessage) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ChildMessage, { kind: K }>);
    };
    child.on('message', onMessage);
  });
}
const ask = (message: ParentMessage) => child.send(message);

const { url } = await nextMessage('ready');

/**
 * The citizens the pages name, as a real population database would know them: the owner's
 * personal ID with the name and date of birth of the ground truth. Without them the Extract
 * step could not confirm any owner and every page naming a person would go to review.
 */
function corpusCitizens(entries: BenchPage[]): SimulatedCitizen[] {
  const citizens = new Map<string, SimulatedCitizen>();
  for (const { page } of entries) {
    const { fullName, dateOfBirth } = page.fields;
    if (!isPersonalId(page.ownerId) || typeof fullName !== 'string' || typeof dateOfBirth !== 'string') continue;
    const known = citizens.get(page.ownerId);
    if (known && (known.fullName !== fullName || known.birthDate !== dateOfBirth))
      throw new Error(`the corpus names two people with personal ID ${page.ownerId}`);
    citizens.set(page.ownerId, { personalId: page.ownerId, fullName, birthDate: dateOfBirth });
  }
  return [...citizens.values()];
}
const citizens = corpusCitizens(pages);
ask({ kind: 'seed-citizens', citizens });
if (!(await nextMessage('seeded')).simulated)
  process.stderr.write(
    'POPULATION_DATABASE_URL is set: the corpus citizens are not seeded; owners may go unconfirmed\n',
  );
const api: Api = createApi(url);

async function token(claims: Record<string, string>): Promise<string> {
  const response = await api<{ accessToken: string }>('POST', '/_local/token', { body: claims });
  if (response.status !== 200) throw new Error(`token for ${claims.sub}: ${response.status} ${response.text}`);
  return response.json.accessToken;
}

const officer = await token({ sub: 'officer-bench-ocr', role: 'officer', unit: 'PC06' });
const ownerTokens = new Map<string, string>();
async function ownerToken(page: CorpusPage['page']): Promise<string> {
  let bearer = ownerTokens.get(page.ownerId);
  if (!bearer) {
    bearer = await token({ sub: `owner-${page.ownerId}`, role: page.ownerRole, ownerId: page.ownerId });
    ownerTokens.set(page.ownerId, bearer);
  }
  return bearer;
}

interface UploadView {
  status: 'PENDING_UPLOAD' | 'PROCESSING' | 'REVIEW' | 'DONE' | 'FAILED';
  documentId?: string;
  failureReason?: string;
  proposed?: { type?: string; fields: Record<string, FieldValue>; text: string; confidence: number; reasons: string[] };
}

async function waitFor(uploadId: string, done: (upload: UploadView) => boolean): Promise<UploadView> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const response = await api<UploadView>('GET', `/v1/uploads/${uploadId}`, { token: officer });
    if (response.status !== 200) throw new Error(`GET upload ${uploadId}: ${response.status} ${response.text}`);
    if (done(response.json)) return response.json;
    if (Date.now() > deadline) throw new Error(`upload ${uploadId} still ${response.json.status} after 180 s`);
    // Polls are served by the process that runs the OCR: often enough to time the workflow, rarely enough not to slow
    // it.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Outcome {
  uploadId: string;
  status: 'DONE' | 'REVIEW' | 'FAILED';
  /** Where type and fields were read: the filed document, or the proposal awaiting review. */
  source: 'document' | 'review' | 'none';
  type: string | undefined;
  fields: Record<string, FieldValue>;
  text: string;
  reasons: string[];
  /** Upload POST to DONE or REVIEW. */
  workflowMs: number;
}

/** Uploads one page as the officer for its owner and reads back what the workflow made of it. */
async function digitize(page: CorpusPage['page'], image: PageImage, fileName: string): Promise<Outcome> {
  const begin = performance.now();
  const requested = await api<{ uploadId: string; upload: { url: string; fields: Record<string, string> } }>(
    'POST',
    '/v1/uploads',
    {
      token: officer,
      body: { fileName, contentType: image.contentType, size: image.bytes.length, ownerId: page.ownerId },
    },
  );
  if (requested.status !== 201) throw new Error(`POST /v1/uploads: ${requested.status} ${requested.text}`);
  const { uploadId, upload } = requested.json;
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([image.bytes], { type: image.contentType }), fileName);
  const posted = await fetch(upload.url, { method: 'POST', body: form });
  if (posted.status !== 204) throw new Error(`presigned POST: ${posted.status} ${await posted.text()}`);
  const settled = await waitFor(uploadId, (u) => u.status === 'DONE' || u.status === 'REVIEW' || u.status === 'FAILED');
  const workflowMs = performance.now() - begin;

  if (settled.status === 'DONE' && settled.documentId) {
    const bearer = await ownerToken(page);
    const document = await api<{ type?: string; fields?: Record<string, FieldValue> }>(
      'GET',
      `/v1/documents/${settled.documentId}`,
      { token: bearer },
    );
    const text = await api('GET', `/v1/documents/${settled.documentId}/text`, { token: bearer });
    if (document.status !== 200 || text.status !== 200)
      throw new Error(`reading document ${settled.documentId}: ${document.status}/${text.status}`);
    return {
      uploadId,
      status: 'DONE',
      source: 'document',
      type: document.json.type,
      fields: document.json.fields ?? {},
      text: text.text,
      reasons: [],
      workflowMs,
    };
  }
  if (settled.status === 'REVIEW' && settled.proposed) {
    const { proposed } = settled;
    // Rejected so that the run ends (FAILED) before the next page is timed.
    const rejected = await api('POST', `/v1/uploads/${uploadId}/review`, {
      token: officer,
      body: { approve: false, reason: 'OCR benchmark page' },
    });
    if (rejected.status !== 200) throw new Error(`rejecting ${uploadId}: ${rejected.status} ${rejected.text}`);
    await waitFor(uploadId, (u) => u.status === 'FAILED');
    return {
      uploadId,
      status: 'REVIEW',
      source: 'review',
      type: proposed.type,
      fields: proposed.fields,
      text: proposed.text,
      reasons: proposed.reasons,
      workflowMs,
    };
  }
  return {
    uploadId,
    status: 'FAILED',
    source: 'none',
    type: undefined,
    fields: {},
    text: '',
    reasons: [settled.failureReason ?? 'failed'],
    workflowMs,
  };
}

// --- the native CLI on the same images -------------------------------------------------------

interface CliRun {
  text: string;
  ms: number;
}

async function tesseractCli(): Promise<{ version: string; tessdataDir: string | undefined } | undefined> {
  try {
    const { stdout, stderr } = await run('tesseract', ['--version']);
    // Debian keeps models in /usr/share/tesseract-ocr/<version>/tessdata; elsewhere the CLI's default is used.
    const versions = await readdir('/usr/share/tesseract-ocr').catch(() => [] as string[]);
    let tessdataDir: string | undefined;
    for (const version of versions.sort()) {
      const dir = `/usr/share/tesseract-ocr/${version}/tessdata`;
      if (
        await stat(join(dir, 'vie.traineddata')).then(
          () => true,
          () => false,
        )
      )
        tessdataDir = dir;
    }
    return { version: `${stdout}${stderr}`.split('\n')[0] ?? 'tesseract', tessdataDir };
  } catch {
    return undefined;
  }
}

const cli = useNativeCli ? await tesseractCli() : undefined;
const cliArgs = (file: string) => [
  file,
  'stdout',
  '-l',
  'vie',
  ...(cli?.tessdataDir ? ['--tessdata-dir', cli.tessdataDir] : []),
];

async function readWithCli(file: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const begin = performance.now();
  const { stdout } = await run('tesseract', cliArgs(file), { env, maxBuffer: 16 * 1024 * 1024 });
  return { text: stdout, ms: performance.now() - begin };
}

// --- the run --------------------------------------------------------------------------------

const loadBefore = loadavg();
// The first page loads the model into the worker: read one page outside the corpus first.
const warmupPage = syntheticPage('cong-van', seed + 1);
const warmup = await digitize(
  warmupPage,
  await renderDegraded({ page: warmupPage, degradation: 'clean', seed, part: 'tuning' }),
  'warm-up.png',
);
if (cli && pages[0]) await readWithCli(pages[0].file, process.env); // page cache and shared libraries

// Each page goes through the workflow, then through the CLI, so that both meet the same load
// on a shared machine; the vault is idle while the CLI runs.
const outcomes: Outcome[] = [];
const cliRuns: CliRun[] = [];
const cliSingleThreadRuns: CliRun[] = [];
for (const page of pages) {
  outcomes.push(await digitize(page.page, page.image, page.file.slice(corpusDir.length + 1)));
  if (!cli) continue;
  cliRuns.push(await readWithCli(page.file, process.env));
  // Tesseract is built with OpenMP; on two cores its threads contend. One thread is the fairer reference.
  cliSingleThreadRuns.push(await readWithCli(page.file, { ...process.env, OMP_THREAD_LIMIT: '1' }));
}
const loadAfter = loadavg();

ask({ kind: 'recognize-times' });
const recognizeMs = (await nextMessage('recognize-times')).times;
ask({ kind: 'close' });
const vaultMaxRssKiB = (await nextMessage('closed')).maxRssKiB;
if (!keepCorpus) await rm(corpusDir, { recursive: true, force: true });

// --- scores ---------------------------------------------------------------------------------

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length);
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const seconds = (ms: number[]) => ({
  mean: round(mean(ms) / 1000, 3),
  p50: round(quantile(ms, 0.5) / 1000, 3),
  p90: round(quantile(ms, 0.9) / 1000, 3),
  max: round(Math.max(...ms) / 1000, 3),
});

interface CerTally {
  edits: number;
  characters: number;
  pages: number;
  worst: { page: string; cer: number };
}

function cerByDegradation(
  texts: string[],
): Record<Degradation, { cer: number; pages: number; characters: number; worstPage: string; worstPageCer: number }> {
  const tallies = new Map<Degradation, CerTally>();
  pages.forEach((page, i) => {
    const reference = [...normaliseForScoring(page.page.text)];
    const edits = editDistance(reference, [...normaliseForScoring(texts[i] ?? '')]);
    const tally = tallies.get(page.degradation) ?? { edits: 0, characters: 0, pages: 0, worst: { page: '', cer: -1 } };
    tally.edits += edits;
    tally.characters += reference.length;
    tally.pages += 1;
    if (edits / reference.length > tally.worst.cer) tally.worst = { page: page.page.id, cer: edits / reference.length };
    tallies.set(page.degradation, tally);
  });
  return Object.fromEntries(
    degradations.map((degradation) => {
      const tally = tallies.get(degradation) ?? { edits: 0, characters: 0, pages: 0, worst: { page: '', cer: 0 } };
      return [
        degradation,
        {
          cer: round(tally.characters === 0 ? 0 : tally.edits / tally.characters),
          pages: tally.pages,
          characters: tally.characters,
          worstPage: tally.worst.page,
          worstPageCer: round(tally.worst.cer),
        },
      ];
    }),
  ) as ReturnType<typeof cerByDegradation>;
}

interface Tally {
  matched: number;
  total: number;
}
const rate = (tally: Tally) => ({ ...tally, rate: round(tally.total === 0 ? 0 : tally.matched / tally.total) });
const add = (map: Map<string, Tally>, key: string, matched: boolean) => {
  const tally = map.get(key) ?? { matched: 0, total: 0 };
  tally.matched += matched ? 1 : 0;
  tally.total += 1;
  map.set(key, tally);
};

const overall: Tally = { matched: 0, total: 0 };
const byType = new Map<string, Tally>();
const byTypeField = new Map<string, Tally>();
const byDegradation = new Map<string, Tally>();
const typeRecognised = new Map<string, Tally>();
const filedDirectly = new Map<string, Tally>();
// Whether the review step is asked for the right pages: all fields right, per outcome.
const pagesAllRight = new Map<string, Tally>();
interface PageScore {
  part: CorpusPart;
  type: string;
  degradation: Degradation;
  /** Stamped with a seal and signed over its closing lines (their marks are not in the ground-truth text). */
  marked: boolean;
  /** DONE: the workflow's own confidence gate filed the page without review. */
  filed: boolean;
  fieldsMatched: number;
  fieldsTotal: number;
  allRight: boolean;
  edits: number;
  characters: number;
}
const pageScores: PageScore[] = [];
const mismatches: Array<{
  page: string;
  degradation: Degradation;
  field: string;
  expected: FieldValue | null;
  got: FieldValue | null;
  part: CorpusPart;
  source: Outcome['source'];
}> = [];
pages.forEach((page, i) => {
  const outcome = outcomes[i];
  if (!outcome) return;
  const { type } = page.page;
  const typeRight = outcome.type === type;
  let fieldsMatched = 0;
  add(typeRecognised, type, typeRight);
  add(filedDirectly, type, outcome.status === 'DONE');
  let allRight = typeRight;
  for (const field of typeFields[type]) {
    const expected = page.page.fields[field];
    // Fields read under the wrong type are not the document's fields.
    const got = typeRight ? outcome.fields[field] : undefined;
    const matched = got === expected;
    allRight &&= matched;
    overall.matched += matched ? 1 : 0;
    overall.total += 1;
    fieldsMatched += matched ? 1 : 0;
    add(byType, type, matched);
    add(byTypeField, `${type}.${field}`, matched);
    add(byDegradation, page.degradation, matched);
    if (!matched)
      mismatches.push({
        page: page.page.id,
        degradation: page.degradation,
        field,
        expected: expected ?? null,
        got: got ?? null,
        part: page.part,
        source: outcome.source,
      });
  }
  add(pagesAllRight, outcome.status, allRight);
  const reference = [...normaliseForScoring(page.page.text)];
  pageScores.push({
    part: page.part,
    type,
    degradation: page.degradation,
    marked: page.page.spec.marks !== undefined,
    filed: outcome.status === 'DONE',
    fieldsMatched,
    fieldsTotal: typeFields[type].length,
    allRight,
    edits: editDistance(reference, [...normaliseForScoring(outcome.text)]),
    characters: reference.length,
  });
});

/**
 * The four figures of a group of pages. A page is straight-through when the workflow filed it
 * without review (DONE); the wrong-field rate counts, among those, the pages with any field wrong.
 */
function summarise(scores: PageScore[]) {
  const filed = scores.filter((score) => score.filed);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const characters = sum(scores.map((score) => score.characters));
  const fieldsTotal = sum(scores.map((score) => score.fieldsTotal));
  return {
    pages: scores.length,
    cer: round(characters === 0 ? 0 : sum(scores.map((score) => score.edits)) / characters),
    fieldExactMatch: round(fieldsTotal === 0 ? 0 : sum(scores.map((score) => score.fieldsMatched)) / fieldsTotal),
    straightThrough: round(scores.length === 0 ? 0 : filed.length / scores.length),
    filedWithoutReview: filed.length,
    wrongFieldAmongFiled:
      filed.length === 0 ? null : round(filed.filter((score) => !score.allRight).length / filed.length),
  };
}

function partReport(part: CorpusPart) {
  const scores = pageScores.filter((score) => score.part === part);
  const by = <K extends string>(keys: readonly K[], key: (score: PageScore) => string) =>
    Object.fromEntries(
      keys
        .map((k) => [k, scores.filter((score) => key(score) === k)] as const)
        .filter(([, group]) => group.length > 0)
        .map(([k, group]) => [k, summarise(group)]),
    );
  return {
    ...summarise(scores),
    byType: by(builtinTypes, (score) => score.type),
    byDegradation: by(degradations, (score) => score.degradation),
    bySealAndSignature: by(['stamped and signed', 'unmarked'], (score) =>
      score.marked ? 'stamped and signed' : 'unmarked',
    ),
  };
}

const engineCer = cerByDegradation(outcomes.map((outcome) => outcome.text));
const cliCer = cli ? cerByDegradation(cliRuns.map((r) => r.text)) : undefined;
const engineMs = outcomes.map((outcome) => recognizeMs[outcome.uploadId] ?? Number.NaN);
const engineSeconds = seconds(engineMs);
const cliSeconds = cli ? seconds(cliRuns.map((r) => r.ms)) : undefined;
const cliSingleSeconds = cli ? seconds(cliSingleThreadRuns.map((r) => r.ms)) : undefined;
const vaultPeakRssMiB = round(vaultMaxRssKiB / 1024, 1);
const degradedCer = Math.max(...degradations.filter((d) => d !== 'clean').map((d) => engineCer[d].cer));
const fieldRate = rate(overall).rate;

const targets = [
  { target: 'CER ≤ 1% on clean pages', value: engineCer.clean.cer, met: engineCer.clean.cer <= 0.01 },
  { target: 'CER ≤ 3% on every degraded set (worst set shown)', value: degradedCer, met: degradedCer <= 0.03 },
  { target: 'field exact match ≥ 97% overall', value: fieldRate, met: fieldRate >= 0.97 },
  ...(cliSeconds && cliSingleSeconds
    ? [
        {
          target: 's/page ≤ 1.2× native CLI (as installed, OpenMP)',
          value: round(engineSeconds.mean / cliSeconds.mean, 2),
          met: engineSeconds.mean <= 1.2 * cliSeconds.mean,
        },
        {
          target: 's/page ≤ 1.2× native CLI (OMP_THREAD_LIMIT=1)',
          value: round(engineSeconds.mean / cliSingleSeconds.mean, 2),
          met: engineSeconds.mean <= 1.2 * cliSingleSeconds.mean,
        },
      ]
    : []),
  {
    target: 'peak RSS of the OCR process ≤ 1,536 MB (MiB shown)',
    value: vaultPeakRssMiB,
    met: vaultPeakRssMiB <= 1536,
  },
];

const statusCount = (status: Outcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
const tesseractJsVersion = (
  JSON.parse(readFileSync(new URL('../../node_modules/tesseract.js/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const report = {
  benchmark: 'ocr',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other work on the machine slows both readers alike, but shows in the absolute times.
    loadAverage1mBeforeAfter: [round(loadBefore[0] ?? 0, 2), round(loadAfter[0] ?? 0, 2)],
  },
  corpus: {
    seed,
    pagesPerType,
    parts,
    ...(Number.isFinite(maxPages) ? { sampledPagesPerPart: maxPages } : {}),
    pages: pages.length,
    pagesByPart: Object.fromEntries(parts.map((part) => [part, pages.filter((page) => page.part === part).length])),
    characters: pages.reduce((sum, page) => sum + [...normaliseForScoring(page.page.text)].length, 0),
    types: builtinTypes,
    degradations,
    fonts: [...new Set(pages.map((page) => page.page.spec.font))].sort(),
    ...(keepCorpus ? { keptIn: corpusDir } : {}),
  },
  engine: {
    name: `tesseract.js ${tesseractJsVersion}, shipped tessdata_fast vie, preprocessing on`,
    path: 'officer upload → digitize workflow (Validate → RecognizePage → Classify → Extract → File | Review) in the embedded runtime',
    warmupPageSeconds: round((recognizeMs[warmup.uploadId] ?? Number.NaN) / 1000, 3),
  },
  byPart: Object.fromEntries(parts.map((part) => [part, partReport(part)])),
  cer: { engine: engineCer, ...(cliCer ? { nativeCliRaw: cliCer } : {}) },
  fields: {
    readFrom:
      'type and fields of the filed document (GET /v1/documents/{id}, owner token) when the upload was DONE; `proposed` of GET /v1/uploads/{id} when it stopped at REVIEW (then rejected). Text: GET /v1/documents/{id}/text or proposed.text. A field counts only when the type is right; a field the page lacks must be absent.',
    outcomes: { DONE: statusCount('DONE'), REVIEW: statusCount('REVIEW'), FAILED: statusCount('FAILED') },
    pagesWithEveryFieldRight: Object.fromEntries(
      [...pagesAllRight].map(([status, tally]) => [status, `${tally.matched}/${tally.total}`]),
    ),
    reviewReasons: countBy(
      outcomes.flatMap((outcome) => outcome.reasons.map((reason) => reason.replace(/\d+(\.\d+)?/g, 'N'))),
    ),
    overall: rate(overall),
    typeRecognised: Object.fromEntries(
      builtinTypes.map((type) => [type, rate(typeRecognised.get(type) ?? { matched: 0, total: 0 })]),
    ),
    byType: Object.fromEntries(
      builtinTypes.map((type) => [
        type,
        {
          ...rate(byType.get(type) ?? { matched: 0, total: 0 }),
          filedWithoutReview: rate(filedDirectly.get(type) ?? { matched: 0, total: 0 }).rate,
          byField: Object.fromEntries(
            typeFields[type].map((field) => {
              const tally = byTypeField.get(`${type}.${field}`) ?? { matched: 0, total: 0 };
              return [field, `${tally.matched}/${tally.total}`];
            }),
          ),
        },
      ]),
    ),
    byDegradation: Object.fromEntries(
      degradations.map((d) => [d, rate(byDegradation.get(d) ?? { matched: 0, total: 0 })]),
    ),
    mismatches: mismatches.slice(0, 200),
    ...(mismatches.length > 200 ? { mismatchesLeftOut: mismatches.length - 200 } : {}),
  },
  secondsPerPage: {
    engine: {
      ...engineSeconds,
      measured:
        'RecognizePage task of each workflow run (warm worker): read the object, decode, denoise, deskew, OCR, store the page',
    },
    workflow: {
      ...seconds(outcomes.map((outcome) => outcome.workflowMs)),
      measured: 'upload request to DONE or REVIEW, over HTTP',
    },
    ...(cli && cliSeconds && cliSingleSeconds
      ? {
          nativeCli: {
            ...cliSeconds,
            command: `tesseract IMAGE stdout ${cliArgs('').slice(2).join(' ')}`,
            version: cli.version,
          },
          nativeCliSingleThread: {
            ...cliSingleSeconds,
            command: `OMP_THREAD_LIMIT=1 tesseract IMAGE stdout ${cliArgs('').slice(2).join(' ')}`,
          },
          engineOverNativeCli: round(engineSeconds.mean / cliSeconds.mean, 2),
          engineOverNativeCliSingleThread: round(engineSeconds.mean / cliSingleSeconds.mean, 2),
        }
      : { nativeCli: 'tesseract CLI not on PATH' }),
  },
  memory: {
    ocrProcessPeakRssMiB: vaultPeakRssMiB,
    ocrProcess: 'the embedded vault: HTTP API, dynalite, workflow and the Tesseract worker thread',
    benchProcessPeakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
  },
  targets,
  benchSeconds: round((performance.now() - started) / 1000, 1),
};

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
