import type { OcrPage } from '../../digitize/core/ocr-engine.ts';
import { LabelFinder } from './label-finder.ts';
import { normalisers, type FieldValue, type NormalisedValue } from './normalisers.ts';
import {
  joinSpans,
  neighbourLine,
  pageLines,
  rowNeighbour,
  sliceSpan,
  spanConfidence,
  spanMeanConfidence,
  zoneLines,
  type TextLine,
  type TextSpan,
} from './ocr-lines.ts';
import { repairCode } from './code-confusions.ts';
import {
  amountsInWords,
  crossCheck,
  validateValue,
  vietnamDate,
  type FieldValidation,
  type ValidationContext,
} from './field-validators.ts';
import { PageLayout } from './page-layout.ts';
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
  /** What the field type's validator said of the value (field-validators.ts); unchecked when missing. */
  validation: FieldValidation;
  /** How the value was found; null when it was not. */
  foundBy: FoundBy | null;
  /** The engine's confidence in the value's words: the least certain one and the mean (0 when missing). */
  recognition: { least: number; mean: number };
  /** The normaliser, the field's shape or the validator repaired the reading or chose between readings. */
  adjusted: boolean;
  /** Lines the value was read from (more than 1 when it continued below its label's line). */
  lines: number;
  /** Other candidates (other labels, layout and body) that also normalised: same value or not. */
  agreement: { agreeing: number; disagreeing: number };
}

/** Where a value came from: after a label (exact, or approximate with its edit ratio), or elsewhere. */
export type FoundBy =
  { kind: 'label'; label: string; editRatio: number } | { kind: 'layout' | 'pattern' | 'zone' | 'text' };

interface Candidate {
  span: TextSpan;
  foundBy: FoundBy;
  lines: number;
}

/** Candidates read past the chosen one to see whether they agree with it; bounded for long pages. */
const agreementCandidates = 8;

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

export interface ExtractionOptions {
  /** The instant of reading: dates are checked against Vietnam's date at it (issued ≤ today ≤ expiry). */
  today?: Date;
}

/**
 * A value repaired or chosen between readings by its normaliser or validator is that much less
 * certain; so is a word digitize's post-correction repaired.
 */
export const adjustedFactor = 0.9;

/**
 * Reads a template's fields from OCR pages. For each field, candidates are tried in reading
 * order until one normalises: its place in the page layout (issuing agency), then the text
 * after each of its labels (or below, or above), each line its pattern matches, or its zone.
 * Each value is checked by its type's validator: a candidate it finds invalid gives way to a
 * later valid one, and is kept, marked invalid, when none is. Checks between fields (dates
 * against each other and today, a personal ID's birth year) run once all fields are read.
 * A field's confidence is the OCR confidence of its least certain word × 0.9 when the
 * normaliser, the field's shape or the validator had to repair or guess.
 * The template must have passed `recognitionTemplateSchema` (its patterns are vetted there).
 */
