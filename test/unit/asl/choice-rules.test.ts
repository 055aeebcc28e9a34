import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileChoice, evaluateChoiceRule, wildcardMatch } from '../../../lib/local/asl/choice-rules.ts';
import { StatesError } from '../../../lib/local/asl/errors.ts';
import type { JsonValue } from '../../../lib/local/asl/json.ts';

const input: JsonValue = {
  s: 'banana',
  n: 10,
  f: 1.5,
  b: true,
  z: null,
  t: '2024-03-01T12:00:00Z',
  tOffset: '2024-03-01T14:00:00+02:00',
  notTs: '2024-03-01 12:00',
  other: { s: 'cherry', n: 10, b: true, t: '2024-03-02T00:00:00Z' },
  ctx: 'x',
};

function matches(rule: object, value: JsonValue = input): boolean {
  const { rule: compiled } = compileChoice({ ...rule, Next: 'X' }, 'test');
  return evaluateChoiceRule(compiled, value, { State: { Name: 'Pick' } });
}

describe('Choice comparison operators', () => {
  const cases: [string, object, boolean][] = [
    ['StringEquals', { Variable: '$.s', StringEquals: 'banana' }, true],
    ['StringEquals (different)', { Variable: '$.s', StringEquals: 'apple' }, false],
    ['StringLessThan', { Variable: '$.s', StringLessThan: 'cherry' }, true],
    ['StringGreaterThan', { Variable: '$.s', StringGreaterThan: 'cherry' }, false],
    ['StringLessThanEquals', { Variable: '$.s', StringLessThanEquals: 'banana' }, true],
    ['StringGreaterThanEquals', { Variable: '$.s', StringGreaterThanEquals: 'banana' }, true],
    ['StringEqualsPath', { Variable: '$.s', StringEqualsPath: '$.other.s' }, false],
    ['StringLessThanPath', { Variable: '$.s', StringLessThanPath: '$.other.s' }, true],
    ['StringMatches', { Variable: '$.s', StringMatches: 'b*na' }, true],
    ['StringMatches (no match)', { Variable: '$.s', StringMatches: 'c*' }, false],
    ['NumericEquals', { Variable: '$.n', NumericEquals: 10 }, true],
    ['NumericLessThan', { Variable: '$.f', NumericLessThan: 2 }, true],
    ['NumericGreaterThan', { Variable: '$.n', NumericGreaterThan: 10 }, false],
    ['NumericLessThanEquals', { Variable: '$.n', NumericLessThanEquals: 10 }, true],
    ['NumericGreaterThanEquals', { Variable: '$.n', NumericGreaterThanEquals: 11 }, false],
    ['NumericEqualsPath', { Variable: '$.n', NumericEqualsPath: '$.other.n' }, true],
    ['NumericGreaterThanPath', { Variable: '$.n', NumericGreaterThanPath: '$.f' }, true],
    ['BooleanEquals', { Variable: '$.b', BooleanEquals: true }, true],
    ['BooleanEquals (false)', { Variable: '$.b', BooleanEquals: false }, false],
    ['BooleanEqualsPath', { Variable: '$.b', BooleanEqualsPath: '$.other.b' }, true],
    ['TimestampEquals across offsets', { Variable: '$.tOffset', TimestampEquals: '2024-03-01T12:00:00Z' }, true],
    ['TimestampLessThan', { Variable: '$.t', TimestampLessThan: '2024-03-01T12:00:01Z' }, true],
    ['TimestampGreaterThan', { Variable: '$.t', TimestampGreaterThan: '2024-03-01T12:00:00Z' }, false],
    ['TimestampLessThanEquals', { Variable: '$.t', TimestampLessThanEquals: '2024-03-01T12:00:00Z' }, true],
    ['TimestampGreaterThanEquals', { Variable: '$.t', TimestampGreaterThanEquals: '2024-03-01T12:00:00.001Z' }, false],
    ['TimestampLessThanPath', { Variable: '$.t', TimestampLessThanPath: '$.other.t' }, true],
    ['sub-millisecond precision', { Variable: '$.t', TimestampLessThan: '2024-03-01T12:00:00.0001Z' }, true],
    [
      'TimestampEquals on a non-timestamp string',
      { Variable: '$.notTs', TimestampEquals: '2024-03-01T12:00:00Z' },
      false,
    ],
    ['context variable', { Variable: '$$.State.Name', StringEquals: 'Pick' }, true],
  ];
  for (const [name, rule, expected] of cases) test(name, () => assert.equal(matches(rule), expected));

  test('a value of the wrong type never matches (no error)', () => {
    assert.equal(matches({ Variable: '$.s', NumericEquals: 10 }), false);
    assert.equal(matches({ Variable: '$.n', StringEquals: '10' }), false);
    assert.equal(matches({ Variable: '$.z', BooleanEquals: false }), false);
    assert.equal(matches({ Variable: '$.n', StringEqualsPath: '$.other.n' }), false);
  });
});

