import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStepFunctions } from '../../../lib/local/asl/index.ts';
import { deferred, flush, harness, single, START } from './harness.ts';

const INVOKE = 'arn:aws:states:::lambda:invoke';

/** A machine whose only task waits until the test releases it. */
function blockingHarness() {
  const release = deferred<void>();
  const h = harness({ hold: () => release.promise.then(() => 'released') });
  h.sfn.createStateMachine('blocking', JSON.stringify(single({ Type: 'Task', Resource: 'hold' })), {});
  return { h, release };
}

describe('startExecution', () => {
  test('returns at once with a RUNNING execution that finishes in the background', async () => {
    const { h, release } = blockingHarness();
    const started = h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 1 } });
    assert.equal(started.alreadyStarted, false);
    assert.equal(started.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:blocking:doc-1');
    assert.equal(h.sfn.describeExecution(started.executionArn).status, 'RUNNING');
    release.resolve();
    const done = await h.sfn.waitForExecution(started.executionArn);
    assert.deepEqual([done.status, done.output, done.startDate.getTime()], ['SUCCEEDED', 'released', START]);
    assert.ok(done.stopDate instanceof Date);
  });

  test('is idempotent: same name and same input while running returns the same execution', async () => {
    const { h, release } = blockingHarness();
    const first = h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 1, b: [1, 2] } });
    const again = h.sfn.startExecution('blocking', { name: 'doc-1', input: { b: [1, 2], a: 1 } });
    assert.deepEqual(again, { ...first, alreadyStarted: true });
    assert.equal(h.sfn.listExecutions('blocking').length, 1);
    release.resolve();
    await h.sfn.waitForExecution(first.executionArn);
    assert.equal(h.invocations.length, 1);
  });

  test('same name with a different input throws ExecutionAlreadyExists', () => {
    const { h } = blockingHarness();
    h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 1 } });
    assert.throws(() => h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 2 } }), {
      name: 'ExecutionAlreadyExists',
      message: /different input/,
    });
  });

  test('a finished execution is also found again by name and input (AWS would answer ExecutionAlreadyExists)', async () => {
    const { h, release } = blockingHarness();
    release.resolve();
    const first = h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 1 } });
    await h.sfn.waitForExecution(first.executionArn);
    assert.deepEqual(h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 1 } }), {
      ...first,
      alreadyStarted: true,
    });
    assert.throws(() => h.sfn.startExecution('blocking', { name: 'doc-1', input: { a: 2 } }), {
      name: 'ExecutionAlreadyExists',
    });
    await flush();
    assert.equal(h.invocations.length, 1, 'the workflow ran once');
  });

  test('bad names and unknown machines/executions are rejected with AWS error names', () => {
    const { h } = blockingHarness();
    assert.throws(() => h.sfn.startExecution('blocking', { name: 'has space' }), { name: 'InvalidName' });
    assert.throws(() => h.sfn.startExecution('blocking', { name: 'x'.repeat(81) }), { name: 'InvalidName' });
    assert.throws(() => h.sfn.startExecution('nope', { name: 'a' }), { name: 'StateMachineDoesNotExist' });
    assert.throws(() => h.sfn.describeExecution('arn:nope'), { name: 'ExecutionDoesNotExist' });
    assert.throws(() => h.sfn.startExecution('blocking', { name: 'bigint', input: { big: 10n } }), {
      name: 'InvalidExecutionInput',
    });
  });

  test('the machine can be named by ARN; input defaults to {} and the name to a UUID', async () => {
    const { h, release } = blockingHarness();
    release.resolve();
    const { executionArn } = h.sfn.startExecution('arn:aws:states:us-east-1:123456789012:stateMachine:blocking');
    const done = await h.sfn.waitForExecution(executionArn);
    assert.deepEqual(done.input, {});
    assert.match(done.name, /^[0-9a-f-]{36}$/);
  });
});

