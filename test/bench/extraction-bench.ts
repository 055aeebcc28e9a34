/**
 * `npm run bench:extract`: classification and field extraction on the synthetic corpus, without
 * the workflow around them, so that extraction work can be measured in seconds instead of
 * minutes. Each page is read once by the engine the workflow uses (`createTesseractOcrEngine`,
 * preprocessing on) and the page as read is cached; later runs replay the cache through
 * `classifyDocument` and `extractFields` with the built-in templates. The cache is keyed by the
 * page and by the engine's source files, so a change to the engine or its preprocessing reads
 * the pages again. Prints one JSON document. `npm run bench:ocr` stays the run of record (the
 * real workflow over HTTP); this one is the tool for tuning, and by default it reads only the
 * tuning part.
 *   BENCH_PARTS           parts, comma-separated (default tuning)
 *   BENCH_PAGES_PER_TYPE  pages of each type for each degradation and part (default 1)
 *   BENCH_SEED            corpus seed (default 2024)
 *   BENCH_DETAILS         1 to list every field that did not match, with what was read
 *   BENCH_FIELDS_FILE     write one JSON line per extracted field (features and whether it was right) there
 *   BENCH_POST_CORRECTION 0 to extract from the pages as read, without the stacked-mark post-correction
 *                         the workflow applies (the text figures give both anyway)
 *   BENCH_SCAN            colour: read colour scans of the pages (seal red, signature blue) instead of the
 *                         grey corpus, for the degradations a colour scan exists for (`colourScanDegradations`)
 *   OCR_CACHE_DIR         where pages as read are kept (default .khoso/ocr-cache)
 */
import { writeFile } from 'node:fs/promises';
import { reviewCalibration, reviewPage } from '../../functions/templates/core/field-correctness.ts';
import type { Extraction } from '../../functions/templates/core/extract.ts';
import { characterErrorRate } from '../fixtures/ocr/character-error-rate.ts';
import { corpusParts, typeFields, type CorpusPart, type FieldValue } from '../fixtures/ocr/synthetic-corpus.ts';
import { editDistance, normaliseForScoring } from '../fixtures/ocr/character-error-rate.ts';
import { readCorpus } from './corpus-reading.ts';

const parts = (process.env.BENCH_PARTS ?? 'tuning').split(',') as CorpusPart[];
if (parts.some((part) => !corpusParts.includes(part))) throw new Error(`BENCH_PARTS: one of ${corpusParts.join(', ')}`);
const pagesPerType = Number(process.env.BENCH_PAGES_PER_TYPE ?? 1);
if (!Number.isInteger(pagesPerType) || pagesPerType < 1)
  throw new Error('BENCH_PAGES_PER_TYPE must be a positive integer');
const seed = Number(process.env.BENCH_SEED ?? 2024);
const details = process.env.BENCH_DETAILS === '1';
const fieldsFile = process.env.BENCH_FIELDS_FILE;
const scan = process.env.BENCH_SCAN ?? 'grey';
if (scan !== 'grey' && scan !== 'colour') throw new Error('BENCH_SCAN: grey or colour');
const cacheDir = process.env.OCR_CACHE_DIR ?? '.khoso/ocr-cache';
const postCorrection = process.env.BENCH_POST_CORRECTION !== '0';
const started = performance.now();

interface PageResult {
  part: CorpusPart;
  page: string;
  type: string;
  variant: number;
  degradation: string;
  /** Stamped with a seal and signed over the closing lines. */
  marked: boolean;
  /** Character edits between the page as read and its ground-truth text, and that text's length. */
  edits: number;
  characters: number;
  classifiedAs: string | null;
  extraction: Extraction | undefined;
  fieldsMatched: number;
  fieldsTotal: number;
  /** Filed without review: a template, and the calibrated review passes the page. */
  filed: boolean;
  pageScore: number | null;
  mismatches: { field: string; expected: FieldValue | null; got: FieldValue | null; raw: string | null }[];
  text: { read: TextScore; corrected: TextScore; corrections: number; wrongCorrections: number };
}

