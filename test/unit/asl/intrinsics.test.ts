import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateIntrinsic, IntrinsicEvaluationError } from '../../../lib/local/asl/intrinsic-functions.ts';
import { parseIntrinsic } from '../../../lib/local/asl/intrinsic-parser.ts';
import type { JsonObject, JsonValue } from '../../../lib/local/asl/json.ts';

const input: JsonValue = {
  name: 'Ana',
  n: 3,
  list: [1, 2, 2, 3],
  json: '{"a":[1,2]}',
  obj: { a: 1, 'b,c': 'comma' },
  other: { a: 2, z: true },
};
const context: JsonObject = { Execution: { Name: 'run-7' } };

const evaluate = (text: string, random = () => 0.5) => evaluateIntrinsic(parseIntrinsic(text), { input, context, random });

describe('intrinsic argument parsing', () => {
  test('string literals with escaped quote, braces and backslash', () => {
    const call = parseIntrinsic("States.Format('it\\'s \\{literal\\} \\\\ {}', 'x')");
    assert.deepEqual(call.args[0], { kind: 'string', value: "it's {literal} \\ {}", raw: "it\\'s \\{literal\\} \\\\ {}" });
  });
  test('numbers, booleans, null, paths and nested calls', () => {
    const call = parseIntrinsic("States.Array(-1.5, 2e3, true, false, null, $.n, $$.Execution.Name, States.UUID())");
    assert.deepEqual(
      call.args.map((arg) => arg.kind),
      ['number', 'number', 'boolean', 'boolean', 'null', 'path', 'path', 'call'],
    );
    assert.deepEqual(call.args[0], { kind: 'number', value: -1.5 });
    assert.deepEqual(call.args[1], { kind: 'number', value: 2000 });
  });
  test("a path argument may contain commas and parentheses inside brackets", () => {
    assert.equal(evaluate("States.Format('{}', $.obj['b,c'])"), 'comma');
  });
  test('whitespace around arguments is allowed', () => assert.equal(evaluate("States.MathAdd(  $.n ,  4 )"), 7));
  for (const [text, message] of [
    ['States.Nope(1)', /unknown function States.Nope/],
    ['States.ArrayLength()', /takes 1 argument/],
    ['States.MathAdd(1, 2, 3)', /takes 2 argument/],
    ["States.Format('abc", /unterminated string/],
    ['States.Array(1 2)', /expected "," or "\)"/],
    ['States.Array(1) trailing', /unexpected/],
    ['States.Array(banana)', /unexpected argument/],
    ['States.Array($..x)', /recursive descent/],
  ] as const) {
    test(`rejects ${text}`, () => assert.throws(() => parseIntrinsic(text), message));
  }
});

