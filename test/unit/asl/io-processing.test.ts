import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, single, START } from './harness.ts';

const INVOKE = 'arn:aws:states:::lambda:invoke';

describe('input and output processing', () => {
  test('Task: InputPath → Parameters → ResultSelector → ResultPath → OutputPath, in that order', async () => {
    const { run, invocations } = harness({ echo: (payload) => ({ seen: payload, extra: 'dropped' }) });
    const result = await run(
      single({
        Type: 'Task',
        Resource: INVOKE,
        InputPath: '$.job', // the task only sees "job"…
        Parameters: { FunctionName: 'echo', Payload: { 'id.$': '$.id', fixed: 'yes' } },
        ResultSelector: { 'seen.$': '$.Payload.seen', 'status.$': '$.StatusCode' },
        ResultPath: '$.job.result', // …but the result lands in the raw input
        OutputPath: '$.job',
      }),
      { job: { id: 'j-1' }, noise: true },
    );
    assert.deepEqual(invocations[0]?.payload, { id: 'j-1', fixed: 'yes' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(result.output, { id: 'j-1', result: { seen: { id: 'j-1', fixed: 'yes' }, status: 200 } });
  });

  test('the lambda:invoke result has the AWS shape', async () => {
    const { run } = harness({ f: () => ({ ok: 1 }) });
    const result = await run(single({ Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'f' } }));
    assert.deepEqual(result.output, { ExecutedVersion: '$LATEST', Payload: { ok: 1 }, StatusCode: 200 });
  });

  test('the handler gets {} when Payload is absent, and null Payload when it returns nothing', async () => {
    const { run, invocations } = harness({ f: () => undefined });
    const result = await run(
      single({ Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'f' }, OutputPath: '$.Payload' }),
      { a: 1 },
    );
    assert.deepEqual(invocations[0]?.payload, {});
    assert.equal(result.output, null);
  });

  test('payloads cross a JSON boundary: the handler cannot mutate the workflow data', async () => {
    const { run } = harness({
      f: (payload) => {
        (payload as { list: number[] }).list.push(99);
        return { when: new Date(START), skipped: undefined };
      },
    });
    const result = await run(
      single({
        Type: 'Task',
        Resource: INVOKE,
        Parameters: { FunctionName: 'f', 'Payload.$': '$' },
        ResultPath: '$.r',
        ResultSelector: { 'p.$': '$.Payload' },
      }),
      { list: [1] },
    );
    assert.deepEqual(result.output, { list: [1], r: { p: { when: '2024-01-01T00:00:00.000Z' } } });
  });

  test('null paths: InputPath null gives {}, ResultPath null keeps the input, OutputPath null gives {}', async () => {
    const { run, invocations } = harness({ f: () => 'result' });
    const keep = await run(single({ Type: 'Task', Resource: 'f', InputPath: null, ResultPath: null }), { a: 1 });
    assert.deepEqual(invocations[0]?.payload, {});
    assert.deepEqual(keep.output, { a: 1 });
    const empty = await run(single({ Type: 'Pass', OutputPath: null }), { a: 1 });
    assert.deepEqual(empty.output, {});
  });

  test('Pass: Result replaces the input by default; Parameters shape it; ResultPath merges', async () => {
    const { run } = harness();
    assert.deepEqual((await run(single({ Type: 'Pass', Result: { r: 1 } }), { a: 1 })).output, { r: 1 });
    assert.deepEqual((await run(single({ Type: 'Pass', Result: 'x', ResultPath: '$.r' }), { a: 1 })).output, {
      a: 1,
      r: 'x',
    });
    assert.deepEqual(
      (await run(single({ Type: 'Pass', Parameters: { 'b.$': '$.a', c: [{ 'd.$': '$.a' }] } }), { a: 1 })).output,
      { b: 1, c: [{ d: 1 }] },
    );
    assert.deepEqual((await run(single({ Type: 'Pass' }), { a: 1 })).output, { a: 1 });
  });

  test('the context object: execution, state and state machine', async () => {
    const { run } = harness();
    const result = await run(
      single({
        Type: 'Pass',
        Parameters: {
          'id.$': '$$.Execution.Id',
          'name.$': '$$.Execution.Name',
          'input.$': '$$.Execution.Input',
          'start.$': '$$.Execution.StartTime',
          'state.$': '$$.State.Name',
          'entered.$': '$$.State.EnteredTime',
          'machine.$': '$$.StateMachine.Name',
        },
      }),
      { original: true },
    );
    assert.deepEqual(result.output, {
      id: 'arn:aws:states:us-east-1:123456789012:execution:machine-1:run',
      name: 'run',
      input: { original: true },
      start: '2024-01-01T00:00:00.000Z',
      state: 'S',
      entered: '2024-01-01T00:00:00.000Z',
      machine: 'machine-1',
    });
  });

  test('a path that matches nothing in Parameters fails the execution with States.Runtime, naming state and field', async () => {
    const { run } = harness();
    const result = await run(single({ Type: 'Pass', Parameters: { 'x.$': '$.missing' } }), { a: 1 });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.Runtime');
    assert.match(
      result.cause ?? '',
      /executing the state 'S'.*The JSONPath '\$\.missing' specified for the field 'x\.\$' could not be found/,
    );
  });

  test('States.Runtime is not caught by a States.ALL Catch (spec: it always fails the execution)', async () => {
    const { run } = harness({ f: () => 'ok' });
    const result = await run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'f',
          OutputPath: '$.nope',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.Runtime');
    assert.match(result.cause ?? '', /Invalid path '\$\.nope' for OutputPath/);
  });

  test('a ResultPath that cannot be applied is States.Runtime', async () => {
    const { run } = harness();
    const result = await run(single({ Type: 'Pass', Result: 1, ResultPath: '$.a.b' }), { a: 'text' });
    assert.equal(result.error, 'States.Runtime');
    assert.match(result.cause ?? '', /Unable to apply ResultPath '\$\.a\.b'/);
  });
});
