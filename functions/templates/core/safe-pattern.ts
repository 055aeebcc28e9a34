/**
 * Field patterns come from templates that users write through the API, and JavaScript
 * cannot interrupt a running regular expression: one catastrophic pattern would hang the
 * extraction Lambda until its timeout, for every upload. A worker thread with a timeout per
 * match would cost a thread hop per line and make extraction asynchronous, so instead the
 * pattern is checked when the template is saved, and what a safe pattern may cost is bounded:
 *
 * 1. at most 200 characters, and it must compile with the flags we run it with (`diu`);
 * 2. no backreferences and no lookaround (they escape the analysis below);
 * 3. no quantifier and no alternation inside a quantified group (`(a+)+`, `(a|ab)*`): this
 *    rules out exponential backtracking;
 * 4. polynomial backtracking comes from a variable-length atom whose characters the next
 *    mandatory part can also take (`.*.*x`): each such atom multiplies the paths tried from
 *    one start by its number of lengths, and that product must stay ≤ 512, so at most one
 *    unbounded ambiguous atom (quadratic) or a few short bounded ones;
 * 5. patterns only ever run on one line or one value, cut to 300 characters.
 *
 * With (4) and (5) a match costs at most 300 starts × 512 paths × the pattern's length.
 */

export const maxPatternLength = 200;
/** Patterns only run on one line or one value, cut to this length. */
export const maxSubjectLength = 300;
const maxBacktrackingFactor = 512;
/** `d` for match indices, `i` and `u` for case-insensitive Unicode matching. */
const patternFlags = 'diu';

/** Sample characters an atom may match: what folded OCR text holds, and a few others. */
const universe: string[] = ['\t', '\n', '\u2028', 'α', 'ж', '中', '€'];
for (let code = 0x20; code <= 0x24f; code += 1) universe.push(String.fromCodePoint(code));

type CharSet = boolean[];

interface Atom {
  kind: 'atom';
  set: CharSet;
  min: number;
  /** Lengths the engine may try for this atom: 1 unless it is quantified. */
  choices: number;
}
interface Alternation {
  kind: 'alternation';
  set: CharSet;
  min: number;
  branches: Item[][];
}
/** `$`: nothing can follow it. */
interface End {
  kind: 'end';
}
/** `^`, `\b`, `\B`: they consume nothing. */
interface Assertion {
  kind: 'assertion';
}
type Item = Atom | Alternation | End | Assertion;

class UnsafePatternError extends Error {}

/** Why the pattern is refused, or null when it is safe to store and run. */
export function findPatternProblem(source: string): string | null {
  if (source.length > maxPatternLength) return `a pattern may have at most ${maxPatternLength} characters`;
  try {
    new RegExp(source, patternFlags);
  } catch {
    return 'not a valid regular expression';
  }
  try {
    const cursor = { source, at: 0 };
    const branches = parseDisjunction(cursor);
    if (cursor.at !== source.length) return 'not a valid regular expression';
    const factor = branches.reduce((sum, branch) => sum + backtrackingFactor(branch, null), 0);
    if (factor > maxBacktrackingFactor) {
      return (
        'the pattern could backtrack too much: bound its quantifiers, e.g. \\s{0,3} instead of \\s*, ' +
        'and do not put two variable-length parts that match the same characters next to each other'
      );
    }
    return null;
  } catch (error) {
    if (error instanceof UnsafePatternError) return error.message;
    throw error;
  }
}

/** Compiles a pattern that `findPatternProblem` accepted. */
export function compilePattern(source: string): RegExp {
  return new RegExp(source, patternFlags);
}

/**
 * The range of the value a pattern finds in `subject`: its `value` group, else its first
 * group, else the whole match.
 */
export function matchPattern(pattern: RegExp, subject: string): { start: number; end: number } | null {
  const match = pattern.exec(subject.slice(0, maxSubjectLength));
  const indices = match?.indices;
  if (!indices) return null;
  const range = indices.groups?.['value'] ?? indices[1] ?? indices[0];
  return range ? { start: range[0], end: range[1] } : null;
}

interface Cursor {
  source: string;
  at: number;
}

/** The branches of an alternation (one when there is no `|`). */
function parseDisjunction(cursor: Cursor): Item[][] {
  const branches = [parseSequence(cursor)];
  while (cursor.source[cursor.at] === '|') {
    cursor.at += 1;
    branches.push(parseSequence(cursor));
  }
  return branches;
}

function parseSequence(cursor: Cursor): Item[] {
  const items: Item[] = [];
  while (cursor.at < cursor.source.length && cursor.source[cursor.at] !== '|' && cursor.source[cursor.at] !== ')') {
    const term = parseTerm(cursor);
    const quantifier = parseQuantifier(cursor);
    items.push(...(quantifier ? quantify(term, quantifier) : term));
  }
  return items;
}

