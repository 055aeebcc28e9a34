import type { OcrPage, OcrWord } from '../../digitize/core/ocr-engine.ts';

/**
 * OCR lines as extraction reads them: NFC text with single spaces, and the confidence of the
 * word behind every character, so that any slice of a line (a value after a label, a pattern's
 * match) knows how sure the engine was of it.
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface TextSpan {
  text: string;
  /** One per UTF-16 unit of `text`; 1 for the spaces between words. */
  confidences: number[];
}

export interface TextLine extends TextSpan {
  pageNumber: number;
  /** Null when the engine gave the line no usable box; neighbours are then found by order. */
  box: Box | null;
}

export function sliceSpan(span: TextSpan, start: number, end: number): TextSpan {
  return { text: span.text.slice(start, end), confidences: span.confidences.slice(start, end) };
}

export function joinSpans(spans: TextSpan[]): TextSpan {
  const joined: TextSpan = { text: '', confidences: [] };
  for (const span of spans) {
    if (joined.text.length > 0) appendSpan(joined, ' ', 1);
    joined.text += span.text;
    joined.confidences.push(...span.confidences);
  }
  return joined;
}

/** The engine's confidence in a span: that of its least certain word (1 for an empty span). */
export function spanConfidence(span: TextSpan): number {
  let lowest = 1;
  for (let i = 0; i < span.text.length; i += 1) {
    if (!/\s/.test(span.text[i] ?? ' ')) lowest = Math.min(lowest, span.confidences[i] ?? 0);
  }
  return lowest;
}

/** The mean confidence of a span's characters, spaces left out (1 for an empty span). */
export function spanMeanConfidence(span: TextSpan): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < span.text.length; i += 1) {
    if (/\s/.test(span.text[i] ?? ' ')) continue;
    sum += span.confidences[i] ?? 0;
    count += 1;
  }
  return count === 0 ? 1 : sum / count;
}

function appendSpan(span: TextSpan, text: string, confidence: number): void {
  span.text += text;
  for (let i = 0; i < text.length; i += 1) span.confidences.push(confidence);
}

function spanOfTokens(tokens: Array<{ text: string; confidence: number }>): TextSpan {
  const span: TextSpan = { text: '', confidences: [] };
  for (const token of tokens) {
    if (span.text.length > 0) appendSpan(span, ' ', 1);
    appendSpan(span, token.text.normalize('NFC'), token.confidence);
  }
  return span;
}

function hasArea(box: Box): boolean {
  return box.x1 > box.x0 && box.y1 > box.y0;
}

function centreInside(word: OcrWord, box: Box): boolean {
  const x = (word.box.x0 + word.box.x1) / 2;
  const y = (word.box.y0 + word.box.y1) / 2;
  return x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1;
}

/**
 * The page's lines in the engine's reading order, each cut into its columns (see
 * `splitColumns`). A line's tokens take the confidence of the words inside its box when they
 * pair up one to one, else the line's own confidence. A page without lines (an engine that only
 * gives text) is split on newlines.
 */
export function pageLines(page: OcrPage): TextLine[] {
  if (page.lines.length === 0) {
    return page.text
      .split('\n')
      .map((text) => ({
        ...spanOfTokens(tokensOf(text).map((token) => ({ text: token, confidence: page.confidence }))),
        pageNumber: page.pageNumber,
        box: null,
      }))
      .filter((line) => line.text.length > 0);
  }
  return page.lines
    .flatMap((line) => {
      const tokens = tokensOf(line.text);
      const box = hasArea(line.box) ? line.box : null;
      const words = box ? page.words.filter((word) => centreInside(word, box)).sort((a, b) => a.box.x0 - b.box.x0) : [];
      if (box && words.length === tokens.length && words.length > 0) {
        return splitColumns(words.map((word, i) => ({ ...word, text: tokens[i] ?? word.text }))).map((column) => ({
          ...spanOfTokens(column),
          pageNumber: page.pageNumber,
          box: boxAround(column),
        }));
      }
      const span = spanOfTokens(tokens.map((text) => ({ text, confidence: line.confidence })));
      return [{ ...span, pageNumber: page.pageNumber, box }];
    })
    .filter((line) => line.text.length > 0);
}

/**
 * A gap wider than this many word heights separates two columns: the header's agency | motto
 * and number | place-and-date, a table's label | value cells. Words of one sentence, even
 * justified or set apart as two short labelled values, stand closer.
 */
const columnGap = 3;

/**
 * Cuts a line's words (left to right) where the gap between two of them is a column gap. The
 * engine often reads a row of a two-column header as one line; cut, each column reads as the
 * form prints it, so a value after a label ends at its column and a place-and-date line is one.
 */
