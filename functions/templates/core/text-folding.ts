/**
 * Folding Vietnamese text for comparison: case and diacritics go, so that what OCR or a
 * person typed without marks still meets the printed form.
 */

/**
 * The search key of a text: lower case, no combining marks, đ → d, single spaces.
 * `nguyen thi huong` and `NGUYỄN THỊ HƯƠNG` fold to the same key.
 */
export function foldForSearch(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      // OCR engines sometimes return the look-alike eth (ð) for đ.
      .replace(/[đð]/g, 'd')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** A folded text that remembers which characters of the original each folded one came from. */
export interface FoldedText {
  text: string;
  /** For each folded character, the original UTF-16 range it came from. */
  starts: number[];
  ends: number[];
}

const foldedCharacters = new Map<string, string>();

function foldCharacter(character: string): string {
  let folded = foldedCharacters.get(character);
  if (folded === undefined) {
    folded = character.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/[đð]/g, 'd');
    foldedCharacters.set(character, folded);
  }
  return folded;
}

/**
 * Folds `text` (NFC) and keeps the way back to it, so a match found in folded text can be cut
 * out of the original with its diacritics. Whitespace runs become one space. In `words` mode
 * every character that is not a letter or digit counts as a space too: labels then match
 * whatever punctuation OCR put around them ('Họ tên/Full name:' ≈ 'Họ tên / Full name').
 */
export function foldWithOffsets(text: string, mode: 'words' | 'characters'): FoldedText {
  const result: FoldedText = { text: '', starts: [], ends: [] };
  let index = 0;
  for (const character of text) {
    const end = index + character.length;
    for (const piece of foldCharacter(character)) {
      const isSpace = mode === 'words' ? !/[\p{L}\p{N}]/u.test(piece) : /\s/u.test(piece);
      if (isSpace) {
        if (result.text.length > 0 && !result.text.endsWith(' ')) push(result, ' ', index, end);
      } else {
        push(result, piece, index, end);
      }
    }
    index = end;
  }
  if (result.text.endsWith(' ')) {
    result.text = result.text.slice(0, -1);
    result.starts.pop();
    result.ends.pop();
  }
  return result;
}

function push(folded: FoldedText, piece: string, start: number, end: number): void {
  folded.text += piece;
  folded.starts.push(start);
  folded.ends.push(end);
}

/** The original range behind the folded range [start, end). */
export function originalRange(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  if (end <= start) {
    const at = folded.starts[start] ?? folded.ends[folded.ends.length - 1] ?? 0;
    return { start: at, end: at };
  }
  return { start: folded.starts[start] ?? 0, end: folded.ends[end - 1] ?? 0 };
}
