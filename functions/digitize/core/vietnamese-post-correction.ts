/**
 * Post-correction of the stacked-mark defect (docs/ocr-models.md): the Vietnamese model sometimes
 * reads a capital with a hat and a tone mark (Ễ, Ữ, Ẫ, Ỗ, Ẵ) with one mark only, NGUYỄN as NGUYÊN,
 * ĐỖ as ĐỎ. A word read so is put back only where it opens a capitalised personal name and is a
 * misread family name; anywhere else it is left as read (NGUYÊN is also a given name and a word:
 * TRẦN NGUYÊN KHÔI and TÀI NGUYÊN stay).
 */
import { adjustedFactor } from '../../templates/core/extract.ts';
import { repairFamilyName } from '../../templates/core/normalisers.ts';
import type { OcrLine, OcrPage, OcrWord } from './ocr-engine.ts';

const hats = ['\u0302', '\u0306', '\u031B'] as const; // circumflex (Â Ê Ô), breve (Ă), horn (Ơ Ư)
const tonesAbove = ['\u0300', '\u0301', '\u0309', '\u0303'] as const; // grave, acute, hook, tilde
const toneMarks = new Set<string>([...tonesAbove, '\u0323']); // and the dot below
/** The hats each vowel takes. */
const hatsOf: Record<string, readonly string[]> = {
  A: ['\u0302', '\u0306'],
  E: ['\u0302'],
  O: ['\u0302', '\u031B'],
  U: ['\u031B'],
};

interface Letter {
  base: string;
  marks: string[];
}

const decompose = (word: string): Letter[] =>
  [...word.normalize('NFC')].map((character) => {
    const [base = '', ...marks] = [...character.normalize('NFD')];
    return { base, marks };
  });

const compose = (letters: Letter[]): string =>
  letters
    .map((letter) => letter.base + letter.marks.join(''))
    .join('')
    .normalize('NFC');

/**
 * The words `word` may be a one-mark reading of: a tone lost from a hatted vowel (NGUYÊN for
 * NGUYỄN, TRƯƠNG for TRƯỜNG), or a hat and a tone merged into one hook or tilde (ĐỎ for ĐỖ).
 * Only capitals: the defect is theirs, and a lower-case word is left as read.
 */
export function stackedMarkVariants(word: string): string[] {
  if (word.length < 2 || !/^\p{Lu}+$/u.test(word)) return [];
  const letters = decompose(word);
  const toned = letters.flatMap((letter, index) => (letter.marks.some((mark) => toneMarks.has(mark)) ? [index] : []));
  const variants: string[] = [];
  const withLetter = (index: number, marks: string[]) =>
    compose(letters.map((letter, at) => (at === index ? { base: letter.base, marks } : letter)));
  if (toned.length === 0) {
    letters.forEach((letter, index) => {
      const hat = letter.marks.find((mark) => (hats as readonly string[]).includes(mark));
      if (hat && letter.marks.length === 1)
        for (const tone of tonesAbove) variants.push(withLetter(index, [hat, tone]));
    });
  } else if (toned.length === 1) {
    const index = toned[0] ?? 0;
    const letter = letters[index];
    const tone = letter?.marks[0];
    if (letter && letter.marks.length === 1 && (tone === '\u0309' || tone === '\u0303'))
      for (const hat of hatsOf[letter.base] ?? [])
        for (const merged of ['\u0309', '\u0303']) variants.push(withLetter(index, [hat, merged]));
  }
  return variants;
}

/**
 * A run of capitalised words opens at `index`: two to five of them, as a personal name is
 * written, the run broken by punctuation or a wide gap (`NGUYÊN VĂN AN, TRẦN THỊ BÌNH` and two
 * names side by side in a signature block are two names).
 */
function opensCapitalisedName(line: LineWords, index: number): boolean {
  const isCapitalised = (at: number) => /^\p{Lu}+$/u.test(line.cores[at] ?? '');
  if (isCapitalised(index - 1) && !line.breakAfter[index - 1]) return false;
  let end = index;
  while (isCapitalised(end) && (end === index || !line.breakAfter[end - 1])) end += 1;
  return end - index >= 2 && end - index <= 5;
}

