import type { OcrPage } from '../../digitize/core/ocr-engine.ts';
import type { Principal } from '../../platform/core/principal.ts';
import { findPhrase } from './approximate-match.ts';
import type { RecognitionTemplate } from './template-model.ts';
import { can } from './template-permissions.ts';
import { foldWithOffsets } from './text-folding.ts';

export interface ClassificationCandidate {
  templateId: string;
  templateVersion: number;
  /** The document type the template recognises. */
  key: string;
  /** 0..1: the weighted share of the template's anchors found on the pages. */
  score: number;
  /** The score reaches the template's minScore. */
  accepted: boolean;
}

export interface Classification {
  /** The highest-scoring accepted candidate; null when the document is unclassified. */
  best: ClassificationCandidate | null;
  /** Every template considered, best first. */
  candidates: ClassificationCandidate[];
}

/** Titles and anchors sit on the first pages; folding and matching the rest would only cost. */
const textRead = 8_000;

/**
 * Scores each active template the principal may use against the pages. Anchors are matched
 * on folded text (no case, no diacritics, punctuation as spaces, across line breaks), with a
 * few edits tolerated in long anchors (see `toleratedErrors`). An anchor counts its weight ×
 * (1 − edits / its length); the score is the sum over the sum of weights.
 * Pass the current version of each template.
 */
export function classifyDocument(
  pages: OcrPage[],
  templates: RecognitionTemplate[],
  principal: Principal,
): Classification {
  const text = foldWithOffsets(
    pages
      .map((page) => page.text)
      .join('\n')
      .slice(0, textRead),
    'words',
  ).text;
  const candidates = templates
    .filter((template) => template.active && can(principal, template, 'use'))
    .map((template) => {
      const score = scoreTemplate(template, text);
      return {
        templateId: template.id,
        templateVersion: template.version,
        key: template.key,
        score,
        accepted: score >= template.identification.minScore,
      };
    })
    .sort((a, b) => b.score - a.score || a.templateId.localeCompare(b.templateId));
  return { best: candidates.find((candidate) => candidate.accepted) ?? null, candidates };
}

function scoreTemplate(template: RecognitionTemplate, text: string): number {
  let found = 0;
  let total = 0;
  for (const anchor of template.identification.anchors) {
    const phrase = foldWithOffsets(anchor.phrase, 'words').text;
    const errors = Math.min(...findPhrase(text, phrase).map((match) => match.errors));
    if (Number.isFinite(errors)) found += anchor.weight * (1 - errors / phrase.length);
    total += anchor.weight;
  }
  return total === 0 ? 0 : found / total;
}
