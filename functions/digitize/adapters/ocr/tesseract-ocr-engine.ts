/**
 * The default OCR engine: Tesseract (tesseract.js, WebAssembly) with the Vietnamese LSTM
 * model shipped beside this file. One worker per container, created on first use and kept:
 * loading the model costs far more than reading a page.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tesseract from 'tesseract.js';
import {
  ocrPageFrom,
  type OcrEngine,
  type OcrLine,
  type OcrPage,
  type OcrRequest,
  type OcrWord,
} from '../../core/ocr-engine.ts';
import { decodeImagePage } from './decode-image-page.ts';
import { OcrInputError } from '../../core/workflow-errors.ts';
import { preprocessPage, type GreyImage, type PreprocessedPage } from './preprocess-page.ts';
import { readPdfPage } from './read-pdf-page.ts';

export interface TesseractOcrEngineOptions {
  /**
   * Folder holding `<language>.traineddata` for each language.
   * @default the folder `tessdata/` beside this file (tessdata_fast `vie`, see its README)
   */
  tessdataDir?: string;
  /**
   * Tesseract languages, primary first. English is not added by default: with `vie+eng`
   * Tesseract reads Vietnamese capitals as English (ĐẶNG → DANG), see docs/ocr-models.md.
   * @default ['vie']
   */
  languages?: string[];
  /**
   * Denoise (noisy pages), scale (scans above 200 dpi) to 200 dpi, stretch the contrast of and
   * straighten pages before OCR (Tesseract binarises). Boxes are given in the scan's pixels.
   * @default true
   */
  preprocess?: boolean;
  /**
   * Resolution PDF pages without a text layer are rasterised at.
   * @default 300
   */
  pdfDpi?: number;
  /**
   * Largest page accepted, in pixels; larger PDF pages are rasterised smaller instead.
   * @default 40_000_000 (A4 at 600 dpi is 35 million)
   */
  maxPixels?: number;
  /**
   * A page still being read after this long ends the worker (it is rebuilt on the next call).
   * @default 120_000
   */
  pageTimeoutMs?: number;
}

const shippedTessdataDir = fileURLToPath(new URL('./tessdata', import.meta.url));

const workerParameters: Partial<Tesseract.WorkerParams> = {
  // Official papers mix a two-column header with label–value lines: let Tesseract find the blocks.
  tessedit_pageseg_mode: Tesseract.PSM.AUTO,
  // The PGM pages carry no resolution, and without one Tesseract guesses it from the glyphs; a
  // fixed value keeps its size heuristics the same for every page.
  user_defined_dpi: '300',
  // Tesseract prints progress notes ("Detected 94 diacritics") to stdout; logs stay JSON.
  debug_file: '/dev/null',
  // Tesseract reads a line again inverted when it is unsure, for white text on dark bands. Papers
  // print dark on light: the second reading cost ~5% of the time and changed no character
  // on the benchmark corpus.
  tessedit_do_invert: '0',
};

/**
 * Set when the model loads. The word lists steer the LSTM's search towards dictionary words;
 * the fields that matter (names, numbers, codes) are not in them, and without them the
 * benchmark pages read to the same character error rate ~5% faster.
 */
const initParameters: Partial<Tesseract.InitOptions> = { load_system_dawg: '0', load_freq_dawg: '0' };