describe('intrinsic functions', () => {
  test('States.Format fills {} in order and keeps escaped braces', () => {
    assert.equal(evaluate("States.Format('Hello, {}! You have {} items, {} {}.', $.name, $.n, true, null)"), 'Hello, Ana! You have 3 items, true null.');
    assert.equal(evaluate("States.Format('\\{{}\\}', $.name)"), '{Ana}');
  });
  test('States.Format rejects a placeholder/argument mismatch and object arguments', () => {
    assert.throws(() => evaluate("States.Format('{} {}', $.name)"), IntrinsicEvaluationError);
    assert.throws(() => evaluate("States.Format('{}', $.name, $.n)"), /1 \{\} placeholder\(s\) but 2 argument/);
    assert.throws(() => evaluate("States.Format('{}', $.obj)"), /must be strings, numbers, booleans or null, got object/);
  });
  test('States.StringToJson and States.JsonToString', () => {
    assert.deepEqual(evaluate('States.StringToJson($.json)'), { a: [1, 2] });
    assert.equal(evaluate('States.JsonToString($.obj)'), '{"a":1,"b,c":"comma"}');
    assert.throws(() => evaluate("States.StringToJson('{nope')"), /not valid JSON/);
  });
  test('States.Array, ArrayLength, ArrayContains (deep equality)', () => {
    assert.deepEqual(evaluate("States.Array('a', $.n, $.obj.a)"), ['a', 3, 1]);
    assert.equal(evaluate('States.ArrayLength($.list)'), 4);
    assert.equal(evaluate('States.ArrayContains($.list, 3)'), true);
    assert.equal(evaluate('States.ArrayContains($.list, 9)'), false);
    assert.equal(evaluate('States.ArrayContains(States.Array($.obj), $.obj)'), true);
    assert.throws(() => evaluate('States.ArrayLength($.name)'), /must be an array, got string/);
  });
  test('States.ArrayPartition, ArrayRange, ArrayGetItem, ArrayUnique', () => {
    assert.deepEqual(evaluate('States.ArrayPartition($.list, 3)'), [[1, 2, 2], [3]]);
    assert.deepEqual(evaluate('States.ArrayRange(1, 9, 3)'), [1, 4, 7]);
    assert.deepEqual(evaluate('States.ArrayRange(3, 1, -1)'), [3, 2, 1]);
    assert.equal(evaluate('States.ArrayGetItem($.list, 3)'), 3);
    assert.throws(() => evaluate('States.ArrayGetItem($.list, 4)'), /out of bounds/);
    assert.deepEqual(evaluate('States.ArrayUnique($.list)'), [1, 2, 3]);
  });
  test('States.Hash with SHA-256, MD5 and an unknown algorithm', () => {
    assert.equal(evaluate("States.Hash('abc', 'SHA-256')"), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(evaluate("States.Hash('abc', 'MD5')"), '900150983cd24fb0d6963f7d28e17f72');
    assert.throws(() => evaluate("States.Hash('abc', 'SHA-3')"), /algorithm must be one of/);
  });
  test('States.Base64Encode / Base64Decode', () => {
    assert.equal(evaluate("States.Base64Encode('Data to encode')"), 'RGF0YSB0byBlbmNvZGU=');
    assert.equal(evaluate("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), 'Data to encode');
    assert.throws(() => evaluate("States.Base64Decode('***')"), /not valid base64/);
  });
  test('States.MathAdd and States.MathRandom (injected randomness, seeded repeatability)', () => {
    assert.equal(evaluate('States.MathAdd($.n, -5)'), -2);
    assert.equal(evaluate('States.MathRandom(10, 20)', () => 0), 10);
    assert.equal(evaluate('States.MathRandom(10, 20)', () => 0.999), 19);
    assert.equal(evaluate('States.MathRandom(1, 1000, 42)'), evaluate('States.MathRandom(1, 1000, 42)', () => 0));
    assert.throws(() => evaluate("States.MathAdd($.name, 1)"), /must be a number/);
  });
  test('States.StringSplit splits on any of the separator characters', () => {
    assert.deepEqual(evaluate("States.StringSplit('1,2,3', ',')"), ['1', '2', '3']);
    assert.deepEqual(evaluate("States.StringSplit('This.is+a,test=string', '.+,=')"), ['This', 'is', 'a', 'test', 'string']);
  });
  test('States.JsonMerge is shallow and refuses a deep merge', () => {
    assert.deepEqual(evaluate('States.JsonMerge($.obj, $.other, false)'), { a: 2, 'b,c': 'comma', z: true });
    assert.throws(() => evaluate('States.JsonMerge($.obj, $.other, true)'), /shallow merge/);
  });
  test('States.UUID gives a fresh v4 UUID', () => {
    const uuid = evaluate('States.UUID()');
    assert.match(String(uuid), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(uuid, evaluate('States.UUID()'));
  });
  test('nested calls and context paths', () => {
    assert.equal(evaluate("States.Format('{} has {} items', $$.Execution.Name, States.ArrayLength($.list))"), 'run-7 has 4 items');
  });
  test('a missing path argument fails the evaluation', () => {
    assert.throws(() => evaluate('States.ArrayLength($.nope)'), /JSONPath \$\.nope could not be found/);
  });
});