/** Capitals with a hat and a tone mark above: the letters the model reads with one mark (docs/ocr-models.md). */
const stackedCapital = /[ẦẤẨẪẰẮẲẴỀẾỂỄỒỐỔỖỜỚỞỠỪỨỬỮ]/u;
const wordsOf = (text: string) => text.normalize('NFC').match(/\p{L}+/gu) ?? [];
interface TextScore {
  cer: number;
  stackedWords: number;
  stackedWordsRight: number;
}
/** CER, and how many of the truth's capitalised words with stacked marks the text holds (as a multiset). */
function textScore(truth: string, text: string): TextScore {
  const read = new Map<string, number>();
  for (const word of wordsOf(text)) read.set(word, (read.get(word) ?? 0) + 1);
  let stackedWords = 0;
  let stackedWordsRight = 0;
  for (const word of wordsOf(truth).filter((word) => /^\p{Lu}+$/u.test(word) && stackedCapital.test(word))) {
    stackedWords += 1;
    const left = read.get(word) ?? 0;
    if (left > 0) {
      stackedWordsRight += 1;
      read.set(word, left - 1);
    }
  }
  return { cer: characterErrorRate(truth, text), stackedWords, stackedWordsRight };
}
/** Words the post-correction changed, and how many of those the truth does not hold. */
function correctionsMade(truth: string, read: string, corrected: string) {
  const before = wordsOf(read);
  const truthWords = new Set(wordsOf(truth));
  const changed = wordsOf(corrected).filter((word, index) => word !== before[index]);
  return { corrections: changed.length, wrongCorrections: changed.filter((word) => !truthWords.has(word)).length };
}

const read = await readCorpus({ parts, seeds: [seed], pagesPerType, cacheDir, postCorrection, scan });
const results: PageResult[] = [];
const fieldLines: string[] = [];
for (const { entry, readAsIs, corrected, extractedFrom, classifiedAs, template, extraction, fields } of read.pages) {
  const review = template && extraction ? reviewPage(template, extraction) : undefined;
  const reference = [...normaliseForScoring(entry.page.text)];
  const mismatches: PageResult['mismatches'] = [];
  for (const { name, expected, got, detail } of fields) {
    const right = got === expected;
    if (!right) mismatches.push({ field: name, expected, got, raw: detail?.raw ?? null });
    if (fieldsFile && detail)
      fieldLines.push(
        JSON.stringify({
          part: entry.part,
          page: entry.page.id,
          type: entry.page.type,
          degradation: entry.degradation,
          expected,
          right,
          score: review?.fields.find((field) => field.name === name)?.score ?? null,
          ...detail,
        }),
      );
  }
  results.push({
    part: entry.part,
    page: entry.page.id,
    type: entry.page.type,
    variant: entry.page.variant,
    degradation: entry.degradation,
    marked: entry.page.spec.marks !== undefined,
    edits: editDistance(reference, [...normaliseForScoring(extractedFrom.text)]),
    characters: reference.length,
    classifiedAs,
    extraction,
    fieldsMatched: fields.length - mismatches.length,
    fieldsTotal: fields.length,
    filed: review?.passes ?? false,
    pageScore: review?.score ?? null,
    mismatches,
    text: {
      read: textScore(entry.page.text, readAsIs.text),
      corrected: textScore(entry.page.text, corrected.text),
      ...correctionsMade(entry.page.text, readAsIs.text, corrected.text),
    },
  });
}
if (fieldsFile) await writeFile(fieldsFile, fieldLines.map((line) => `${line}\n`).join(''));

