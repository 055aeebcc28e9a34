import { findPhrase } from './approximate-match.ts';
import type { TextLine } from './ocr-lines.ts';
import type { RecognitionTemplate } from './template-model.ts';
import { foldWithOffsets, originalRange } from './text-folding.ts';

/** Where a label was read on a line (UTF-16 offsets in the line's text). */
export interface LabelOccurrence {
  /** The label as the template wrote it. */
  label: string;
  start: number;
  end: number;
  /** Misread characters per character of the folded label (0 for an exact match). */
  editRatio: number;
}

interface PreparedLabel {
  label: string;
  folded: string;
  needsColon: boolean;
}

/** The colon after a label, or what the engine reads for it: ';', or a full stop before a space ('Số. 12/QĐ'). */
const colonAfter = /^\s*(?:[:;：]|\.\s)/;

/**
 * A bilingual form's gloss between a label and its colon ('Số máy (Engine N0):', 'Nhãn
 * hiệu/Brand:'): part of the label. Without a colon after it, a slash is the value's own.
 */
const glossAfter = /^(\s*(?:\/[^:;：/()]{1,40}|\([^:;：()]{1,40}\)))\s*[:;：]/;

/**
 * Whether a label is all its line holds but a list mark ('4.', 'b)'): a table's label cell,
 * where the cell border stands for the colon.
 */
function fillsCell(text: string, start: number, end: number): boolean {
  return /^\s*(?:(?:\d{1,2}|[a-zđ])[.)]\s*)?$/.test(text.slice(0, start)) && /^[\s.:;|]*$/.test(text.slice(end));
}

/**
 * Finds every label of a template (its fields' and its stop labels) on a line. Where labels
 * overlap, the longest wins: on 'Số máy: JF83E…' the label is 'Số máy', not 'Số'; on
 * 'Họ và tên chủ hộ:' the stop label, not the field's 'Họ và tên'. A label written with a colon
 * needs one after it, unless it fills a table cell of its own.
 */
export class LabelFinder {
  private readonly labels: PreparedLabel[];
  private readonly found = new Map<TextLine, LabelOccurrence[]>();

  constructor(template: RecognitionTemplate) {
    const all = new Set([...template.fields.flatMap((field) => field.labels ?? []), ...template.stopLabels]);
    this.labels = [...all]
      .map((label) => ({
        label,
        folded: foldWithOffsets(label.replace(/[:：]\s*$/, ''), 'words').text,
        needsColon: /[:：]\s*$/.test(label),
      }))
      .sort((a, b) => b.folded.length - a.folded.length);
  }

  occurrences(line: TextLine): LabelOccurrence[] {
    let occurrences = this.found.get(line);
    if (!occurrences) {
      occurrences = this.find(line);
      this.found.set(line, occurrences);
    }
    return occurrences;
  }

  private find(line: TextLine): LabelOccurrence[] {
    const folded = foldWithOffsets(line.text, 'words');
    const accepted: Array<LabelOccurrence & { foldedStart: number; foldedEnd: number }> = [];
    for (const prepared of this.labels) {
      for (const match of findPhrase(folded.text, prepared.folded)) {
        const { start, end: labelEnd } = originalRange(folded, match.start, match.end);
        const end = labelEnd + (glossAfter.exec(line.text.slice(labelEnd))?.[1]?.length ?? 0);
        if (prepared.needsColon && !colonAfter.test(line.text.slice(end)) && !fillsCell(line.text, start, end))
          continue;
        const overlaps = accepted.some((other) => match.start < other.foldedEnd && match.end > other.foldedStart);
        if (!overlaps)
          accepted.push({
            label: prepared.label,
            start,
            end,
            editRatio: match.errors / prepared.folded.length,
            foldedStart: match.start,
            foldedEnd: match.end,
          });
      }
    }
    return accepted
      .sort((a, b) => a.start - b.start)
      .map(({ label, start, end, editRatio }) => ({ label, start, end, editRatio }));
  }
}
