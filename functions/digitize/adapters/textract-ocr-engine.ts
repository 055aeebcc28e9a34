/**
 * Amazon Textract as an OCR engine, for documents in languages Textract reads (it has no
 * Vietnamese: it drops the diacritics). DetectDocumentText is synchronous and takes one
 * page, so a page of a multi-page PDF or TIFF is cut out and sent alone.
 */
import {
  DetectDocumentTextCommand,
  TextractServiceException,
  type Block,
  type BoundingBox,
  type TextractClient,
} from '@aws-sdk/client-textract';
import { PDFDocument } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import {
  ocrPageFrom,
  type OcrEngine,
  type OcrLine,
  type OcrPage,
  type OcrRequest,
  type OcrWord,
} from '../core/ocr-engine.ts';
import { inspectScan } from '../core/scan-validation.ts';
import { OcrInputError } from '../core/workflow-errors.ts';

export interface TextractOcrEngineOptions {
  textract: TextractClient;
  /**
   * Scale PDF page sizes (points) are turned into pixels at, so boxes match a 300 dpi scan
   * as the Tesseract engine reports them.
   * @default 300
   */
  pdfDpi?: number;
}

/** Textract's limit for a document sent inline to the synchronous API. */
const maxInlineBytes = 10 * 1024 * 1024;

// Textract's answers about the document itself; anything else (throttling, 5xx) is transient.
const documentErrors = new Set([
  'BadDocumentException',
  'DocumentTooLargeException',
  'InvalidParameterException',
  'UnsupportedDocumentException',
]);

interface SinglePage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

async function singlePdfPage(bytes: Uint8Array, pageNumber: number, dpi: number): Promise<SinglePage> {
  // The upload gate's checks (encryption in its many spellings, damage, empty page tree).
  const inspection = await inspectScan(bytes, 'application/pdf', {
    maxPixels: Number.MAX_SAFE_INTEGER,
    maxPages: Number.MAX_SAFE_INTEGER,
  });
  if (!inspection.ok) throw new OcrInputError(inspection.detail);
  const count = inspection.pageCount;
  if (pageNumber < 1 || pageNumber > count) {
    throw new OcrInputError(`the PDF has ${count} page(s); page ${pageNumber} does not exist`);
  }
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const page = pdf.getPage(pageNumber - 1);
  const { width, height } = page.getSize();
  const turned = page.getRotation().angle % 180 !== 0;
  const scale = dpi / 72;
  const size = {
    width: Math.round((turned ? height : width) * scale),
    height: Math.round((turned ? width : height) * scale),
  };
  if (count === 1) return { bytes, ...size };
  const alone = await PDFDocument.create();
  const [copy] = await alone.copyPages(pdf, [pageNumber - 1]);
  if (copy) alone.addPage(copy);
  return { bytes: await alone.save(), ...size };
}

async function singleImagePage(bytes: Uint8Array, pageNumber: number): Promise<SinglePage> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (err) {
    throw new OcrInputError('the image is corrupt or unreadable', { cause: err });
  }
  const pages = metadata.pages ?? 1;
  if (pageNumber < 1 || pageNumber > pages) {
    throw new OcrInputError(`the image has ${pages} page(s); page ${pageNumber} does not exist`);
  }
  if (pages === 1) return { bytes, width: metadata.width, height: metadata.height };
  const { data, info } = await sharp(bytes, { page: pageNumber - 1 })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

export function createTextractOcrEngine(options: TextractOcrEngineOptions): OcrEngine {
  const { textract } = options;
  const pdfDpi = options.pdfDpi ?? 300;

  return {
    name: 'textract',
    async recognizePage(request: OcrRequest): Promise<OcrPage> {
      if (request.bytes.length === 0) throw new OcrInputError('the file is empty');
      const page =
        request.contentType === 'application/pdf'
          ? await singlePdfPage(request.bytes, request.pageNumber, pdfDpi)
          : await singleImagePage(request.bytes, request.pageNumber);
      if (page.bytes.length > maxInlineBytes) {
        throw new OcrInputError(`the page is larger than Textract accepts (${maxInlineBytes} bytes)`);
      }
      try {
        const response = await textract.send(new DetectDocumentTextCommand({ Document: { Bytes: page.bytes } }));
        return toOcrPage(response.Blocks ?? [], page, request.pageNumber);
      } catch (err) {
        if (err instanceof TextractServiceException && documentErrors.has(err.name)) {
          throw new OcrInputError(`Textract cannot read the page (${err.name})`, { cause: err });
        }
        throw err;
      }
    },
    // Textract holds nothing open between calls; the client is shared and not ours to close.
    async close() {},
  };
}

/** Maps Textract's LINE and WORD blocks (ratios of the page, confidence 0..100) to pixels and 0..1. */
export function toOcrPage(
  blocks: readonly Block[],
  size: { width: number; height: number },
  pageNumber: number,
): OcrPage {
  const box = (bounds: BoundingBox | undefined): OcrWord['box'] => {
    const left = bounds?.Left ?? 0;
    const top = bounds?.Top ?? 0;
    return {
      x0: Math.round(left * size.width),
      y0: Math.round(top * size.height),
      x1: Math.round((left + (bounds?.Width ?? 0)) * size.width),
      y1: Math.round((top + (bounds?.Height ?? 0)) * size.height),
    };
  };
  const read = (block: Block) => ({
    text: (block.Text ?? '').normalize('NFC'),
    confidence: (block.Confidence ?? 0) / 100,
    box: box(block.Geometry?.BoundingBox),
  });
  // LINE blocks come in reading order; the page's WORD blocks follow them all, so words are
  // put in order through each line's CHILD relationship.
  const lineBlocks = blocks.filter((block) => block.BlockType === 'LINE');
  const wordBlocks = blocks.filter((block) => block.BlockType === 'WORD');
  const wordsById = new Map(wordBlocks.map((block) => [block.Id, block]));
  const childIds = lineBlocks.flatMap((line) =>
    (line.Relationships ?? []).filter((r) => r.Type === 'CHILD').flatMap((r) => r.Ids ?? []),
  );
  const inLines = childIds.flatMap((id) => wordsById.get(id) ?? []);
  const orphans = wordBlocks.filter((block) => !childIds.includes(block.Id ?? ''));
  const lines: OcrLine[] = lineBlocks.map(read);
  const words: OcrWord[] = [...inLines, ...orphans].map(read);
  // Textract reads skewed pages as they are and reports boxes on the page as sent.
  return ocrPageFrom({ pageNumber, lines, words, width: size.width, height: size.height, deskewAngle: 0 });
}
