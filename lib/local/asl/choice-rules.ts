import { invalidDefinition, runtimeError } from './errors.ts';
import { isJsonObject, jsonText, type JsonObject, type JsonValue } from './json.ts';
import { isReferencePath, NOT_FOUND, parseJsonPath, readPath, type JsonPath } from './json-path.ts';
import { parseTimestamp } from './timestamp.ts';

/** Choice rules, compiled once: boolean combinators over data-test expressions. */
export type ChoiceRule =
  | { kind: 'and'; rules: readonly ChoiceRule[] }
  | { kind: 'or'; rules: readonly ChoiceRule[] }
  | { kind: 'not'; rule: ChoiceRule }
  | { kind: 'test'; variable: JsonPath; operator: TypeTest; expected: boolean }
  | { kind: 'compare'; variable: JsonPath; operator: ComparisonOperator; value: JsonValue }
  | { kind: 'comparePath'; variable: JsonPath; operator: ComparisonOperator; path: JsonPath };

export interface CompiledChoice {
  readonly rule: ChoiceRule;
  readonly next: string;
}

type ValueType = 'string' | 'number' | 'boolean' | 'timestamp';
type Relation = 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'matches';

const COMPARISONS = {
  StringEquals: { type: 'string', relation: 'eq' },
  StringLessThan: { type: 'string', relation: 'lt' },
  StringGreaterThan: { type: 'string', relation: 'gt' },
  StringLessThanEquals: { type: 'string', relation: 'le' },
  StringGreaterThanEquals: { type: 'string', relation: 'ge' },
  StringMatches: { type: 'string', relation: 'matches' },
  NumericEquals: { type: 'number', relation: 'eq' },
  NumericLessThan: { type: 'number', relation: 'lt' },
  NumericGreaterThan: { type: 'number', relation: 'gt' },
  NumericLessThanEquals: { type: 'number', relation: 'le' },
  NumericGreaterThanEquals: { type: 'number', relation: 'ge' },
  BooleanEquals: { type: 'boolean', relation: 'eq' },
  TimestampEquals: { type: 'timestamp', relation: 'eq' },
  TimestampLessThan: { type: 'timestamp', relation: 'lt' },
  TimestampGreaterThan: { type: 'timestamp', relation: 'gt' },
  TimestampLessThanEquals: { type: 'timestamp', relation: 'le' },
  TimestampGreaterThanEquals: { type: 'timestamp', relation: 'ge' },
} as const satisfies Record<string, { type: ValueType; relation: Relation }>;
type ComparisonOperator = keyof typeof COMPARISONS;

