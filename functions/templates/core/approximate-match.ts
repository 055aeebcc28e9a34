/**
 * Finding a phrase in OCR text with a few misread characters. Both sides are folded in
 * `words` mode (lower case, no diacritics, single spaces) before they get here.
 */

export interface PhraseMatch {
  /** Range in the folded text. */
  start: number;
  end: number;
  /** Edits (substitutions, insertions, deletions) between the phrase and the text. */
  errors: number;
}

/**
 * Misreadings tolerated for a folded phrase of this length. Short phrases must match exactly:
 * with one edit allowed, the label 'so may' would also find 'so nay' in running text.
 */
export function toleratedErrors(phraseLength: number): number {
  if (phraseLength < 8) return 0;
  if (phraseLength < 16) return 1;
  if (phraseLength < 32) return 2;
  return 3;
}

function isWordStart(text: string, index: number): boolean {
  return index === 0 || text[index - 1] === ' ';
}

function isWordEnd(text: string, index: number): boolean {
  return index === text.length || text[index] === ' ';
}

/**
 * Every occurrence of `phrase` in `text` within the tolerated errors, on word boundaries, best
 * first among overlapping ones, in text order.
 */
export function findPhrase(text: string, phrase: string): PhraseMatch[] {
  if (phrase.length === 0) return [];
  const maxErrors = toleratedErrors(phrase.length);
  return maxErrors === 0 ? findExact(text, phrase) : findApproximate(text, phrase, maxErrors);
}

function findExact(text: string, phrase: string): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    if (isWordStart(text, at) && isWordEnd(text, at + phrase.length)) {
      matches.push({ start: at, end: at + phrase.length, errors: 0 });
    }
  }
  return matches;
}

/**
 * Sellers' algorithm: edit distance with a free start in the text, one column per text
 * character, remembering where each alignment started. O(phrase × text).
 */
function findApproximate(text: string, phrase: string, maxErrors: number): PhraseMatch[] {
  const m = phrase.length;
  let costs = Array.from({ length: m + 1 }, (_, i) => i);
  let starts = new Array<number>(m + 1).fill(0);
  const candidates: PhraseMatch[] = [];
  for (let j = 1; j <= text.length; j += 1) {
    const nextCosts = [0];
    const nextStarts = [j];
    for (let i = 1; i <= m; i += 1) {
      const substitute = (costs[i - 1] ?? 0) + (phrase[i - 1] === text[j - 1] ? 0 : 1);
      const skipText = (costs[i] ?? 0) + 1;
      const skipPhrase = (nextCosts[i - 1] ?? 0) + 1;
      if (substitute <= skipText && substitute <= skipPhrase) {
        nextCosts.push(substitute);
        nextStarts.push(starts[i - 1] ?? 0);
      } else if (skipPhrase <= skipText) {
        nextCosts.push(skipPhrase);
        nextStarts.push(nextStarts[i - 1] ?? 0);
      } else {
        nextCosts.push(skipText);
        nextStarts.push(starts[i] ?? 0);
      }
    }
    costs = nextCosts;
    starts = nextStarts;
    const errors = costs[m] ?? 0;
    const start = starts[m] ?? 0;
    if (errors <= maxErrors && isWordEnd(text, j) && isWordStart(text, start) && start < j) {
      candidates.push({ start, end: j, errors });
    }
  }
  return bestNonOverlapping(candidates, m);
}

function bestNonOverlapping(candidates: PhraseMatch[], phraseLength: number): PhraseMatch[] {
  const ranked = [...candidates].sort(
    (a, b) =>
      a.errors - b.errors ||
      Math.abs(a.end - a.start - phraseLength) - Math.abs(b.end - b.start - phraseLength) ||
      a.start - b.start,
  );
  const kept: PhraseMatch[] = [];
  for (const candidate of ranked) {
    if (kept.every((other) => candidate.end <= other.start || candidate.start >= other.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