function splitColumns(words: OcrWord[]): OcrWord[][] {
  const heights = words.map((word) => word.box.y1 - word.box.y0).sort((a, b) => a - b);
  const height = heights[Math.floor(heights.length / 2)] ?? 0;
  const columns: OcrWord[][] = [];
  for (const word of words) {
    const column = columns.at(-1);
    const previous = column?.at(-1);
    if (column && previous && word.box.x0 - previous.box.x1 <= columnGap * height) column.push(word);
    else columns.push([word]);
  }
  return columns;
}

function boxAround(words: OcrWord[]): Box {
  return {
    x0: Math.min(...words.map((word) => word.box.x0)),
    y0: Math.min(...words.map((word) => word.box.y0)),
    x1: Math.max(...words.map((word) => word.box.x1)),
    y1: Math.max(...words.map((word) => word.box.y1)),
  };
}

function tokensOf(text: string): string[] {
  return text.split(/\s+/).filter((token) => token.length > 0);
}

/** The words whose centres fall in a zone given in fractions of the page, as rows top to bottom. */
export function zoneLines(page: OcrPage, zone: Box): TextLine[] {
  const area = {
    x0: zone.x0 * page.width,
    y0: zone.y0 * page.height,
    x1: zone.x1 * page.width,
    y1: zone.y1 * page.height,
  };
  const words = page.words
    .filter((word) => centreInside(word, area))
    .sort((a, b) => a.box.y0 + a.box.y1 - (b.box.y0 + b.box.y1));
  const rows: OcrWord[][] = [];
  for (const word of words) {
    const row = rows.at(-1);
    const centre = (word.box.y0 + word.box.y1) / 2;
    if (row && row.some((other) => centre >= other.box.y0 && centre <= other.box.y1)) row.push(word);
    else rows.push([word]);
  }
  return rows.map((row) => {
    const sorted = row.sort((a, b) => a.box.x0 - b.box.x0);
    return {
      ...spanOfTokens(sorted.map((word) => ({ text: word.text, confidence: word.confidence }))),
      pageNumber: page.pageNumber,
      box: boxAround(sorted),
    };
  });
}

/**
 * The line right below (or above) `line` in the same column: it overlaps horizontally and the
 * gap is at most 1.5 line heights, the spacing of a wrapped value rather than of the next
 * block. Without boxes, the next (or previous) line in reading order.
 */
export function neighbourLine(lines: TextLine[], line: TextLine, direction: 'below' | 'above'): TextLine | undefined {
  const { box } = line;
  if (!box) {
    const index = lines.indexOf(line) + (direction === 'below' ? 1 : -1);
    const neighbour = lines[index];
    return neighbour?.pageNumber === line.pageNumber ? neighbour : undefined;
  }
  const height = box.y1 - box.y0;
  const candidates = lines.filter((other) => {
    if (other === line || other.pageNumber !== line.pageNumber || !other.box) return false;
    const overlaps = other.box.x0 < box.x1 && other.box.x1 > box.x0;
    const gap = direction === 'below' ? other.box.y0 - box.y1 : box.y0 - other.box.y1;
    const beyondMiddle =
      direction === 'below' ? other.box.y0 >= box.y0 + height / 2 : other.box.y1 <= box.y1 - height / 2;
    return overlaps && beyondMiddle && gap <= 1.5 * height;
  });
  const distance = (other: TextLine) => Math.abs((other.box?.y0 ?? 0) - box.y0);
  return candidates.sort((a, b) => distance(a) - distance(b))[0];
}

/**
 * The nearest line beside `line` in its row, to its right (the next cell, or the other column)
 * or its left: its vertical middle lies within `line`'s height. None without boxes.
 */
export function rowNeighbour(lines: TextLine[], line: TextLine, direction: 'right' | 'left'): TextLine | undefined {
  const { box } = line;
  if (!box) return undefined;
  const candidates = lines.filter((other) => {
    if (other === line || other.pageNumber !== line.pageNumber || !other.box) return false;
    const middle = (other.box.y0 + other.box.y1) / 2;
    const beside = direction === 'right' ? other.box.x0 >= box.x1 : other.box.x1 <= box.x0;
    return beside && middle >= box.y0 && middle <= box.y1;
  });
  const distance = (other: TextLine) =>
    direction === 'right' ? (other.box?.x0 ?? 0) - box.x1 : box.x0 - (other.box?.x1 ?? 0);
  return candidates.sort((a, b) => distance(a) - distance(b))[0];
}
