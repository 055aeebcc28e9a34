import { createHash, randomUUID } from 'node:crypto';
import type { IntrinsicArg, IntrinsicCall, IntrinsicName } from './intrinsic-parser.ts';
import { canonicalJson, isJsonObject, jsonEquals, jsonTypeName, type JsonObject, type JsonValue } from './json.ts';
import { NOT_FOUND, readPath } from './json-path.ts';

/** What an intrinsic can see: the value `$` refers to, the context object, and injectable chance. */
export interface IntrinsicEnv {
  readonly input: JsonValue;
  readonly context: JsonObject;
  random(): number;
}

/** Thrown for any failed evaluation; the caller turns it into States.Runtime with the state's name. */
export class IntrinsicEvaluationError extends Error {
  constructor(call: IntrinsicCall, reason: string) {
    super(`The evaluation of the intrinsic function ${call.text} failed: ${reason}`);
    this.name = 'IntrinsicEvaluationError';
  }
}

export function evaluateIntrinsic(call: IntrinsicCall, env: IntrinsicEnv): JsonValue {
  const fail = (reason: string): never => {
    throw new IntrinsicEvaluationError(call, reason);
  };
  const args = call.args.map((arg) => evaluateArg(arg, env, fail));
  return FUNCTIONS[call.name]({ call, args, env, fail });
}

function evaluateArg(arg: IntrinsicArg, env: IntrinsicEnv, fail: (reason: string) => never): JsonValue {
  switch (arg.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return arg.value;
    case 'null':
      return null;
    case 'path': {
      const value = readPath(arg.path, env.input, env.context);
      return value === NOT_FOUND ? fail(`the JSONPath ${arg.path.text} could not be found`) : value;
    }
    case 'call':
      return evaluateIntrinsic(arg.call, env);
  }
}

interface Invocation {
  readonly call: IntrinsicCall;
  readonly args: readonly JsonValue[];
  readonly env: IntrinsicEnv;
  fail(reason: string): never;
}

function expectString(invocation: Invocation, index: number): string {
  const value = invocation.args[index] as JsonValue;
  return typeof value === 'string' ? value : invocation.fail(`argument ${index + 1} must be a string, got ${jsonTypeName(value)}`);
}

function expectNumber(invocation: Invocation, index: number, integer = false): number {
  const value = invocation.args[index] as JsonValue;
  if (typeof value !== 'number') return invocation.fail(`argument ${index + 1} must be a number, got ${jsonTypeName(value)}`);
  if (integer && !Number.isInteger(value)) return invocation.fail(`argument ${index + 1} must be an integer, got ${value}`);
  return value;
}

function expectArray(invocation: Invocation, index: number): JsonValue[] {
  const value = invocation.args[index] as JsonValue;
  return Array.isArray(value) ? value : invocation.fail(`argument ${index + 1} must be an array, got ${jsonTypeName(value)}`);
}