/** One term as items: a group without quantifier is spliced into its sequence. */
function parseTerm(cursor: Cursor): Item[] {
  const { source } = cursor;
  const start = cursor.at;
  const character = source[start];
  if (character === '(') return parseGroup(cursor);
  if (character === '^') {
    cursor.at += 1;
    return [{ kind: 'assertion' }];
  }
  if (character === '$') {
    cursor.at += 1;
    return [{ kind: 'end' }];
  }
  if (character === '[') {
    cursor.at += 1;
    while (cursor.at < source.length && source[cursor.at] !== ']') cursor.at += source[cursor.at] === '\\' ? 2 : 1;
    cursor.at += 1;
  } else if (character === '\\') {
    const escaped = source[start + 1] ?? '';
    if (/[1-9k]/.test(escaped)) throw new UnsafePatternError('backreferences are not allowed');
    if (escaped === 'b' || escaped === 'B') {
      cursor.at += 2;
      return [{ kind: 'assertion' }];
    }
    cursor.at += 2;
    if (/[pPu]/.test(escaped) && source[cursor.at] === '{') cursor.at = source.indexOf('}', cursor.at) + 1;
    else if (escaped === 'u') cursor.at += 4;
    else if (escaped === 'x') cursor.at += 2;
    else if (escaped === 'c') cursor.at += 1;
  } else {
    cursor.at += String.fromCodePoint(source.codePointAt(start) ?? 0).length;
  }
  return [{ kind: 'atom', set: charSet(source.slice(start, cursor.at)), min: 1, choices: 1 }];
}

function parseGroup(cursor: Cursor): Item[] {
  const rest = cursor.source.slice(cursor.at);
  if (/^\(\?(<?[=!])/.test(rest)) throw new UnsafePatternError('lookahead and lookbehind are not allowed');
  const named = /^\(\?<[^>]*>/.exec(rest);
  cursor.at += named ? named[0].length : rest.startsWith('(?:') ? 3 : 1;
  const branches = parseDisjunction(cursor);
  cursor.at += 1;
  if (branches.length === 1) return branches[0] ?? [];
  return [
    {
      kind: 'alternation',
      branches,
      set: union(branches.flat()),
      min: Math.min(...branches.map((branch) => branch.reduce((sum, item) => sum + minLength(item), 0))),
    },
  ];
}

function parseQuantifier(cursor: Cursor): { min: number; max: number } | null {
  const rest = cursor.source.slice(cursor.at);
  const match = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(rest);
  if (!match) return null;
  cursor.at += match[0].length;
  const [, symbol, low, comma, high] = match;
  if (symbol === '*') return { min: 0, max: Infinity };
  if (symbol === '+') return { min: 1, max: Infinity };
  if (symbol === '?') return { min: 0, max: 1 };
  const min = Number(low);
  return { min, max: comma ? (high ? Number(high) : Infinity) : min };
}

/** A quantified term becomes one atom; refuses what could backtrack exponentially. */
function quantify(term: Item[], quantifier: { min: number; max: number }): Item[] {
  if (term.some((item) => item.kind === 'alternation' || (item.kind === 'atom' && item.choices > 1))) {
    throw new UnsafePatternError('a quantified group may not hold another quantifier or an alternation');
  }
  const atoms = term.filter((item): item is Atom => item.kind === 'atom');
  if (atoms.length === 0) return [];
  const choices = Math.min(quantifier.max, maxSubjectLength) - quantifier.min + 1;
  return [{ kind: 'atom', set: union(atoms), min: quantifier.min * atoms.length, choices }];
}

/**
 * Paths a backtracking engine may try from one start. `after` is what may follow the
 * sequence: null at the end of the pattern, where a greedy atom simply stops.
 */
function backtrackingFactor(items: Item[], after: CharSet | null): number {
  let factor = 1;
  items.forEach((item, index) => {
    if (item.kind === 'alternation') {
      // Conservative: anything may follow a branch.
      factor *= item.branches.reduce((sum, branch) => sum + backtrackingFactor(branch, everything), 0);
    } else if (item.kind === 'atom' && item.choices > 1 && intersects(item.set, followSet(items, index + 1, after))) {
      factor *= item.choices;
    }
  });
  return factor;
}

/** Characters the rest of the sequence may start with, up to its first mandatory part. */
function followSet(items: Item[], from: number, after: CharSet | null): CharSet {
  let set: CharSet = universe.map(() => false);
  for (const item of items.slice(from)) {
    if (item.kind === 'end') return set;
    if (item.kind === 'assertion') continue;
    set = set.map((member, index) => member || (item.set[index] ?? false));
    if (item.min > 0) return set;
  }
  return after ? set.map((member, index) => member || (after[index] ?? false)) : set;
}

const everything: CharSet = universe.map(() => true);

function charSet(atomSource: string): CharSet {
  const atom = new RegExp(`^(?:${atomSource})$`, 'iu');
  return universe.map((character) => atom.test(character));
}

function union(items: Item[]): CharSet {
  return universe.map((_, index) =>
    items.some((item) => (item.kind === 'atom' || item.kind === 'alternation') && item.set[index]),
  );
}

function intersects(a: CharSet, b: CharSet): boolean {
  return a.some((member, index) => member && b[index]);
}

function minLength(item: Item): number {
  return item.kind === 'atom' || item.kind === 'alternation' ? item.min : 0;
}