export function extractFields(
  template: RecognitionTemplate,
  pages: OcrPage[],
  options: ExtractionOptions = {},
): Extraction {
  const read = pages.slice(0, pagesRead);
  const lines = read.flatMap(pageLines);
  const today = options.today && vietnamDate(options.today);
  const reading: Reading = {
    finder: new LabelFinder(template),
    layout: new PageLayout(read, lines),
    validation: { amountsInWords: amountsInWords(lines.map((line) => line.text).join('\n')), today },
  };
  const readFields = template.fields.map((field) => extractField(field, fieldLines(field, read, lines), reading));
  const failures = crossCheck(readFields, { today });
  const details = readFields.map((detail) => {
    const failure = failures.get(detail.name);
    return failure ? { ...detail, validation: failure } : detail;
  });
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

/** What is known of the pages read, shared by every field. */
interface Reading {
  finder: LabelFinder;
  layout: PageLayout;
  validation: ValidationContext;
}

function extractField(field: TemplateField, lines: TextLine[], reading: Reading): ExtractedField {
  const pattern = field.pattern === undefined ? undefined : compilePattern(field.pattern);
  const normalise = normaliserFor(field);
  const { name, required } = field;
  let raw: string | null = null;
  let chosen: ExtractedField | undefined;
  let firstInvalid: ExtractedField | undefined;
  // Every reading that normalised, to count those that agree with the value kept.
  const readings: ExtractedField[] = [];
  for (const candidate of candidates(field, lines, reading)) {
    const value = pattern ? applyPattern(pattern, candidate.span) : candidate.span;
    if (!value) continue;
    raw ??= value.text;
    const normalised = normalise(value.text);
    if (!normalised) continue;
    const { outcome, reason, value: checked } = validateValue(field.normaliser, normalised.value, reading.validation);
    const adjusted = normalised.adjusted || outcome === 'repaired';
    const least = spanConfidence(value);
    const detail: ExtractedField = {
      name,
      required,
      value: checked,
      raw: value.text,
      confidence: least * (adjusted ? adjustedFactor : 1),
      validation: reason === undefined ? { outcome } : { outcome, reason },
      foundBy: candidate.foundBy,
      recognition: { least, mean: spanMeanConfidence(value) },
      adjusted,
      lines: candidate.lines,
      agreement: { agreeing: 0, disagreeing: 0 },
    };
    readings.push(detail);
    if (chosen) {
      if (readings.length > readings.indexOf(chosen) + agreementCandidates) break;
    } else if (outcome !== 'invalid') chosen = detail;
    else firstInvalid ??= detail;
  }
  const kept = chosen ?? firstInvalid;
  if (!kept)
    return {
      name,
      required,
      value: null,
      raw,
      confidence: 0,
      validation: { outcome: 'unchecked' },
      foundBy: null,
      recognition: { least: 0, mean: 0 },
      adjusted: false,
      lines: 0,
      agreement: { agreeing: 0, disagreeing: 0 },
    };
  const others = readings.filter((other) => other !== kept);
  const agreeing = others.filter((other) => other.value === kept.value).length;
  return { ...kept, agreement: { agreeing, disagreeing: others.length - agreeing } };
}

/**
 * The field's normaliser; for a field with a shape, a reading that does not fit it is repaired
 * (see code-confusions.ts), or kept as read when no single repair fits.
 */
function normaliserFor(field: TemplateField): (text: string) => NormalisedValue | null {
  const normalise = normalisers[field.normaliser];
  if (field.shape === undefined) return normalise;
  const shape = compilePattern(field.shape);
  return (text) => {
    const normalised = normalise(text);
    if (!normalised || typeof normalised.value !== 'string') return normalised;
    const repaired = repairCode(normalised.value, shape);
    if (repaired === null || repaired === normalised.value) return normalised;
    return { value: repaired, adjusted: true };
  };
}

function* candidates(field: TemplateField, lines: TextLine[], reading: Reading): Generator<Candidate> {
  const { finder, layout } = reading;
  if (field.layout === 'issuing-agency') {
    const pageNumbers = [...new Set(lines.map((line) => line.pageNumber))];
    for (const pageNumber of pageNumbers) {
      const agency = layout.issuingAgency(pageNumber);
      if (agency) yield { span: agency, foundBy: { kind: 'layout' }, lines: 1 };
    }
  }
  if (field.labels) {
    const labels = new Set(field.labels);
    for (const line of lines) {
      for (const occurrence of finder.occurrences(line)) {
        if (!labels.has(occurrence.label)) continue;
        const value =
          field.valueAt === 'above'
            ? valueAbove(line, lines, finder)
            : valueAfter(line, occurrence.end, lines, reading, field.maxLines ?? 1);
        const foundBy = { kind: 'label', label: occurrence.label, editRatio: occurrence.editRatio } as const;
        if (value) yield { ...value, foundBy };
      }
    }
  } else if (field.pattern) {
    const kind = field.zone ? 'zone' : 'pattern';
    for (const line of lines) yield { span: line, foundBy: { kind }, lines: 1 };
  } else if (!field.layout) {
    yield { span: joinSpans(lines), foundBy: { kind: field.zone ? 'zone' : 'text' }, lines: lines.length };
  }
}

/**
 * The text after a label: up to the next label on the same line; else to the end of the line
 * and down the lines below that continue it (see `continues`); or, when the label stands
 * alone, the next cell of its row (a label | value table), else the line below it: the first
 * of the two that is not in the page's header or footer and does not begin with a label.
 */
function valueAfter(
  line: TextLine,
  from: number,
  lines: TextLine[],
  reading: Reading,
  maxLines: number,
): { span: TextSpan; lines: number } | null {
  const { finder, layout } = reading;
  const next = finder.occurrences(line).find((occurrence) => occurrence.start >= from);
  if (next) return onLines(nonEmpty(trimSeparators(sliceSpan(line, from, next.start), true)), 1);
  const rest = sliceSpan(line, from, line.text.length);
  let parts = [rest];
  let last = line;
  if (trimSeparators(rest, false).text.length === 0) {
    const cell = [rowNeighbour(lines, line, 'right'), neighbourLine(lines, line, 'below')].find(
      (candidate) => candidate && layout.zone(candidate) === 'body' && textBeforeLabels(candidate, finder).text,
    );
    if (!cell) return null;
    if (finder.occurrences(cell).length > 0) return onLines(textBeforeLabels(cell, finder), 1);
    parts = [cell];
    last = cell;
  }
  while (parts.length < maxLines) {
    const below = neighbourLine(lines, last, 'below');
    if (!below || !continues(below, last, line, lines, reading)) break;
    parts.push(below);
    last = below;
  }
  return onLines(nonEmpty(trimSeparators(joinSpans(parts), false)), parts.length);
}

function onLines(span: TextSpan | null, lines: number): { span: TextSpan; lines: number } | null {
  return span ? { span, lines } : null;
}

/**
 * Whether `below` carries on the value that ends `last`: it holds no label, is not a header or
 * footer line, does not start left of the label's line (a new paragraph), has no cell left of it
 * in its row (the next row of a table), and does not begin a
 * new sentence: after a line that ended one, or a capitalised word followed by a lower-case one
 * in a line that ends with a full stop ('Giấy xác nhận có giá trị 30 ngày.'). A place name
 * wrapped over two lines ('Sóc' / 'Trăng, tỉnh Sóc Trăng', 'Bộ' / 'Công an') carries on.
 */
function continues(below: TextLine, last: TextLine, labelLine: TextLine, lines: TextLine[], reading: Reading): boolean {
  if (reading.finder.occurrences(below).length > 0 || reading.layout.zone(below) !== 'body') return false;
  if (below.box && labelLine.box && below.box.x0 < labelLine.box.x0 - (labelLine.box.y1 - labelLine.box.y0)) {
    return false;
  }
  if (rowNeighbour(lines, below, 'left')) return false;
  if (endsSentence(last.text)) return false;
  return !(/^\p{Lu}\p{Ll}*\s\p{Ll}/u.test(below.text) && endsSentence(below.text));
}

/** A full stop that is not an abbreviation's ('TP.', 'KT.'). */
function endsSentence(text: string): boolean {
  return /[.!?]$/.test(text) && !/(?:^|\s)\p{Lu}{1,4}\.$/u.test(text);
}

function valueAbove(line: TextLine, lines: TextLine[], finder: LabelFinder): { span: TextSpan; lines: number } | null {
  const above = neighbourLine(lines, line, 'above');
  return above ? onLines(nonEmpty(textBeforeLabels(above, finder)), 1) : null;
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