/** A line's tokens split into punctuation before, the word itself (empty when not one word) and after. */
interface LineWords {
  tokens: string[];
  before: string[];
  cores: string[];
  after: string[];
  /** Punctuation or a wide gap follows the token: a name does not go on past it. */
  breakAfter: boolean[];
}

function lineWords(text: string, wideGapAfter: readonly boolean[]): LineWords {
  const tokens = text.split(' ');
  const parts = tokens.map((token) => /^([^\p{L}]*)(\p{L}*)([^\p{L}]*)$/u.exec(token));
  return {
    tokens,
    before: parts.map((part) => part?.[1] ?? ''),
    cores: parts.map((part) => part?.[2] ?? ''),
    after: parts.map((part) => part?.[3] ?? ''),
    breakAfter: parts.map((part, index) => (part?.[3] ?? '') !== '' || wideGapAfter[index] === true),
  };
}

/** The word at `index` as it should read, judged with its line. */
function correctedWord(line: LineWords, index: number): string {
  const word = line.cores[index] ?? '';
  const variants = stackedMarkVariants(word);
  if (variants.length === 0 || !opensCapitalisedName(line, index)) return word;
  const family = repairFamilyName(word);
  return variants.includes(family) ? family : word;
}

/** The line's tokens as they should read (with their punctuation). */
function correctTokens(line: LineWords): string[] {
  return line.tokens.map((token, index) => {
    const core = line.cores[index] ?? '';
    const to = core === '' ? core : correctedWord(line, index);
    return to === core ? token : `${line.before[index] ?? ''}${to}${line.after[index] ?? ''}`;
  });
}

const centreInside = (word: OcrWord, line: OcrLine) => {
  const x = (word.box.x0 + word.box.x1) / 2;
  const y = (word.box.y0 + word.box.y1) / 2;
  return x >= line.box.x0 && x <= line.box.x1 && y >= line.box.y0 && y <= line.box.y1;
};

/**
 * The page with its stacked-mark misreadings put back, in its lines, its words (boxes kept) and
 * its text. A page from a PDF's text layer is returned as it is: its text was not read by OCR.
 */
export function correctStackedMarks(page: OcrPage): OcrPage {
  if (page.source !== 'ocr') return page;
  const words = [...page.words];
  const taken = new Set<number>();
  let changed = false;
  const lines = page.lines.map((line) => {
    const tokens = line.text.split(' ');
    // The line's words, in order, when they are its tokens one for one (as Tesseract gives them).
    const inside = words.flatMap((word, at) => (!taken.has(at) && centreInside(word, line) ? [at] : []));
    const aligned =
      inside.length >= tokens.length && tokens.every((token, i) => words[inside[i] ?? -1]?.text === token)
        ? inside.slice(0, tokens.length)
        : undefined;
    for (const at of aligned ?? []) taken.add(at);
    const lineHeight = line.box.y1 - line.box.y0;
    const wideGapAfter = tokens.map((_, i) => {
      const [left, right] = [words[aligned?.[i] ?? -1], words[aligned?.[i + 1] ?? -1]];
      return left !== undefined && right !== undefined && right.box.x0 - left.box.x1 > lineHeight;
    });
    const corrected = correctTokens(lineWords(line.text, wideGapAfter));
    if (corrected.every((token, i) => token === tokens[i])) return line;
    changed = true;
    corrected.forEach((token, i) => {
      if (token === tokens[i]) return;
      // Without one-for-one words, the word is the first inside the line that reads as the token did.
      const at = aligned?.[i] ?? words.findIndex((word) => word.text === tokens[i] && centreInside(word, line));
      const word = words[at];
      // A repaired word is as uncertain as a value a normaliser repaired: a field holding it is not
      // filed on the confidence of a reading it did not have.
      if (word) words[at] = { ...word, text: token, confidence: word.confidence * adjustedFactor };
    });
    return { ...line, text: corrected.join(' ') };
  });
  if (!changed) return page;
  const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
  return { ...page, lines, words, confidence, text: lines.map((line) => line.text).join('\n') };
}
