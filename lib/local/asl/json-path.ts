import { hasOwn, isJsonObject, type JsonObject, type JsonValue } from './json.ts';

/**
 * The JSONPath subset Step Functions workflows use: `$`, `.name`, `['name']`, `[0]`, `[-1]`,
 * `[*]`, `.*` and slices `[a:b:c]`, rooted at the input (`$`) or the context object (`$$`).
 * Recursive descent, filters and unions are rejected when the definition is loaded, rather than
 * being silently misread at run time.
 */
export type PathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number | undefined };

export interface JsonPath {
  readonly text: string;
  readonly root: 'input' | 'context';
  readonly segments: readonly PathSegment[];
  /** A definite path names at most one node; an indefinite one (wildcard, slice) yields an array. */
  readonly definite: boolean;
}

export class JsonPathSyntaxError extends Error {
  constructor(path: string, reason: string) {
    super(`invalid JSONPath "${path}": ${reason}`);
    this.name = 'JsonPathSyntaxError';
  }
}

export const NOT_FOUND: unique symbol = Symbol('NOT_FOUND');
export type PathResult = JsonValue | typeof NOT_FOUND;

export function parseJsonPath(text: string): JsonPath {
  const fail = (reason: string): never => {
    throw new JsonPathSyntaxError(text, reason);
  };
  let root: JsonPath['root'];
  let i: number;
  if (text.startsWith('$$')) {
    root = 'context';
    i = 2;
  } else if (text.startsWith('$')) {
    root = 'input';
    i = 1;
  } else {
    return fail('a path must start with "$"');
  }
  const segments: PathSegment[] = [];
  while (i < text.length) {
    const char = text[i];
    if (char === '.') {
      if (text[i + 1] === '.') fail('recursive descent ("..") is not supported');
      i += 1;
      if (text[i] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 1;
        continue;
      }
      const start = i;
      while (i < text.length && text[i] !== '.' && text[i] !== '[') i += 1;
      const key = text.slice(start, i);
      if (key === '') fail(`empty name at offset ${start}`);
      if (/[\s'"\]()?@,]/.test(key)) fail(`unexpected character in name "${key}"`);
      segments.push({ kind: 'key', key });
    } else if (char === '[') {
      i += 1;
      const quote = text[i];
      if (quote === "'" || quote === '"') {
        let key = '';
        i += 1;
        while (i < text.length && text[i] !== quote) {
          if (text[i] === '\\' && i + 1 < text.length) i += 1;
          key += text[i];
          i += 1;
        }
        if (text[i] !== quote || text[i + 1] !== ']') fail('unterminated quoted name');
        i += 2;
        segments.push({ kind: 'key', key });
        continue;
      }
      const close = text.indexOf(']', i);
      if (close < 0) fail('missing "]"');
      const content = text.slice(i, close).trim();
      i = close + 1;
      if (content === '*') segments.push({ kind: 'wildcard' });
      else if (content.startsWith('?') || content.startsWith('('))
        fail('filter and script expressions are not supported');
      else if (content.includes(',')) fail('unions ("[a,b]") are not supported');
      else if (content.includes(':')) segments.push(parseSlice(content, fail));
      else if (/^-?\d+$/.test(content)) segments.push({ kind: 'index', index: Number(content) });
      else fail(`unsupported subscript "[${content}]"`);
    } else {
      fail(`unexpected "${char}" at offset ${i}`);
    }
  }
  const definite = segments.every((segment) => segment.kind === 'key' || segment.kind === 'index');
  return { text, root, segments, definite };
}

function parseSlice(content: string, fail: (reason: string) => never): PathSegment {
  const parts = content.split(':').map((part) => part.trim());
  if (parts.length > 3) fail(`bad slice "[${content}]"`);
  const bound = (part: string | undefined): number | undefined => {
    if (part === undefined || part === '') return undefined;
    if (!/^-?\d+$/.test(part)) fail(`bad slice "[${content}]"`);
    return Number(part);
  };
  const step = bound(parts[2]);
  if (step !== undefined && step <= 0) fail(`slice step must be positive in "[${content}]"`);
  return { kind: 'slice', start: bound(parts[0]), end: bound(parts[1]), step };
}

/** A Reference Path (ResultPath, Choice Variable…) names exactly one node and never a negative index. */
export function isReferencePath(path: JsonPath): boolean {
  return path.definite && path.segments.every((segment) => segment.kind !== 'index' || segment.index >= 0);
}

export function readPath(path: JsonPath, input: JsonValue, context?: JsonObject): PathResult {
  const root = path.root === 'input' ? input : context;
  if (root === undefined) return NOT_FOUND;
  let nodes: JsonValue[] = [root];
  for (const segment of path.segments) {
    const next: JsonValue[] = [];
    for (const node of nodes) selectChildren(node, segment, next);
    nodes = next;
  }
  if (!path.definite) return nodes;
  const [first] = nodes;
  return first === undefined ? NOT_FOUND : first;
}

function selectChildren(node: JsonValue, segment: PathSegment, out: JsonValue[]): void {
  switch (segment.kind) {
    case 'key':
      if (isJsonObject(node) && hasOwn(node, segment.key)) out.push(node[segment.key] as JsonValue);
      return;
    case 'index': {
      if (!Array.isArray(node)) return;
      const index = segment.index < 0 ? node.length + segment.index : segment.index;
      if (index >= 0 && index < node.length) out.push(node[index] as JsonValue);
      return;
    }
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isJsonObject(node)) out.push(...Object.values(node));
      return;
    case 'slice': {
      if (!Array.isArray(node)) return;
      const clamp = (value: number) => Math.min(Math.max(value < 0 ? node.length + value : value, 0), node.length);
      const start = clamp(segment.start ?? 0);
      const end = clamp(segment.end ?? node.length);
      for (let index = start; index < end; index += segment.step ?? 1) out.push(node[index] as JsonValue);
      return;
    }
  }
}

/**
 * A copy of `target` with `value` placed at the reference path, creating missing objects on the
 * way (as ResultPath does). Throws a plain Error when the path crosses a non-object.
 */
export function writePath(target: JsonValue, path: JsonPath, value: JsonValue): JsonValue {
  if (path.segments.length === 0) return value;
  const root = structuredClone(target);
  let node: JsonValue = root;
  path.segments.forEach((segment, position) => {
    const last = position === path.segments.length - 1;
    if (segment.kind === 'key') {
      if (!isJsonObject(node)) throw new Error(`cannot set "${segment.key}" on a ${describe(node)}`);
      if (last) node[segment.key] = value;
      else {
        if (!hasOwn(node, segment.key)) node[segment.key] = {};
        node = node[segment.key] as JsonValue;
      }
    } else if (segment.kind === 'index') {
      if (!Array.isArray(node) || segment.index < 0 || segment.index >= node.length) {
        throw new Error(`index [${segment.index}] does not exist in a ${describe(node)}`);
      }
      if (last) node[segment.index] = value;
      else node = node[segment.index] as JsonValue;
    } else {
      throw new Error('only reference paths can be written');
    }
  });
  return root;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
