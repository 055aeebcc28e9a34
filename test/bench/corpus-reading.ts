/**
 * Reading the synthetic corpus as the workflow would, for `bench:extract` and `calibrate:review`:
 * each page is read once by the engine the workflow uses (`createTesseractOcrEngine`,
 * preprocessing on) and the page as read is cached, keyed by the page and by the engine's source
 * files, so a change to the engine or its preprocessing reads the pages again. Then every page is
 * post-corrected (stacked marks), classified and extracted with the built-in templates, and
 * compared with its ground truth.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OcrPage } from '../../functions/digitize/core/ocr-engine.ts';
import { createTesseractOcrEngine } from '../../functions/digitize/adapters/ocr/tesseract-ocr-engine.ts';
import { correctStackedMarks } from '../../functions/digitize/core/vietnamese-post-correction.ts';
import { classifyDocument } from '../../functions/templates/core/classify.ts';
import { extractFields, type ExtractedField, type Extraction } from '../../functions/templates/core/extract.ts';
import { builtinTemplates } from '../../functions/templates/core/builtin-templates.ts';
import type { RecognitionTemplate } from '../../functions/templates/core/template-model.ts';
import type { Principal } from '../../functions/platform/core/principal.ts';
import {
  colourScanDegradations,
  corpusPlan,
  renderColourScan,
  renderDegraded,
  typeFields,
  type CorpusPage,
  type CorpusPart,
  type FieldValue,
} from '../fixtures/ocr/synthetic-corpus.ts';

/** The engine's own source: a change to any of these files reads the pages again. */
const engineSources = ['tesseract-ocr-engine.ts', 'preprocess-page.ts', 'decode-image-page.ts', 'drop-colour-inks.ts'];

export async function engineCacheKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of engineSources)
    hash.update(
      await readFile(fileURLToPath(new URL(`../../functions/digitize/adapters/ocr/${file}`, import.meta.url))),
    );
  return hash.digest('hex').slice(0, 16);
}

export interface ReadField {
  detail: ExtractedField;
  expected: FieldValue | null;
  right: boolean;
}

export interface ReadCorpusPage {
  entry: CorpusPage;
  /** The page as the engine read it, and after the stacked-mark post-correction the workflow applies. */
  readAsIs: OcrPage;
  corrected: OcrPage;
  /** The one of the two that was classified and extracted. */
  extractedFrom: OcrPage;
  classifiedAs: string | null;
  template: RecognitionTemplate | undefined;
  extraction: Extraction | undefined;
  /** The ground truth's fields, each with what was read when the type was right. */
  fields: { name: string; expected: FieldValue | null; got: FieldValue | null; detail: ExtractedField | undefined }[];
  /** Every field the template read on a rightly classified page, with whether it was read exactly. */
  readFields: ReadField[];
}

const officer: Principal = { sub: 'officer-bench-extract', role: 'officer', unit: 'PC06' };

/**
 * Reads the corpus plan of each seed and part, page by page, OCR from the cache where it can.
 * `pagesReadByEngine` counts the pages that were not in the cache.
 */
export async function readCorpus(options: {
  parts: CorpusPart[];
  seeds: number[];
  pagesPerType: number;
  cacheDir: string;
  /** Classify and extract the post-corrected page, as the workflow does (default true). */
  postCorrection?: boolean;
  /** `colour`: colour scans of the pages, for the degradations a colour scan exists for (default grey). */
  scan?: 'grey' | 'colour';
}): Promise<{ pages: ReadCorpusPage[]; engineKey: string; pagesReadByEngine: number }> {
  const engineKey = await engineCacheKey();
  await mkdir(options.cacheDir, { recursive: true });
  const engine = createTesseractOcrEngine();
  let pagesReadByEngine = 0;
  const colour = options.scan === 'colour';
  async function readPage(entry: CorpusPage): Promise<OcrPage> {
    const file = join(
      options.cacheDir,
      `${engineKey}-${entry.part}-${entry.degradation}${colour ? '-colour' : ''}-${entry.page.id}-${entry.seed}.json`,
    );
    const cached = await readFile(file, 'utf8').catch(() => undefined);
    if (cached) return JSON.parse(cached) as OcrPage;
    const image = colour ? await renderColourScan(entry) : await renderDegraded(entry);
    const page = await engine.recognizePage({ bytes: image.bytes, contentType: image.contentType, pageNumber: 1 });
    await writeFile(file, JSON.stringify(page));
    pagesReadByEngine += 1;
    return page;
  }

  const templates = builtinTemplates(new Date().toISOString());
  const pages: ReadCorpusPage[] = [];
  try {
    for (const seed of options.seeds)
      for (const part of options.parts)
        for (const entry of corpusPlan(options.pagesPerType, seed, part).filter(
          (planned) => !colour || colourScanDegradations.includes(planned.degradation),
        )) {
          const readAsIs = await readPage(entry);
          const corrected = correctStackedMarks(readAsIs);
          const ocrPage = (options.postCorrection ?? true) ? corrected : readAsIs;
          const { best } = classifyDocument([ocrPage], templates, officer);
          const template = best ? templates.find((candidate) => candidate.id === best.templateId) : undefined;
          const extraction = template ? extractFields(template, [ocrPage], { today: new Date() }) : undefined;
          const typeRight = extraction?.type === entry.page.type;
          const fields = typeFields[entry.page.type].map((name) => ({
            name,
            expected: entry.page.fields[name] ?? null,
            got: typeRight ? (extraction?.fields[name] ?? null) : null,
            detail: typeRight ? extraction?.details.find((candidate) => candidate.name === name) : undefined,
          }));
          // Every field the template reads, also those the ground truth lacks (an optional legacy ID
          // no page prints): the model learns what a missing optional field is worth.
          const readFields = typeRight
            ? (extraction?.details ?? []).map((detail) => {
                const expected = entry.page.fields[detail.name] ?? null;
                return { detail, expected, right: (extraction?.fields[detail.name] ?? null) === expected };
              })
            : [];
          pages.push({
            entry,
            readAsIs,
            corrected,
            extractedFrom: ocrPage,
            classifiedAs: best?.key ?? null,
            template,
            extraction,
            fields,
            readFields,
          });
        }
  } finally {
    await engine.close();
  }
  return { pages, engineKey, pagesReadByEngine };
}

/** Whether every field of the ground truth was read exactly (a wrong type reads none). */
export function allRight(page: ReadCorpusPage): boolean {
  return page.fields.every((field) => field.got === field.expected);
}