function expectObject(invocation: Invocation, index: number): JsonObject {
  const value = invocation.args[index] as JsonValue;
  return isJsonObject(value) ? value : invocation.fail(`argument ${index + 1} must be an object, got ${jsonTypeName(value)}`);
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const FUNCTIONS: Record<IntrinsicName, (invocation: Invocation) => JsonValue> = {
  'States.Format': format,
  'States.StringToJson': (inv) => {
    const text = expectString(inv, 0);
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return inv.fail('argument 1 is not valid JSON text');
    }
  },
  'States.JsonToString': (inv) => JSON.stringify(inv.args[0]),
  'States.Array': (inv) => [...inv.args],
  'States.ArrayPartition': (inv) => {
    const array = expectArray(inv, 0);
    const size = expectNumber(inv, 1, true);
    if (size <= 0) inv.fail('the chunk size must be positive');
    const chunks: JsonValue[] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },
  'States.ArrayContains': (inv) => {
    const needle = inv.args[1] as JsonValue;
    return expectArray(inv, 0).some((item) => jsonEquals(item, needle));
  },
  'States.ArrayRange': (inv) => {
    const [first, last, step] = [0, 1, 2].map((i) => expectNumber(inv, i, true)) as [number, number, number];
    if (step === 0) inv.fail('the step must not be 0');
    const range: number[] = [];
    for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
      range.push(n);
      if (range.length > 1000) inv.fail('the range has more than 1000 items');
    }
    return range;
  },
  'States.ArrayGetItem': (inv) => {
    const array = expectArray(inv, 0);
    const index = expectNumber(inv, 1, true);
    if (index < 0 || index >= array.length) inv.fail(`index ${index} is out of bounds for an array of ${array.length}`);
    return array[index] as JsonValue;
  },
  'States.ArrayLength': (inv) => expectArray(inv, 0).length,
  'States.ArrayUnique': (inv) => {
    const seen = new Set<string>();
    return expectArray(inv, 0).filter((item) => {
      const key = canonicalJson(item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  'States.Base64Encode': (inv) => Buffer.from(expectString(inv, 0), 'utf8').toString('base64'),
  'States.Base64Decode': (inv) => {
    const text = expectString(inv, 0);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) inv.fail('argument 1 is not valid base64');
    return Buffer.from(text, 'base64').toString('utf8');
  },
  'States.Hash': (inv) => {
    const data = expectString(inv, 0);
    const algorithm = HASH_ALGORITHMS[expectString(inv, 1)];
    if (algorithm === undefined) return inv.fail(`the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
    return createHash(algorithm).update(data, 'utf8').digest('hex');
  },
  'States.JsonMerge': (inv) => {
    const left = expectObject(inv, 0);
    const right = expectObject(inv, 1);
    if (inv.args[2] !== false) inv.fail('only a shallow merge is supported: the third argument must be false');
    return { ...left, ...right };
  },
  'States.MathRandom': (inv) => {
    const start = expectNumber(inv, 0, true);
    const end = expectNumber(inv, 1, true);
    if (end <= start) inv.fail('the end must be greater than the start');
    const random = inv.args.length === 3 ? seededRandom(expectNumber(inv, 2, true)) : inv.env.random();
    // start inclusive, end exclusive: the AWS docs do not pin the bounds down; this is the usual convention.
    return start + Math.floor(random * (end - start));
  },
  'States.MathAdd': (inv) => expectNumber(inv, 0) + expectNumber(inv, 1),
  'States.StringSplit': (inv) => {
    const text = expectString(inv, 0);
    const separators = new Set(expectString(inv, 1));
    const parts: string[] = [];
    let current = '';
    for (const char of text) {
      if (separators.has(char)) {
        if (current !== '') parts.push(current);
        current = '';
      } else current += char;
    }
    if (current !== '') parts.push(current);
    return parts;
  },
  'States.UUID': () => randomUUID(),
};

/** `{}` takes the next argument; `\{` and `\}` are literal braces (only meaningful in a literal template). */
function format(inv: Invocation): JsonValue {
  const template = inv.call.args[0];
  const raw = template?.kind === 'string' ? template.raw : expectString(inv, 0);
  const values = inv.args.slice(1);
  let out = '';
  let used = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i] as string;
    if (char === '\\' && template?.kind === 'string' && i + 1 < raw.length) {
      i += 1;
      out += raw[i];
    } else if (char === '{' && raw[i + 1] === '}') {
      if (used >= values.length) inv.fail(`the template has more {} placeholders than the ${values.length} argument(s)`);
      out += formatValue(inv, values[used] as JsonValue);
      used += 1;
      i += 1;
    } else out += char;
  }
  if (used !== values.length) inv.fail(`the template has ${used} {} placeholder(s) but ${values.length} argument(s) were given`);
  return out;
}

function formatValue(inv: Invocation, value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return inv.fail(`States.Format arguments must be strings, numbers, booleans or null, got ${jsonTypeName(value)}`);
}

/** mulberry32: the same seed gives the same number, as States.MathRandom promises. */
function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
