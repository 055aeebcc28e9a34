import type { OcrPage } from '../../digitize/core/ocr-engine.ts';
import { LabelFinder } from './label-finder.ts';
import { normalisers, type FieldValue } from './normalisers.ts';
import {
  joinSpans,
  neighbourLine,
  pageLines,
  sliceSpan,
  spanConfidence,
  zoneLines,
  type TextLine,
  type TextSpan,
} from './ocr-lines.ts';
import { compilePattern, matchPattern } from './safe-pattern.ts';
import { pagesRead, type RecognitionTemplate, type TemplateField } from './template-model.ts';
import { foldWithOffsets, originalRange } from './text-folding.ts';

export interface ExtractedField {
  name: string;
  required: boolean;
  /** Normalised; null when the field was not found or did not normalise. */
  value: FieldValue | null;
  /** The text the value was read from, or the first candidate that failed to normalise. */
  raw: string | null;
  /** 0..1; 0 when the field is missing. */
  confidence: number;
}

export interface Extraction {
  templateId: string;
  templateVersion: number;
  /** The document type: the template's key. */
  type: string;
  /** The values found, keyed by field name. */
  fields: Record<string, FieldValue>;
  details: ExtractedField[];
  /** The least confidence among required fields (0 if one is missing). */
  confidence: number;
}

/** A value repaired or chosen between readings by its normaliser is that much less certain. */
const adjustedFactor = 0.9;

/**
 * Reads a template's fields from OCR pages. For each field, candidates are tried in reading
 * order until one normalises: the text after each of its labels (or below, or above), each
 * line its pattern matches, or its zone. A field's confidence is the OCR confidence of its
 * least certain word × 0.9 when the normaliser had to repair or guess.
 * The template must have passed `recognitionTemplateSchema` (its patterns are vetted there).
 */
export function extractFields(template: RecognitionTemplate, pages: OcrPage[]): Extraction {
  const read = pages.slice(0, pagesRead);
  const lines = read.flatMap(pageLines);
  const finder = new LabelFinder(template);
  const details = template.fields.map((field) => extractField(field, fieldLines(field, read, lines), finder));
  const fields: Record<string, FieldValue> = {};
  for (const detail of details) if (detail.value !== null) fields[detail.name] = detail.value;
  const counted = details.some((detail) => detail.required)
    ? details.filter((detail) => detail.required)
    : details.filter((detail) => detail.value !== null);
  return {
    templateId: template.id,
    templateVersion: template.version,
    type: template.key,
    fields,
    details,
    confidence: counted.length === 0 ? 0 : Math.min(...counted.map((detail) => detail.confidence)),
  };
}

function fieldLines(field: TemplateField, pages: OcrPage[], lines: TextLine[]): TextLine[] {
  if (!field.zone) return lines;
  const page = pages.find((candidate) => candidate.pageNumber === (field.zone?.page ?? 1));
  return page ? zoneLines(page, field.zone) : [];
}

function extractField(field: TemplateField, lines: TextLine[], finder: LabelFinder): ExtractedField {
  const pattern = field.pattern === undefined ? undefined : compilePattern(field.pattern);
  const normalise = normalisers[field.normaliser];
  let raw: string | null = null;
  for (const candidate of candidates(field, lines, finder)) {
    const value = pattern ? applyPattern(pattern, candidate) : candidate;
    if (!value) continue;
    raw ??= value.text;
    const normalised = normalise(value.text);
    if (!normalised) continue;
    const confidence = spanConfidence(value) * (normalised.adjusted ? adjustedFactor : 1);
    return { name: field.name, required: field.required, value: normalised.value, raw: value.text, confidence };
  }
  return { name: field.name, required: field.required, value: null, raw, confidence: 0 };
}

function* candidates(field: TemplateField, lines: TextLine[], finder: LabelFinder): Generator<TextSpan> {
  if (field.labels) {
    const labels = new Set(field.labels);
    for (const line of lines) {
      for (const occurrence of finder.occurrences(line)) {
        if (!labels.has(occurrence.label)) continue;
        const value =
          field.valueAt === 'above'
            ? valueAbove(line, lines, finder)
            : valueAfter(line, occurrence.end, lines, finder, field.maxLines ?? 1);
        if (value) yield value;
      }
    }
  } else if (field.pattern) {
    yield* lines;
  } else {
    yield joinSpans(lines);
  }
}

/**
 * The text after a label: up to the next label on the same line; else to the end of the line
 * and down the wrapped lines below; or, when the label stands alone, the line below it.
 */
function valueAfter(
  line: TextLine,
  from: number,
  lines: TextLine[],
  finder: LabelFinder,
  maxLines: number,
): TextSpan | null {
  const next = finder.occurrences(line).find((occurrence) => occurrence.start >= from);
  if (next) return nonEmpty(trimSeparators(sliceSpan(line, from, next.start), true));
  const rest = sliceSpan(line, from, line.text.length);
  let parts = [rest];
  let last = line;
  if (trimSeparators(rest, false).text.length === 0) {
    const below = neighbourLine(lines, line, 'below');
    if (!below) return null;
    if (finder.occurrences(below).length > 0) return nonEmpty(textBeforeLabels(below, finder));
    parts = [below];
    last = below;
  }
  while (parts.length < maxLines) {
    const below = neighbourLine(lines, last, 'below');
    if (!below || finder.occurrences(below).length > 0) break;
    parts.push(below);
    last = below;
  }
  return nonEmpty(trimSeparators(joinSpans(parts), false));
}

function valueAbove(line: TextLine, lines: TextLine[], finder: LabelFinder): TextSpan | null {
  const above = neighbourLine(lines, line, 'above');
  return above ? nonEmpty(textBeforeLabels(above, finder)) : null;
}

function nonEmpty(span: TextSpan): TextSpan | null {
  return span.text.length > 0 ? span : null;
}

function textBeforeLabels(line: TextLine, finder: LabelFinder): TextSpan {
  const first = finder.occurrences(line)[0];
  return trimSeparators(sliceSpan(line, 0, first?.start ?? line.text.length), first !== undefined);
}

/**
 * Drops the colon after a label and stray separators around a value; before a following label,
 * also that label's list mark ('15/03/1990 3. Giới tính', 'b) Mức phạt').
 */
function trimSeparators(span: TextSpan, beforeLabel: boolean): TextSpan {
  const lead = /^[\s:;.,|/\-–—]*/.exec(span.text)?.[0].length ?? 0;
  const rest = span.text.slice(lead);
  const trailing = beforeLabel ? /(?:(?:^|\s+)(?:\d{1,2}|[a-zđ])[.)])?[\s:;,|/\-–—(]*$/ : /[\s:;,|/\-–—]*$/;
  const tail = trailing.exec(rest)?.[0].length ?? 0;
  return sliceSpan(span, lead, span.text.length - tail);
}

function applyPattern(pattern: RegExp, span: TextSpan): TextSpan | null {
  const folded = foldWithOffsets(span.text, 'characters');
  const match = matchPattern(pattern, folded.text);
  if (!match || match.end <= match.start) return null;
  const { start, end } = originalRange(folded, match.start, match.end);
  return sliceSpan(span, start, end);
}