const TYPE_TESTS = ['IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;
type TypeTest = (typeof TYPE_TESTS)[number];

function isTypeTest(key: string): key is TypeTest {
  return (TYPE_TESTS as readonly string[]).includes(key);
}

function isComparison(key: string): key is ComparisonOperator {
  return Object.hasOwn(COMPARISONS, key);
}

/** Every comparison also has a "…Path" variant comparing with another path (StringMatches has none). */
function comparisonOf(key: string): { operator: ComparisonOperator; isPath: boolean } | undefined {
  if (isComparison(key)) return { operator: key, isPath: false };
  const base = key.endsWith('Path') ? key.slice(0, -4) : '';
  if (isComparison(base) && base !== 'StringMatches') return { operator: base, isPath: true };
  return undefined;
}

export function compileChoice(raw: unknown, where: string): CompiledChoice {
  if (!isJsonObject(raw)) throw invalidDefinition(`${where}: a choice rule must be an object`);
  if (typeof raw.Next !== 'string')
    throw invalidDefinition(`${where}: a top-level choice rule needs a "Next" state name`);
  const { Next, ...rest } = raw;
  return { rule: compileRule(rest, where), next: Next };
}

function compileRule(raw: JsonObject, where: string): ChoiceRule {
  const keys = Object.keys(raw).filter((key) => key !== 'Comment');
  if (keys.includes('Next')) throw invalidDefinition(`${where}: "Next" is only allowed on top-level choice rules`);
  if (keys.includes('Condition'))
    throw invalidDefinition(`${where}: field "Condition" (JSONata) is not supported; use JSONPath choice rules`);
  for (const combinator of ['And', 'Or'] as const) {
    if (keys.includes(combinator)) {
      const list = raw[combinator];
      if (keys.length !== 1 || !Array.isArray(list) || list.length === 0) {
        throw invalidDefinition(`${where}: "${combinator}" must be the only field and hold a non-empty array of rules`);
      }
      const rules = list.map((item, index) => {
        if (!isJsonObject(item))
          throw invalidDefinition(`${where}.${combinator}[${index}]: a choice rule must be an object`);
        return compileRule(item, `${where}.${combinator}[${index}]`);
      });
      return { kind: combinator === 'And' ? 'and' : 'or', rules };
    }
  }
  if (keys.includes('Not')) {
    if (keys.length !== 1 || !isJsonObject(raw.Not))
      throw invalidDefinition(`${where}: "Not" must be the only field and hold one rule`);
    return { kind: 'not', rule: compileRule(raw.Not, `${where}.Not`) };
  }
  const operators = keys.filter((key) => key !== 'Variable');
  const unknown = operators.filter((key) => !isTypeTest(key) && comparisonOf(key) === undefined);
  if (unknown.length > 0)
    throw invalidDefinition(`${where}: unsupported choice rule field(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
  if (operators.length !== 1)
    throw invalidDefinition(`${where}: a choice rule needs exactly one comparison operator, found ${operators.length}`);
  const key = operators[0] as string;
  const variable = compileReferencePath(raw.Variable, `${where}.Variable`);
  const value = raw[key] as JsonValue;
  if (isTypeTest(key)) {
    if (typeof value !== 'boolean') throw invalidDefinition(`${where}: "${key}" must be true or false`);
    return { kind: 'test', variable, operator: key, expected: value };
  }
  const { operator, isPath } = comparisonOf(key) as { operator: ComparisonOperator; isPath: boolean };
  if (isPath) return { kind: 'comparePath', variable, operator, path: compileReferencePath(value, `${where}.${key}`) };
  const { type } = COMPARISONS[operator];
  const valid =
    type === 'timestamp' ? typeof value === 'string' && parseTimestamp(value) !== undefined : typeof value === type;
  if (!valid) throw invalidDefinition(`${where}: "${key}" needs a ${type} value, got ${jsonText(value)}`);
  return { kind: 'compare', variable, operator, value };
}

function compileReferencePath(raw: unknown, where: string): JsonPath {
  if (typeof raw !== 'string') throw invalidDefinition(`${where}: a path string is required`);
  let path: JsonPath;
  try {
    path = parseJsonPath(raw);
  } catch (error) {
    throw invalidDefinition(`${where}: ${(error as Error).message}`);
  }
  if (!isReferencePath(path))
    throw invalidDefinition(`${where}: "${raw}" must be a reference path (one node, no wildcards)`);
  return path;
}

export function evaluateChoiceRule(rule: ChoiceRule, input: JsonValue, context: JsonObject): boolean {
  switch (rule.kind) {
    case 'and':
      return rule.rules.every((child) => evaluateChoiceRule(child, input, context));
    case 'or':
      return rule.rules.some((child) => evaluateChoiceRule(child, input, context));
    case 'not':
      return !evaluateChoiceRule(rule.rule, input, context);
    case 'test': {
      const value = readPath(rule.variable, input, context);
      if (rule.operator === 'IsPresent') return (value !== NOT_FOUND) === rule.expected;
      if (value === NOT_FOUND) throw missingVariable(rule.variable, input);
      return typeTest(rule.operator, value) === rule.expected;
    }
    case 'compare':
    case 'comparePath': {
      const value = readPath(rule.variable, input, context);
      if (value === NOT_FOUND) throw missingVariable(rule.variable, input);
      let expected: JsonValue;
      if (rule.kind === 'compare') expected = rule.value;
      else {
        const found = readPath(rule.path, input, context);
        if (found === NOT_FOUND) throw missingVariable(rule.path, input);
        expected = found;
      }
      return compare(rule.operator, value, expected);
    }
  }
}

function missingVariable(path: JsonPath, input: JsonValue) {
  return runtimeError(
    `Invalid path '${path.text}': the choice state's condition path references an invalid value in '${jsonText(input)}'`,
  );
}

function typeTest(test: TypeTest, value: JsonValue): boolean {
  switch (test) {
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsBoolean':
      return typeof value === 'boolean';
    case 'IsTimestamp':
      return typeof value === 'string' && parseTimestamp(value) !== undefined;
    case 'IsPresent':
      return true;
  }
}

/** A value of the wrong type never matches (it is not an error), as the spec says. */
function compare(operator: ComparisonOperator, actual: JsonValue, expected: JsonValue): boolean {
  const { type, relation }: { type: ValueType; relation: Relation } = COMPARISONS[operator];
  if (relation === 'matches')
    return typeof actual === 'string' && typeof expected === 'string' && wildcardMatch(expected, actual);
  let a: number | string | boolean;
  let b: number | string | boolean;
  if (type === 'timestamp') {
    const left = typeof actual === 'string' ? parseTimestamp(actual) : undefined;
    const right = typeof expected === 'string' ? parseTimestamp(expected) : undefined;
    if (left === undefined || right === undefined) return false;
    [a, b] = [left, right];
  } else {
    if (typeof actual !== type || typeof expected !== type) return false;
    [a, b] = [actual as number | string | boolean, expected as number | string | boolean];
  }
  switch (relation) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'gt':
      return a > b;
    case 'le':
      return a <= b;
    case 'ge':
      return a >= b;
  }
}

/** StringMatches: "*" matches any run of characters; "\*" and "\\" are a literal star and backslash. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      regex += escapeRegex(pattern[i] as string);
    } else if (char === '*') regex += '[\\s\\S]*';
    else regex += escapeRegex(char);
  }
  return new RegExp(`^${regex}$`, 'u').test(text);
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