describe('listExecutions and stopExecution', () => {
  test('lists newest first, filtered by status; stopExecution aborts', async () => {
    const { h } = blockingHarness();
    const first = h.sfn.startExecution('blocking', { name: 'one' });
    const second = h.sfn.startExecution('blocking', { name: 'two' });
    assert.deepEqual(
      h.sfn.listExecutions('blocking').map((item) => item.name),
      ['two', 'one'],
    );
    h.sfn.stopExecution(first.executionArn, { error: 'Cancelled', cause: 'user' });
    const stopped = await h.sfn.waitForExecution(first.executionArn);
    assert.deepEqual([stopped.status, stopped.error, stopped.cause], ['ABORTED', 'Cancelled', 'user']);
    assert.deepEqual(
      h.sfn.listExecutions('blocking', 'RUNNING').map((item) => item.executionArn),
      [second.executionArn],
    );
    assert.deepEqual(
      h.sfn.listExecutions('blocking', 'ABORTED').map((item) => item.executionArn),
      [first.executionArn],
    );
    assert.equal(h.sfn.getExecutionHistory(first.executionArn).at(-1)?.type, 'ExecutionAborted');
  });

  test('nothing is recorded after the final event, even by iterations winding down', async () => {
    const h = harness({ hold: () => new Promise(() => {}) });
    const { executionArn } = h.start(
      single({
        Type: 'Map',
        ItemProcessor: { StartAt: 'H', States: { H: { Type: 'Task', Resource: 'hold', End: true } } },
      }),
      [1, 2],
    );
    await flush();
    assert.equal(h.invocations.length, 2);
    h.sfn.stopExecution(executionArn);
    await flush();
    const types = h.sfn.getExecutionHistory(executionArn).map((event) => event.type);
    assert.equal(types.at(-1), 'ExecutionAborted');
    assert.ok(!types.includes('MapIterationAborted'));
  });

  test('the machine-level TimeoutSeconds times the execution out', async () => {
    const h = harness({ hold: () => new Promise(() => {}) });
    const result = await h.run({ TimeoutSeconds: 300, ...single({ Type: 'Task', Resource: 'hold' }) });
    assert.deepEqual([result.status, result.error], ['TIMED_OUT', 'States.Timeout']);
    assert.deepEqual(h.sleeps, [300_000]);
    assert.equal(h.sfn.getExecutionHistory(result.executionArn).at(-1)?.type, 'ExecutionTimedOut');
  });
});

describe('history', () => {
  test('a small run records AWS-like events with ids, previous ids, timestamps and details', async () => {
    const h = harness({ ocr: () => ({ text: 'hi' }) });
    const result = await h.run(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Result: { doc: 'd1' }, Next: 'Ocr' },
          Ocr: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { FunctionName: 'ocr', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      { start: true },
    );
    const events = h.sfn.getExecutionHistory(result.executionArn);
    assert.deepEqual(
      events.map((event) => [event.id, event.previousEventId, event.type]),
      [
        [1, 0, 'ExecutionStarted'],
        [2, 1, 'PassStateEntered'],
        [3, 2, 'PassStateExited'],
        [4, 3, 'TaskStateEntered'],
        [5, 4, 'TaskScheduled'],
        [6, 5, 'TaskStarted'],
        [7, 6, 'TaskSucceeded'],
        [8, 7, 'TaskStateExited'],
        [9, 8, 'SucceedStateEntered'],
        [10, 9, 'SucceedStateExited'],
        [11, 10, 'ExecutionSucceeded'],
      ],
    );
    assert.ok(events.every((event) => event.timestamp.getTime() === START));
    assert.deepEqual(events[0]?.executionStartedEventDetails?.input, '{"start":true}');
    assert.deepEqual(events[1]?.stateEnteredEventDetails, { name: 'Prepare', input: '{"start":true}' });
    assert.deepEqual(events[2]?.stateExitedEventDetails, { name: 'Prepare', output: '{"doc":"d1"}' });
    assert.deepEqual(events[4]?.taskScheduledEventDetails, {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"ocr","Payload":{"doc":"d1"}}',
    });
    assert.deepEqual(events[6]?.taskSucceededEventDetails, {
      resourceType: 'lambda',
      resource: 'invoke',
      output: '{"ExecutedVersion":"$LATEST","Payload":{"text":"hi"},"StatusCode":200}',
    });
    assert.deepEqual(events[10]?.executionSucceededEventDetails, { output: '{"text":"hi"}' });
  });

  test('a failure records TaskFailed then ExecutionFailed, and a Fail state records FailStateEntered', async () => {
    const h = harness({ f: () => Promise.reject(Object.assign(new Error('nope'), { name: 'Boom' })) });
    const failed = await h.run(single({ Type: 'Task', Resource: 'f' }));
    const events = h.sfn.getExecutionHistory(failed.executionArn);
    assert.deepEqual(events.map((event) => event.type).slice(-2), ['LambdaFunctionFailed', 'ExecutionFailed']);
    assert.deepEqual(events.at(-1)?.executionFailedEventDetails, {
      error: 'Boom',
      cause: '{"errorType":"Boom","errorMessage":"nope"}',
    });
    const fail = await h.run(single({ Type: 'Fail', Error: 'E' }));
    assert.deepEqual(
      h.sfn.getExecutionHistory(fail.executionArn).map((event) => event.type),
      ['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed'],
    );
  });
});

