import { matchPattern } from './safe-pattern.ts';
import { foldWithOffsets } from './text-folding.ts';

/** Characters OCR reads for one another in codes, in both directions. */
const confusions: Record<string, string[]> = {
  O: ['0'],
  '0': ['O'],
  I: ['1'],
  L: ['1'],
  '1': ['I', 'L'],
  S: ['5'],
  '5': ['S'],
  B: ['8'],
  '8': ['B'],
  G: ['6'],
  '6': ['G'],
  Z: ['2'],
  '2': ['Z'],
  E: ['F'],
  F: ['E'],
};

function fits(shape: RegExp, code: string): boolean {
  const folded = foldWithOffsets(code, 'characters').text;
  const match = matchPattern(shape, folded);
  return match !== null && match.start === 0 && match.end === folded.length;
}

/** Every code one confusion away: a character read as its look-alike, or a look-alike doubled. */
function oneConfusionAway(code: string): Set<string> {
  const variants = new Set<string>();
  for (let i = 0; i < code.length; i += 1) {
    const character = code[i] ?? '';
    for (const replacement of confusions[character] ?? []) {
      variants.add(code.slice(0, i) + replacement + code.slice(i + 1));
    }
    // 'PV0O1': the engine read one character twice, as itself and as its look-alike.
    const previous = code[i - 1];
    if (previous !== undefined && confusions[previous]?.includes(character)) {
      variants.add(code.slice(0, i) + code.slice(i + 1));
      variants.add(code.slice(0, i - 1) + code.slice(i));
    }
  }
  variants.delete(code);
  return variants;
}

/**
 * The code its shape says was read: the reading itself when it fits the shape, else the only
 * variant one confusion away that fits; null when none or several do (the shape cannot tell).
 */
export function repairCode(code: string, shape: RegExp): string | null {
  if (fits(shape, code)) return code;
  const fitting = [...oneConfusionAway(code)].filter((variant) => fits(shape, variant));
  return fitting.length === 1 ? (fitting[0] ?? null) : null;
}
