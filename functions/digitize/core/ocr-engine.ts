import type { ScanContentType } from './scan-validation.ts';

/** A recognised word with where it sits on the page (pixels of the page image). */
export interface OcrWord {
  text: string;
  /** 0..1 */
  confidence: number;
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface OcrLine {
  text: string;
  confidence: number;
  box: { x0: number; y0: number; x1: number; y1: number };
}

/** One page as read: from the PDF's own text layer, or by OCR of the page image. */
export interface OcrPage {
  /** 1-based. */
  pageNumber: number;
  text: string;
  /** Mean word confidence, 0..1 (1 for a text layer). */
  confidence: number;
  lines: OcrLine[];
  words: OcrWord[];
  width: number;
  height: number;
  source: 'text-layer' | 'ocr';
  /** Degrees the page was rotated by to straighten it (0 when not deskewed). */
  deskewAngle: number;
}

export interface OcrRequest {
  bytes: Uint8Array;
  contentType: ScanContentType;
  /** 1-based page of a PDF or multi-page TIFF. */
  pageNumber: number;
}

/**
 * Reads one page of a scan. Implementations keep their engine warm between calls (one
 * worker per container); `close` releases it.
 */
export interface OcrEngine {
  readonly name: string;
  recognizePage(request: OcrRequest): Promise<OcrPage>;
  close(): Promise<void>;
}

/** An OCR'd page from its lines and words: the text is the lines in reading order, the confidence the words' mean. */
export function ocrPageFrom(parts: {
  pageNumber: number;
  lines: OcrLine[];
  words: OcrWord[];
  width: number;
  height: number;
  deskewAngle: number;
}): OcrPage {
  const { words } = parts;
  return {
    ...parts,
    text: parts.lines.map((line) => line.text).join('\n'),
    confidence: words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
    source: 'ocr',
  };
}
