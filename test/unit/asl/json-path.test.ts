import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../../../lib/local/asl/json.ts';
import { isReferencePath, NOT_FOUND, parseJsonPath, readPath, writePath } from '../../../lib/local/asl/json-path.ts';

const input: JsonObject = {
  a: { b: 'deep', list: [10, 20, 30, 40] },
  'x y': 1,
  "it's": 2,
  people: [{ name: 'ana' }, { name: 'bo' }],
};

const read = (path: string, value: JsonValue = input, context?: JsonObject) =>
  readPath(parseJsonPath(path), value, context);

describe('JSONPath reading', () => {
  test('$ is the whole value', () => assert.deepEqual(read('$'), input));
  test('dot names', () => assert.equal(read('$.a.b'), 'deep'));
  test('array index, negative index from the end', () => {
    assert.equal(read('$.a.list[0]'), 10);
    assert.equal(read('$.a.list[-1]'), 40);
  });
  test('bracket names with quotes and spaces', () => {
    assert.equal(read("$['x y']"), 1);
    assert.equal(read('$["x y"]'), 1);
    assert.equal(read("$['it\\'s']"), 2);
    assert.equal(read("$['a']['b']"), 'deep');
  });
  test('wildcards and slices give arrays', () => {
    assert.deepEqual(read('$.people[*].name'), ['ana', 'bo']);
    assert.deepEqual(read('$.a.list[1:3]'), [20, 30]);
    assert.deepEqual(read('$.a.list[::2]'), [10, 30]);
    assert.deepEqual(read('$.a.*'), ['deep', [10, 20, 30, 40]]);
    assert.deepEqual(read('$.missing[*]'), []);
  });
  test('a missing node is NOT_FOUND, also out of range and through non-objects', () => {
    assert.equal(read('$.nope'), NOT_FOUND);
    assert.equal(read('$.a.list[9]'), NOT_FOUND);
    assert.equal(read('$.a.b.c'), NOT_FOUND);
  });
  test('inherited properties are not found', () => {
    assert.equal(read('$.constructor'), NOT_FOUND);
    assert.equal(read('$.a.list.length'), NOT_FOUND);
  });
  test('a null value is found (it is not missing)', () => assert.equal(read('$.v', { v: null }), null));
  test('$$ reads the context object', () => {
    assert.equal(read('$$.Execution.Name', {}, { Execution: { Name: 'run-1' } }), 'run-1');
    assert.equal(read('$$.Execution.Name', {}), NOT_FOUND);
  });
});

describe('JSONPath syntax', () => {
  for (const [path, message] of [
    ['a.b', /must start with "\$"/],
    ['$..a', /recursive descent/],
    ['$.a[?(@.x)]', /filter/],
    ['$.a[0,1]', /unions/],
    ['$.a[', /missing "]"/],
    ['$.', /empty name/],
    ["$['a]", /unterminated/],
    ['$.a[x]', /unsupported subscript/],
  ] as const) {
    test(`rejects ${path}`, () => assert.throws(() => parseJsonPath(path), message));
  }
  test('definite and reference paths', () => {
    assert.equal(parseJsonPath('$.a[0]').definite, true);
    assert.equal(parseJsonPath('$.a[*]').definite, false);
    assert.equal(isReferencePath(parseJsonPath('$.a[0].b')), true);
    assert.equal(isReferencePath(parseJsonPath('$.a[-1]')), false);
    assert.equal(isReferencePath(parseJsonPath('$.a[1:2]')), false);
  });
});

describe('JSONPath writing (ResultPath)', () => {
  test('$ replaces the whole value', () => assert.deepEqual(writePath({ a: 1 }, parseJsonPath('$'), 'r'), 'r'));
  test('creates missing objects on the way, without touching the original', () => {
    const original = { a: 1 };
    assert.deepEqual(writePath(original, parseJsonPath('$.x.y'), 'r'), { a: 1, x: { y: 'r' } });
    assert.deepEqual(original, { a: 1 });
  });
  test('replaces an existing field and writes into an existing array slot', () => {
    assert.deepEqual(writePath({ a: { b: 1, c: 2 } }, parseJsonPath('$.a.b'), 9), { a: { b: 9, c: 2 } });
    assert.deepEqual(writePath({ l: [1, 2] }, parseJsonPath('$.l[1]'), 9), { l: [1, 9] });
  });
  test('fails when the path crosses a non-object or a missing array slot', () => {
    assert.throws(() => writePath({ a: 'text' }, parseJsonPath('$.a.b'), 1), /cannot set "b" on a string/);
    assert.throws(() => writePath('text', parseJsonPath('$.a'), 1), /cannot set "a" on a string/);
    assert.throws(() => writePath({ l: [] }, parseJsonPath('$.l[0]'), 1), /index \[0\] does not exist/);
  });
});
