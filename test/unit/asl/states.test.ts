import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { flush, harness, NamedError, single } from './harness.ts';

describe('Choice state', () => {
  const definition = {
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.kind', StringEquals: 'pdf', Next: 'Pdf' },
          {
            And: [
              { Variable: '$.pages', IsPresent: true },
              { Variable: '$.pages', NumericGreaterThan: 10 },
            ],
            Next: 'Big',
          },
        ],
        Default: 'Other',
      },
      Pdf: { Type: 'Pass', Result: 'pdf', End: true },
      Big: { Type: 'Pass', Result: 'big', End: true },
      Other: { Type: 'Pass', Result: 'other', End: true },
    },
  };
  test('takes the first matching rule, else Default', async () => {
    const { run } = harness();
    assert.equal((await run(definition, { kind: 'pdf', pages: 50 })).output, 'pdf');
    assert.equal((await run(definition, { kind: 'png', pages: 50 })).output, 'big');
    assert.equal((await run(definition, { kind: 'png' })).output, 'other');
  });
  test('passes its (InputPath/OutputPath-filtered) input on unchanged', async () => {
    const { run } = harness();
    const result = await run(
      {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', InputPath: '$.x', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'D' }] },
          D: { Type: 'Succeed' },
        },
      },
      { x: { go: true }, y: 1 },
    );
    assert.deepEqual(result.output, { go: true });
  });
  test('no match and no Default fails with States.NoChoiceMatched', async () => {
    const { run } = harness();
    const result = await run(single({ Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'S' }] }), {
      a: 1,
    });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.NoChoiceMatched');
  });
});

describe('Succeed and Fail states', () => {
  test('Succeed ends the execution with its OutputPath-filtered input', async () => {
    const { run } = harness();
    const result = await run(single({ Type: 'Succeed', OutputPath: '$.keep' }), { keep: { k: 1 }, drop: 2 });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(result.output, { k: 1 });
  });
  test('Fail with Error and Cause', async () => {
    const { run } = harness();
    const result = await run(single({ Type: 'Fail', Error: 'Rejected', Cause: 'bad scan' }));
    assert.deepEqual([result.status, result.error, result.cause], ['FAILED', 'Rejected', 'bad scan']);
    assert.equal(result.output, undefined);
  });
  test('Fail with ErrorPath and CausePath', async () => {
    const { run } = harness();
    const definition = single({ Type: 'Fail', ErrorPath: '$.code', CausePath: '$.why' });
    const result = await run(definition, { code: 'E42', why: 'document d1 refused' });
    assert.deepEqual([result.error, result.cause], ['E42', 'document d1 refused']);
  });
});

describe('Map state', () => {
  test('ItemsPath + ItemSelector with $$.Map.Item, ItemProcessor, ResultSelector, ResultPath', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:page';
    const { run, invocations } = harness({ [arn]: (payload) => ({ done: (payload as { index: number }).index }) });
    const result = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.pages',
        ItemSelector: { 'index.$': '$$.Map.Item.Index', 'page.$': '$$.Map.Item.Value', 'doc.$': '$.doc' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Ocr',
          States: { Ocr: { Type: 'Task', Resource: arn, End: true } },
        },
        ResultSelector: { 'first.$': '$[0]', 'all.$': '$' },
        ResultPath: '$.ocr',
      }),
      { doc: 'd1', pages: ['p0', 'p1', 'p2'] },
    );
    assert.deepEqual(
      invocations.map((invocation) => invocation.payload),
      [0, 1, 2].map((index) => ({ index, page: `p${index}`, doc: 'd1' })),
    );
    assert.equal(invocations[0]?.functionName, arn);
    assert.deepEqual(result.output, {
      doc: 'd1',
      pages: ['p0', 'p1', 'p2'],
      ocr: { first: { done: 0 }, all: [{ done: 0 }, { done: 1 }, { done: 2 }] },
    });
  });
  test('legacy Iterator and Parameters; an empty array gives []', async () => {
    const { run } = harness();
    const definition = single({
      Type: 'Map',
      Parameters: { 'v.$': '$$.Map.Item.Value' },
      Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    });
    assert.deepEqual((await run(definition, ['a', 'b'])).output, [{ v: 'a' }, { v: 'b' }]);
    assert.deepEqual((await run(definition, [])).output, []);
  });
  test('MaxConcurrency bounds how many iterations run at once', async () => {
    let active = 0;
    let peak = 0;
    const { run } = harness({
      work: async (payload) => {
        active += 1;
        peak = Math.max(peak, active);
        await flush(2);
        active -= 1;
        return payload;
      },
    });
    const definition = (limit: number) =>
      single({
        Type: 'Map',
        MaxConcurrency: limit,
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Task', Resource: 'work', End: true } } },
      });
    const items = [1, 2, 3, 4, 5, 6];
    assert.deepEqual((await run(definition(2), items)).output, items);
    assert.equal(peak, 2);
    peak = 0;
    await run(definition(0), items);
    assert.equal(peak, 6);
  });
  test('ItemsPath must point to an array', async () => {
    const { run } = harness();
    const result = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.x',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      }),
      { x: 'nope' },
    );
    assert.equal(result.error, 'States.Runtime');
    assert.match(result.cause ?? '', /must point to an array/);
  });
  test('a failed iteration fails the Map with its error', async () => {
    const { run, sfn } = harness({
      check: (payload) => (payload === 2 ? Promise.reject(new NamedError('BadPage', 'page 2')) : payload),
    });
    const result = await run(
      single({
        Type: 'Map',
        MaxConcurrency: 1,
        ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'check', End: true } } },
      }),
      [1, 2, 3],
    );
    assert.equal(result.error, 'BadPage');
    const types = sfn.getExecutionHistory(result.executionArn).map((event) => event.type);
    assert.deepEqual(
      types.filter((type) => type.startsWith('MapIteration')),
      ['MapIterationStarted', 'MapIterationSucceeded', 'MapIterationStarted', 'MapIterationFailed'],
    );
  });
});

describe('Task resources', () => {
  test('a bare function name or ARN as Resource: the payload is the effective input and the result is the handler result', async () => {
    const { run, invocations } = harness({ plain: (payload) => ({ got: payload }) });
    const result = await run(single({ Type: 'Task', Resource: 'plain', Parameters: { 'x.$': '$.a' } }), { a: 1 });
    assert.deepEqual(invocations[0], { functionName: 'plain', payload: { x: 1 } });
    assert.deepEqual(result.output, { got: { x: 1 } });
  });
});