describe('definitions', () => {
  const definition = JSON.stringify({
    Comment: 'digitize',
    StartAt: 'Ocr',
    States: {
      Ocr: {
        Type: 'Task',
        Resource: INVOKE,
        Parameters: { FunctionName: '${OcrFunction}', 'Payload.$': '$' },
        Next: 'Store',
      },
      Store: { Type: 'Task', Resource: '${StoreFunctionArn}', End: true },
    },
  });

  test('${Name} substitutions are applied to the text before parsing', async () => {
    const h = harness({
      'khoso-ocr': () => 'text',
      'arn:aws:lambda:eu-west-3:123456789012:function:khoso-store': (payload) => ({ stored: payload }),
    });
    h.sfn.createStateMachine('digitize', definition, {
      OcrFunction: 'khoso-ocr',
      StoreFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:khoso-store',
    });
    const { executionArn } = h.sfn.startExecution('digitize', { name: 'd1', input: { doc: 1 } });
    const result = await h.sfn.waitForExecution(executionArn);
    assert.deepEqual(
      h.invocations.map((invocation) => invocation.functionName),
      ['khoso-ocr', 'arn:aws:lambda:eu-west-3:123456789012:function:khoso-store'],
    );
    assert.equal(result.status, 'SUCCEEDED');
  });

  test('an unresolved ${…} is rejected', () => {
    const h = harness();
    assert.throws(() => h.sfn.createStateMachine('digitize', definition, { OcrFunction: 'x' }), {
      name: 'InvalidDefinition',
      message: /unresolved definition substitution\(s\): \$\{StoreFunctionArn\}/,
    });
  });

  test('creating the same machine twice is a no-op; a different definition under the same name is refused', () => {
    const h = harness();
    const subs = { OcrFunction: 'a', StoreFunctionArn: 'b' };
    const first = h.sfn.createStateMachine('digitize', definition, subs);
    assert.deepEqual(h.sfn.createStateMachine('digitize', definition, subs), first);
    assert.throws(() => h.sfn.createStateMachine('digitize', definition, { ...subs, OcrFunction: 'c' }), {
      name: 'StateMachineAlreadyExists',
    });
  });

  const unsupported: [string, object, RegExp][] = [
    [
      'another AWS service',
      single({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {} }),
      /State "S" field "Resource": "arn:aws:states:::dynamodb:putItem" is not supported/,
    ],
    [
      'a .sync integration',
      single({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: {} }),
      /field "Resource".*not supported/,
    ],
    [
      'workflow variables',
      single({ Type: 'Pass', Assign: { x: 1 } }),
      /State "S" \(Pass\) field "Assign": not supported by the local interpreter \(workflow variables/,
    ],
    ['JSONata', { QueryLanguage: 'JSONata', ...single({ Type: 'Pass' }) }, /QueryLanguage.*only JSONPath/],
    [
      'Distributed Map',
      single({
        Type: 'Map',
        ItemReader: {},
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      }),
      /State "S" \(Map\) field "ItemReader".*Distributed Map/,
    ],
    [
      'DISTRIBUTED mode',
      single({
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
      }),
      /field "ItemProcessor.ProcessorConfig": only \{"Mode": "INLINE"\}/,
    ],
    ['an unknown field', single({ Type: 'Pass', Reslt: 1 }), /State "S" \(Pass\) field "Reslt": not supported/],
    [
      'an unknown state type',
      single({ Type: 'Sleep' }),
      /State "S" field "Type": "Sleep" is not a supported state type/,
    ],
    [
      'a recursive-descent path',
      single({ Type: 'Pass', InputPath: '$..a' }),
      /State "S" \(Pass\) field "InputPath": invalid JSONPath "\$\.\.a": recursive descent/,
    ],
    [
      'an intrinsic function',
      single({ Type: 'Pass', Parameters: { 'a.$': "States.Format('{}', $.a)" } }),
      /State "S" field "Parameters": field "a\.\$": intrinsic functions such as "States\.Format\('\{\}', \$\.a\)"/,
    ],
    [
      'an intrinsic function in a nested ResultSelector',
      single({ Type: 'Task', Resource: 'f', ResultSelector: { n: { 'x.$': 'States.UUID()' } } }),
      /field "x\.\$": intrinsic functions such as "States\.UUID\(\)" are not supported/,
    ],
    [
      'an intrinsic function in a Fail state',
      single({ Type: 'Fail', CausePath: "States.Format('{}', $.a)" }),
      /State "S": field "CausePath": intrinsic functions .* are not supported/,
    ],
    [
      'a Wait state',
      single({ Type: 'Wait', Seconds: 5 }),
      /State "S" field "Type": not supported by the local interpreter \(Wait states/,
    ],
    [
      'a Parallel state',
      single({ Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }] }),
      /State "S" field "Type": not supported by the local interpreter \(Parallel states/,
    ],
    [
      'a callback task that does not pass the token',
      single({ Type: 'Task', Resource: `${INVOKE}.waitForTaskToken`, Parameters: { FunctionName: 'f' } }),
      /must pass "\$\$\.Task\.Token"/,
    ],
    [
      'a missing Next target',
      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } },
      /State "A" field "Next": "B" is not a state of the same branch/,
    ],
    [
      'a transition out of a Map iteration',
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Out' } } },
            Next: 'Out',
          },
          Out: { Type: 'Succeed' },
        },
      },
      /State "X" field "Next": "Out" is not a state of the same branch/,
    ],
    [
      'an unreachable state',
      { StartAt: 'A', States: { A: { Type: 'Pass', End: true }, B: { Type: 'Pass', End: true } } },
      /State "B": not reachable from StartAt "A"/,
    ],
    [
      'States.ALL not last',
      single({ Type: 'Task', Resource: 'f', Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] }),
      /"States.ALL" must appear alone and in the last element/,
    ],
  ];
  for (const [name, bad, message] of unsupported) {
    test(`rejects ${name} with a message naming the state and field`, () => {
      const h = harness();
      assert.throws(
        () => h.sfn.createStateMachine('bad', JSON.stringify(bad), {}),
        (error: Error) => {
          assert.equal(error.name, 'InvalidDefinition');
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('robustness', () => {
  test('an invokeFunction that throws synchronously fails the execution, not the process', async () => {
    const sfn = new LocalStepFunctions({
      invokeFunction: () => {
        throw new TypeError('handler crashed');
      },
      aslValidation: false,
    });
    sfn.createStateMachine('m', JSON.stringify(single({ Type: 'Task', Resource: 'f' })), {});
    const { executionArn } = sfn.startExecution('m', { name: 'x' });
    const result = await sfn.waitForExecution(executionArn);
    assert.deepEqual([result.status, result.error], ['FAILED', 'TypeError']);
  });

  test('a task result arriving after a timeout is ignored', async () => {
    const late = deferred<string>();
    const h = harness({ f: () => late.promise });
    const result = await h.run(single({ Type: 'Task', Resource: 'f', TimeoutSeconds: 5 }));
    late.resolve('too late');
    await flush();
    assert.equal(h.sfn.describeExecution(result.executionArn).error, 'States.Timeout');
  });
});
