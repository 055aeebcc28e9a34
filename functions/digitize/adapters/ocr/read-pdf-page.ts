/**
 * One page of a PDF, either as its own text (when the page has a text layer) or as a
 * greyscale image rasterised for OCR. pdfjs-dist's legacy build is the one that runs on
 * Node 20; @napi-rs/canvas is its canvas.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Util, getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as pdfjsWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import type { OcrLine, OcrPage, OcrWord } from '../../core/ocr-engine.ts';
import { inspectScan } from '../../core/scan-validation.ts';
import { OcrInputError } from '../../core/workflow-errors.ts';
import { greyWithoutColourInks } from './drop-colour-inks.ts';
import type { GreyImage } from './preprocess-page.ts';

// pdfjs runs its parser in this thread when it finds the worker module here, instead of
// importing the worker file by a relative path (which breaks once the code is bundled).
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfjsWorker;

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * A page with fewer characters of text than this is read as a scan: scanners stamp a page
 * number or a file name as text on image pages, and that is not the page's content.
 */
const minTextLayerCharacters = 16;

export type PdfPageContent = { kind: 'text'; page: OcrPage } | { kind: 'image'; image: GreyImage };

export interface ReadPdfPageOptions {
  pageNumber: number;
  dpi: number;
  /** The rasterised page is scaled down to stay within this many pixels. */
  maxPixels: number;
}

async function openPdf(bytes: Uint8Array, maxPixels: number): Promise<PDFDocumentProxy> {
  try {
    return await getDocument({
      // pdfjs may detach the buffer it is given; the caller's bytes stay intact.
      data: Uint8Array.from(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      enableXfa: false,
      maxImageSize: maxPixels,
      verbosity: 0,
      // Local files: nothing is fetched at run time.
      standardFontDataUrl: `${join(pdfjsRoot, 'standard_fonts')}/`,
      cMapUrl: `${join(pdfjsRoot, 'cmaps')}/`,
      cMapPacked: true,
    }).promise;
  } catch (err) {
    throw new OcrInputError('the PDF is damaged and cannot be read', { cause: err });
  }
}

export async function readPdfPage(bytes: Uint8Array, options: ReadPdfPageOptions): Promise<PdfPageContent> {
  // The upload gate's structural checks first: pdfjs recovers too much (an empty page tree
  // opens as one blank page) to tell a broken or encrypted file from a real one.
  const inspection = await inspectScan(bytes, 'application/pdf', {
    maxPixels: Number.MAX_SAFE_INTEGER,
    maxPages: Number.MAX_SAFE_INTEGER,
  });
  if (!inspection.ok) throw new OcrInputError(inspection.detail);
  if (options.pageNumber < 1 || options.pageNumber > inspection.pageCount) {
    throw new OcrInputError(`the PDF has ${inspection.pageCount} page(s); page ${options.pageNumber} does not exist`);
  }
  const pdf = await openPdf(bytes, options.maxPixels);
  try {
    const page = await pdf.getPage(options.pageNumber).catch((err: unknown) => {
      throw new OcrInputError(`page ${options.pageNumber} of the PDF is corrupt`, { cause: err });
    });
    const scale = options.dpi / 72;
    const text = await readTextLayer(page, scale, options.pageNumber);
    if (text) return { kind: 'text', page: text };
    return { kind: 'image', image: await renderPage(page, scale, options.maxPixels) };
  } finally {
    await pdf.destroy();
  }
}

async function readTextLayer(page: PDFPageProxy, scale: number, pageNumber: number): Promise<OcrPage | undefined> {
  const viewport = page.getViewport({ scale });
  const content = await page.getTextContent();
  const items = content.items.filter((item): item is TextItem => 'str' in item && item.str.trim() !== '');
  const characters = items.reduce((sum, item) => sum + item.str.replace(/\s/gu, '').length, 0);
  if (characters < minTextLayerCharacters) return undefined;

  // Device-space runs: x and baseline y in pixels of the page at `scale`, top-left origin.
  const runs = items.map((item) => {
    const [, , c, d, x, baseline] = Util.transform(viewport.transform, item.transform) as number[];
    const size = Math.hypot(c ?? 0, d ?? 0);
    return { text: item.str.normalize('NFC'), x: x ?? 0, baseline: baseline ?? 0, size, width: item.width * scale };
  });
  runs.sort((a, b) => a.baseline - b.baseline || a.x - b.x);

  const grouped: (typeof runs)[] = [];
  for (const run of runs) {
    const line = grouped.at(-1);
    const first = line?.[0];
    if (line && first && Math.abs(run.baseline - first.baseline) < first.size * 0.5) line.push(run);
    else grouped.push([run]);
  }

  const words: OcrWord[] = [];
  const lines: OcrLine[] = grouped.map((line) => {
    line.sort((a, b) => a.x - b.x);
    let text = '';
    for (const run of line) {
      words.push(...splitRun(run));
      text += text === '' || /\s$/u.test(text) || /^\s/u.test(run.text) ? run.text : ` ${run.text}`;
    }
    const x0 = Math.min(...line.map((r) => r.x));
    const x1 = Math.max(...line.map((r) => r.x + r.width));
    const size = Math.max(...line.map((r) => r.size));
    const baseline = line[0]?.baseline ?? 0;
    return { text: text.replace(/\s+/gu, ' ').trim(), confidence: 1, box: textBox(x0, x1, baseline, size) };
  });

  return {
    pageNumber,
    text: lines.map((line) => line.text).join('\n'),
    confidence: 1,
    lines,
    words,
    width: Math.round(viewport.width),
    height: Math.round(viewport.height),
    source: 'text-layer',
    deskewAngle: 0,
  };
}

/** A text run's glyph positions are not exposed, so its words share its width by length. */
function splitRun(run: { text: string; x: number; baseline: number; size: number; width: number }): OcrWord[] {
  const perChar = run.text.length === 0 ? 0 : run.width / run.text.length;
  const words: OcrWord[] = [];
  for (const match of run.text.matchAll(/\S+/gu)) {
    const x0 = run.x + (match.index ?? 0) * perChar;
    words.push({
      text: match[0],
      confidence: 1,
      box: textBox(x0, x0 + match[0].length * perChar, run.baseline, run.size),
    });
  }
  return words;
}

/** Ascent and descent as typical Latin fonts have them (0.8 and 0.2 of the size). */
function textBox(x0: number, x1: number, baseline: number, size: number): OcrWord['box'] {
  return {
    x0: Math.round(x0),
    y0: Math.round(baseline - size * 0.8),
    x1: Math.round(x1),
    y1: Math.round(baseline + size * 0.2),
  };
}

async function renderPage(page: PDFPageProxy, scale: number, maxPixels: number): Promise<GreyImage> {
  const natural = page.getViewport({ scale: 1 });
  const fit = Math.min(scale, Math.sqrt(maxPixels / (natural.width * natural.height)));
  const viewport = page.getViewport({ scale: fit });
  const width = Math.floor(viewport.width);
  const height = Math.floor(viewport.height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  try {
    await page.render({ canvasContext: context as never, viewport, background: '#ffffff' }).promise;
  } catch (err) {
    throw new OcrInputError(`page ${page.pageNumber} of the PDF cannot be rendered`, { cause: err });
  }
  const rgba = context.getImageData(0, 0, width, height).data;
  // A scanned PDF holds the scan in colour as often as not: its seal and pen inks drop here too.
  const grey = await greyWithoutColourInks(
    Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength),
    width,
    height,
    4,
  );
  return { ...grey, dpi: fit * 72 };
}
