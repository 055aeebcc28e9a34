import type { OcrPage } from '../../../functions/digitize/core/ocr-engine.ts';

// OCR pages as the engine returns them: an A4 page at 150 dpi, one OcrLine per column
// segment, words boxed at a fixed advance, confidence 0.96 unless a test says otherwise.
const charWidth = 12;
const lineHeight = 30;
const defaultConfidence = 0.96;

export interface LineSpec {
  y: number;
  x: number;
  text: string;
  /** Confidence of particular words of the line. */
  confidences?: Record<string, number>;
}

export function ocrPage(specs: LineSpec[], pageNumber = 1): OcrPage {
  const lines: OcrPage['lines'] = [];
  const words: OcrPage['words'] = [];
  for (const spec of specs) {
    const lineWords = [...spec.text.matchAll(/\S+/g)].map((match) => {
      const x0 = spec.x + (match.index ?? 0) * charWidth;
      return {
        text: match[0],
        confidence: spec.confidences?.[match[0]] ?? defaultConfidence,
        box: { x0, y0: spec.y, x1: x0 + match[0].length * charWidth, y1: spec.y + lineHeight },
      };
    });
    words.push(...lineWords);
    lines.push({
      text: spec.text,
      confidence: lineWords.reduce((sum, word) => sum + word.confidence, 0) / lineWords.length,
      box: { x0: spec.x, y0: spec.y, x1: spec.x + spec.text.length * charWidth, y1: spec.y + lineHeight },
    });
  }
  return {
    pageNumber,
    text: specs.map((spec) => spec.text).join('\n'),
    confidence: defaultConfidence,
    lines,
    words,
    width: 1240,
    height: 1754,
    source: 'ocr',
    deskewAngle: 0,
  };
}

/**
 * The page as Tesseract often reads a two-column header: the lines that share a row become one
 * OcrLine, left to right, whose box spans both columns (the words keep their own boxes).
 */
export function mergeRows(page: OcrPage): OcrPage {
  const rows = new Map<number, OcrPage['lines']>();
  for (const line of page.lines) rows.set(line.box.y0, [...(rows.get(line.box.y0) ?? []), line]);
  const lines = [...rows.values()].map((row) => {
    const sorted = row.sort((a, b) => a.box.x0 - b.box.x0);
    return {
      text: sorted.map((line) => line.text).join(' '),
      confidence: Math.min(...sorted.map((line) => line.confidence)),
      box: {
        x0: Math.min(...sorted.map((line) => line.box.x0)),
        y0: Math.min(...sorted.map((line) => line.box.y0)),
        x1: Math.max(...sorted.map((line) => line.box.x1)),
        y1: Math.max(...sorted.map((line) => line.box.y1)),
      },
    };
  });
  return { ...page, lines, text: lines.map((line) => line.text).join('\n') };
}