const round = (value: number) => Number(value.toFixed(4));
function summary(of: PageResult[]) {
  const fieldsTotal = of.reduce((sum, result) => sum + result.fieldsTotal, 0);
  const filed = of.filter((result) => result.filed);
  return {
    pages: of.length,
    cer: round(
      of.reduce((sum, result) => sum + result.edits, 0) /
        Math.max(
          1,
          of.reduce((sum, r) => sum + r.characters, 0),
        ),
    ),
    typeRight: of.filter((result) => result.classifiedAs === result.type).length,
    fieldExactMatch: round(of.reduce((sum, result) => sum + result.fieldsMatched, 0) / Math.max(1, fieldsTotal)),
    pagesAllRight: of.filter((result) => result.mismatches.length === 0).length,
    filedWithoutReview: filed.length,
    wrongAmongFiled: filed.filter((result) => result.mismatches.length > 0).length,
    text: textSummary(of),
  };
}
function textSummary(of: PageResult[]) {
  const sum = (pick: (result: PageResult) => number) => of.reduce((total, result) => total + pick(result), 0);
  const side = (which: 'read' | 'corrected') => ({
    meanCer: round(sum((result) => result.text[which].cer) / Math.max(1, of.length)),
    stackedWordsRight: sum((result) => result.text[which].stackedWordsRight),
  });
  return {
    stackedWords: sum((result) => result.text.read.stackedWords),
    asRead: side('read'),
    postCorrected: side('corrected'),
    corrections: sum((result) => result.text.corrections),
    wrongCorrections: sum((result) => result.text.wrongCorrections),
  };
}
function groupBy(of: PageResult[], key: (result: PageResult) => string) {
  const keys = [...new Set(of.map(key))].sort();
  return Object.fromEntries(keys.map((k) => [k, summary(of.filter((result) => key(result) === k))]));
}
function byField(of: PageResult[]) {
  const tally = new Map<string, { matched: number; total: number }>();
  for (const result of of)
    for (const field of typeFields[result.type as keyof typeof typeFields]) {
      const key = `${result.type}.${field}`;
      const entry = tally.get(key) ?? { matched: 0, total: 0 };
      entry.total += 1;
      if (!result.mismatches.some((mismatch) => mismatch.field === field)) entry.matched += 1;
      tally.set(key, entry);
    }
  return Object.fromEntries(
    [...tally].sort().map(([key, value]) => [key, { ...value, rate: round(value.matched / value.total) }]),
  );
}

console.log(
  JSON.stringify(
    {
      benchmark: 'extraction',
      date: new Date().toISOString(),
      corpus: { seed, pagesPerType, parts, scan },
      engineKey: read.engineKey,
      pagesReadByEngine: read.pagesReadByEngine,
      pageThreshold: reviewCalibration().pageThreshold,
      postCorrection,
      byPart: Object.fromEntries(
        parts.map((part) => {
          const of = results.filter((result) => result.part === part);
          return [
            part,
            {
              ...summary(of),
              byType: groupBy(of, (result) => result.type),
              byVariant: groupBy(of, (result) => String(result.variant)),
              byDegradation: groupBy(of, (result) => result.degradation),
              byMarks: groupBy(of, (result) => (result.marked ? 'stamped' : 'unmarked')),
              byDegradationAndMarks: groupBy(
                of,
                (result) => `${result.degradation} ${result.marked ? 'stamped' : 'unmarked'}`,
              ),
              byField: byField(of),
              ...(details
                ? {
                    mismatches: of
                      .filter((result) => result.mismatches.length > 0 || result.classifiedAs !== result.type)
                      .map((result) => ({
                        page: result.page,
                        degradation: result.degradation,
                        classifiedAs: result.classifiedAs,
                        confidence: result.extraction?.confidence ?? null,
                        pageScore: result.pageScore,
                        mismatches: result.mismatches,
                      })),
                  }
                : {}),
            },
          ];
        }),
      ),
      benchSeconds: round((performance.now() - started) / 1000),
    },
    null,
    2,
  ),
);
