import { parseJsonPath, type JsonPath } from './json-path.ts';

/**
 * Parses intrinsic function calls such as
 *   States.Format('Hello, {}! It\'s {}', $.name, States.ArrayLength($.items))
 * into a tree, once, when the definition is loaded. Arguments are string literals in single
 * quotes (\\ escapes ', {, } and \), numbers, true/false/null, paths ($ or $$) and nested calls.
 */
export type IntrinsicArg =
  | { kind: 'string'; value: string; /** text between the quotes, escapes kept (States.Format needs them) */ raw: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'path'; path: JsonPath }
  | { kind: 'call'; call: IntrinsicCall };

export interface IntrinsicCall {
  readonly name: IntrinsicName;
  readonly args: readonly IntrinsicArg[];
  readonly text: string;
}

/** Every intrinsic AWS documents, with its [min, max] argument count. */
const ARITY = {
  'States.Format': [1, Infinity],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Infinity],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
} as const satisfies Record<string, readonly [number, number]>;

export type IntrinsicName = keyof typeof ARITY;

export class IntrinsicSyntaxError extends Error {
  constructor(text: string, reason: string) {
    super(`invalid intrinsic function "${text}": ${reason}`);
    this.name = 'IntrinsicSyntaxError';
  }
}

export function looksLikeIntrinsic(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text);
}

export function parseIntrinsic(text: string): IntrinsicCall {
  const parser = new Parser(text);
  parser.skipSpaces();
  const call = parser.call();
  parser.skipSpaces();
  if (!parser.atEnd()) parser.fail(`unexpected "${text.slice(parser.pos)}" after the call`);
  return call;
}

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new IntrinsicSyntaxError(this.text, reason);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpaces(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  call(): IntrinsicCall {
    const start = this.pos;
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.pos))?.[0];
    if (name === undefined) return this.fail(`expected a States.* function at offset ${this.pos}`);
    if (!Object.hasOwn(ARITY, name)) this.fail(`unknown function ${name}`);
    this.pos += name.length;
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`expected "(" after ${name}`);
    this.pos += 1;
    const args: IntrinsicArg[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === ')') this.pos += 1;
    else {
      for (;;) {
        args.push(this.argument());
        this.skipSpaces();
        const separator = this.text[this.pos];
        this.pos += 1;
        if (separator === ')') break;
        if (separator !== ',') this.fail(`expected "," or ")" in the arguments of ${name}`);
      }
    }
    const [min, max] = ARITY[name as IntrinsicName];
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(`${name} takes ${expected} argument(s), got ${args.length}`);
    }
    return { name: name as IntrinsicName, args, text: this.text.slice(start, this.pos) };
  }

  argument(): IntrinsicArg {
    this.skipSpaces();
    const rest = this.text.slice(this.pos);
    const char = rest[0];
    if (char === "'") return this.stringLiteral();
    if (char === '$') return { kind: 'path', path: this.path() };
    if (rest.startsWith('States.')) return { kind: 'call', call: this.call() };
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest)?.[0];
    if (number !== undefined) {
      this.pos += number.length;
      return { kind: 'number', value: Number(number) };
    }
    for (const [word, arg] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (rest.startsWith(word) && !/[\w.]/.test(rest[word.length] ?? '')) {
        this.pos += word.length;
        return arg;
      }
    }
    return this.fail(`unexpected argument at offset ${this.pos}`);
  }

  stringLiteral(): IntrinsicArg {
    this.pos += 1;
    let value = '';
    let raw = '';
    while (!this.atEnd()) {
      const char = this.text[this.pos] as string;
      if (char === "'") {
        this.pos += 1;
        return { kind: 'string', value, raw };
      }
      if (char === '\\') {
        const escaped = this.text[this.pos + 1];
        if (escaped === undefined) break;
        value += escaped;
        raw += char + escaped;
        this.pos += 2;
        continue;
      }
      value += char;
      raw += char;
      this.pos += 1;
    }
    return this.fail('unterminated string literal');
  }

  /** A path runs to the next "," or ")" that is not inside brackets or quotes. */
  path(): JsonPath {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    while (!this.atEnd()) {
      const char = this.text[this.pos] as string;
      if (quote) {
        if (char === '\\') this.pos += 1;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') quote = char;
      else if (char === '[') depth += 1;
      else if (char === ']') depth -= 1;
      else if (depth === 0 && (char === ',' || char === ')')) break;
      this.pos += 1;
    }
    return parseJsonPath(this.text.slice(start, this.pos).trim());
  }
}