describe('Choice type tests', () => {
  const cases: [string, object, boolean][] = [
    ['IsPresent true', { Variable: '$.z', IsPresent: true }, true],
    ['IsPresent on a missing field', { Variable: '$.missing', IsPresent: true }, false],
    ['IsPresent false on a missing field', { Variable: '$.missing', IsPresent: false }, true],
    ['IsNull', { Variable: '$.z', IsNull: true }, true],
    ['IsNull on a string', { Variable: '$.s', IsNull: true }, false],
    ['IsNumeric', { Variable: '$.f', IsNumeric: true }, true],
    ['IsNumeric false', { Variable: '$.s', IsNumeric: false }, true],
    ['IsString', { Variable: '$.s', IsString: true }, true],
    ['IsBoolean', { Variable: '$.b', IsBoolean: true }, true],
    ['IsBoolean on null', { Variable: '$.z', IsBoolean: true }, false],
    ['IsTimestamp', { Variable: '$.t', IsTimestamp: true }, true],
    ['IsTimestamp on a loose date', { Variable: '$.notTs', IsTimestamp: true }, false],
  ];
  for (const [name, rule, expected] of cases) test(name, () => assert.equal(matches(rule), expected));
});

describe('Choice combinators and errors', () => {
  test('And, Or, Not, nested', () => {
    const inRange = {
      And: [
        { Variable: '$.n', NumericGreaterThanEquals: 5 },
        { Variable: '$.n', NumericLessThan: 20 },
      ],
    };
    assert.equal(matches(inRange), true);
    assert.equal(matches(inRange, { n: 20 }), false);
    assert.equal(
      matches({
        Or: [
          { Variable: '$.s', StringEquals: 'x' },
          { Variable: '$.b', BooleanEquals: true },
        ],
      }),
      true,
    );
    assert.equal(
      matches({
        Or: [
          { Variable: '$.s', StringEquals: 'x' },
          { Variable: '$.b', BooleanEquals: false },
        ],
      }),
      false,
    );
    assert.equal(matches({ Not: { Variable: '$.s', StringEquals: 'banana' } }), false);
    assert.equal(
      matches({ Not: { And: [{ Variable: '$.b', BooleanEquals: true }, { Not: { Variable: '$.z', IsNull: true } }] } }),
      true,
    );
  });
  test('a missing variable is States.Runtime (only IsPresent may test absence)', () => {
    assert.throws(
      () => matches({ Variable: '$.missing', StringEquals: 'x' }),
      (error: unknown) =>
        error instanceof StatesError && error.error === 'States.Runtime' && /\$\.missing/.test(error.errorCause ?? ''),
    );
    assert.throws(() => matches({ Variable: '$.missing', IsNull: true }), StatesError);
    assert.throws(() => matches({ Variable: '$.s', StringEqualsPath: '$.missing' }), StatesError);
  });
  for (const [name, rule, message] of [
    ['two operators', { Variable: '$.s', StringEquals: 'a', StringMatches: 'b' }, /exactly one comparison operator/],
    [
      'an unknown operator',
      { Variable: '$.s', StringContains: 'a' },
      /unsupported choice rule field\(s\) "StringContains"/,
    ],
    ['a value of the wrong type', { Variable: '$.n', NumericEquals: '10' }, /"NumericEquals" needs a number/],
    ['a bad timestamp', { Variable: '$.t', TimestampEquals: '2024-02-30T00:00:00Z' }, /needs a timestamp/],
    ['Next on a nested rule', { Not: { Variable: '$.s', IsString: true, Next: 'Y' } }, /only allowed on top-level/],
    ['JSONata Condition', { Condition: '{% true %}' }, /Condition.*not supported/],
    [
      'StringMatchesPath (does not exist)',
      { Variable: '$.s', StringMatchesPath: '$.x' },
      /unsupported choice rule field/,
    ],
    ['a wildcard variable', { Variable: '$.list[*]', IsPresent: true }, /reference path/],
  ] as const) {
    test(`rejects ${name} when the definition is loaded`, () => assert.throws(() => matches(rule), message));
  }
  test('a top-level rule needs Next', () =>
    assert.throws(() => compileChoice({ Variable: '$.s', IsString: true }, 'test'), /needs a "Next"/));
});

describe('StringMatches wildcards', () => {
  test('* matches any run, including none and across special characters', () => {
    assert.equal(wildcardMatch('*.pdf', 'scan (1).pdf'), true);
    assert.equal(wildcardMatch('*.pdf', 'scan.pdf.png'), false);
    assert.equal(wildcardMatch('a*b*c', 'abc'), true);
    assert.equal(wildcardMatch('log-*', 'log-'), true);
    assert.equal(wildcardMatch('x', 'xx'), false);
  });
  test('\\* is a literal star and \\\\ a literal backslash', () => {
    assert.equal(wildcardMatch('a\\*', 'a*'), true);
    assert.equal(wildcardMatch('a\\*', 'ab'), false);
    assert.equal(wildcardMatch('a\\\\b', 'a\\b'), true);
  });
});