export function createTesseractOcrEngine(options: TesseractOcrEngineOptions = {}): OcrEngine {
  const tessdataDir = options.tessdataDir ?? shippedTessdataDir;
  const languages = options.languages ?? ['vie'];
  const preprocess = options.preprocess ?? true;
  const pdfDpi = options.pdfDpi ?? 300;
  const maxPixels = options.maxPixels ?? 40_000_000;
  const pageTimeoutMs = options.pageTimeoutMs ?? 120_000;

  let worker: Promise<Tesseract.Worker> | undefined;
  // One page at a time: the worker is single-threaded, and queueing here keeps the timeout per page.
  let queue: Promise<unknown> = Promise.resolve();

  const startWorker = async (): Promise<Tesseract.Worker> => {
    // A model tesseract.js cannot read leaves its createWorker promise pending for ever
    // (7.0 swallows the load error), so a missing file is caught here first.
    await Promise.all(
      languages.map((code) =>
        access(join(tessdataDir, `${code}.traineddata`)).catch((err: unknown) => {
          throw new Error(`OCR model ${code}.traineddata is missing from ${tessdataDir}`, { cause: err });
        }),
      ),
    );
    const created = await Tesseract.createWorker(
      languages.join('+'),
      Tesseract.OEM.LSTM_ONLY,
      {
        // A local folder: tesseract.js reads it with fs. Left unset, it would download from a CDN.
        langPath: tessdataDir,
        gzip: false,
        // 'none': never write the models to the working directory (read-only on Lambda).
        cacheMethod: 'none',
        legacyCore: false,
        legacyLang: false,
        // Failed jobs reject their own promise; without a handler tesseract.js also throws
        // the failure from its message listener and takes the process down.
        errorHandler: () => undefined,
      },
      initParameters,
    );
    await created.setParameters(workerParameters);
    return created;
  };

  const getWorker = (): Promise<Tesseract.Worker> => {
    worker ??= startWorker().catch((err: unknown) => {
      worker = undefined;
      throw err;
    });
    return worker;
  };

  // Settles once every worker stopped so far (by close or by a timeout) has terminated.
  let stopped: Promise<void> = Promise.resolve();
  const stopWorker = (): Promise<void> => {
    const running = worker;
    worker = undefined;
    if (running) {
      const terminated = running.then(
        (ready) => ready.terminate().then(() => undefined),
        () => undefined,
      );
      stopped = Promise.all([stopped, terminated]).then(() => undefined);
    }
    return stopped;
  };

  const recognize = async (image: PreprocessedPage, pageNumber: number): Promise<OcrPage> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void stopWorker();
        reject(new Error(`OCR of page ${pageNumber} took longer than ${pageTimeoutMs} ms`));
      }, pageTimeoutMs);
    });
    try {
      // Starting the worker counts towards the page's time: a worker that never comes up must
      // fail the page, not hang the step.
      const ready = await Promise.race([getWorker(), timeout]);
      const { data } = await Promise.race([ready.recognize(toPgm(image), {}, { text: true, blocks: true }), timeout]);
      return toOcrPage(data, image, pageNumber);
    } finally {
      clearTimeout(timer);
    }
  };

  const loadPage = async (request: OcrRequest): Promise<OcrPage | GreyImage> => {
    if (request.contentType === 'application/pdf') {
      const content = await readPdfPage(request.bytes, { pageNumber: request.pageNumber, dpi: pdfDpi, maxPixels });
      return content.kind === 'text' ? content.page : content.image;
    }
    return decodeImagePage(request.bytes, request.contentType, request.pageNumber, maxPixels);
  };

  const recognizePage = async (request: OcrRequest): Promise<OcrPage> => {
    if (request.bytes.length === 0) throw new OcrInputError('the file is empty');
    const loaded = await loadPage(request);
    if ('source' in loaded) return loaded;
    const image = preprocess
      ? await preprocessPage(loaded)
      : { ...loaded, deskewAngle: 0, scan: { width: loaded.width, height: loaded.height } };
    return recognize(image, request.pageNumber);
  };

  return {
    name: 'tesseract',
    recognizePage(request) {
      const result = queue.then(() => recognizePage(request));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await stopWorker();
    },
  };
}

/**
 * The page as a binary PGM: a header on the raw grey bytes. Tesseract's image library reads it
 * without decompressing, where a PNG cost a deflate here and an inflate in WebAssembly.
 */
function toPgm(image: GreyImage): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'latin1'), image.data]);
}

/** Lines and words in the pixels of the page as scanned, whatever size it was read at. */
function toOcrPage(data: Tesseract.Page, image: PreprocessedPage, pageNumber: number): OcrPage {
  const box = scaleBox(image.scan.width / image.width, image.scan.height / image.height);
  const tessLines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
  const lines: OcrLine[] = tessLines
    .map((line) => ({
      text: line.text.normalize('NFC').trim(),
      confidence: line.confidence / 100,
      box: box(line.bbox),
    }))
    .filter((line) => line.text !== '');
  const words: OcrWord[] = tessLines
    .flatMap((line) => line.words)
    .map((word) => ({ text: word.text.normalize('NFC'), confidence: word.confidence / 100, box: box(word.bbox) }))
    .filter((word) => word.text.trim() !== '');
  return ocrPageFrom({ pageNumber, lines, words, ...image.scan, deskewAngle: image.deskewAngle });
}

function scaleBox(x: number, y: number): (bbox: Tesseract.Bbox) => OcrWord['box'] {
  return (bbox) => ({
    x0: Math.round(bbox.x0 * x),
    y0: Math.round(bbox.y0 * y),
    x1: Math.round(bbox.x1 * x),
    y1: Math.round(bbox.y1 * y),
  });
}
