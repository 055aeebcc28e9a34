import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStepFunctions, type TaskInvocation } from '../../../lib/local/asl/index.ts';
import { deferred } from './harness.ts';

/**
 * A realistic workflow using most supported features, loaded with asl-validator on (the
 * default), then run end to end: the success path with a callback, and the retry → catch → Fail path.
 */
const definition = JSON.stringify({
  Comment: 'digitize-like workflow',
  TimeoutSeconds: 3600,
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: { 'key.$': '$.id', 'execution.$': '$$.Execution.Name' },
      ResultPath: '$.prepared',
      Next: 'Ocr',
    },
    Ocr: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${OcrFunction}', 'Payload.$': '$.prepared' },
      ResultSelector: { 'text.$': '$.Payload.text' },
      ResultPath: '$.ocr',
      TimeoutSeconds: 60,
      Retry: [
        {
          ErrorEquals: ['Lambda.ServiceException', 'TransientStoreError'],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          MaxDelaySeconds: 30,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Review',
    },
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${NotifyFunction}',
        Payload: { 'token.$': '$$.Task.Token', 'key.$': '$.prepared.key' },
      },
      HeartbeatSeconds: 600,
      ResultPath: '$.review',
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.review.approved', BooleanEquals: true, Next: 'Pages' },
        { Not: { Variable: '$.review.reason', IsPresent: true }, Next: 'Failed' },
      ],
      Default: 'Pages',
    },
    Pages: {
      Type: 'Map',
      ItemsPath: '$.pages',
      MaxConcurrency: 2,
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'page.$': '$$.Map.Item.Value', 'key.$': '$.prepared.key' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Page',
        States: { Page: { Type: 'Task', Resource: '${PageFunctionArn}', End: true } },
      },
      ResultSelector: { 'last.$': '$[-1:]' },
      ResultPath: '$.pageResults',
      Next: 'Finish',
    },
    Finish: {
      Type: 'Pass',
      Parameters: { 'last.$': '$.pageResults.last', 'text.$': '$.ocr.text' },
      End: true,
    },
    Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  },
});

const PAGE_ARN = 'arn:aws:lambda:eu-west-3:123456789012:function:khoso-page';
const substitutions = { OcrFunction: 'khoso-ocr', NotifyFunction: 'khoso-notify', PageFunctionArn: PAGE_ARN };

/** `aslValidation` costs a few hundred ms per machine, so only the tests about validation pay for it. */
function setUp(ocr: (payload: unknown) => unknown, aslValidation = true) {
  const sleeps: number[] = [];
  const notified = deferred<TaskInvocation>();
  const handlers: Record<string, (invocation: TaskInvocation) => unknown> = {
    'khoso-ocr': (invocation) => ocr(invocation.payload),
    'khoso-notify': (invocation) => notified.resolve(invocation),
    [PAGE_ARN]: (invocation) => ({ page: (invocation.payload as { index: number }).index }),
  };
  const sfn = new LocalStepFunctions({
    invokeFunction: async (invocation) =>
      (handlers[invocation.functionName] as (i: TaskInvocation) => unknown)(invocation),
    // Timeouts (60 s and more) never fire here; retry delays pass at once.
    sleep: (ms) => {
      sleeps.push(ms);
      return ms >= 60_000 ? new Promise(() => {}) : Promise.resolve();
    },
    random: () => 0.5,
    aslValidation,
  });
  sfn.createStateMachine('digitize', definition, substitutions);
  return { sfn, sleeps, notified };
}

describe('a realistic workflow, validated by asl-validator', () => {
  test('success path: OCR, callback review, Map over pages, a summary', async () => {
    const { sfn, notified } = setUp((payload) => ({ text: `ocr of ${(payload as { key: string }).key}` }));
    const { executionArn } = sfn.startExecution('digitize', {
      name: 'd1',
      input: { id: '42', pages: ['p0', 'p1', 'p2'] },
    });
    const notification = await notified.promise;
    assert.equal((notification.payload as { key: string }).key, '42');
    sfn.sendTaskSuccess(notification.taskToken as string, { approved: true });
    const result = await sfn.waitForExecution(executionArn);
    assert.equal(result.status, 'SUCCEEDED', result.cause);
    assert.deepEqual(result.output, { last: [{ page: 2 }], text: 'ocr of 42' });
  });

  test('failure path: jittered, capped retries, then Catch → Fail with ErrorPath/CausePath', async () => {
    const { sfn, sleeps } = setUp(() => {
      throw Object.assign(new Error('store busy'), { name: 'TransientStoreError' });
    }, false);
    const { executionArn } = sfn.startExecution('digitize', { name: 'd2', input: { id: '43', pages: [] } });
    const result = await sfn.waitForExecution(executionArn);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'TransientStoreError');
    assert.equal(result.cause, '{"errorType":"TransientStoreError","errorMessage":"store busy"}');
    // 2, 4, 8, 16, 30, 30 s (capped), halved by the FULL jitter with random() = 0.5
    assert.deepEqual(
      sleeps.filter((ms) => ms < 60_000),
      [1000, 2000, 4000, 8000, 15000, 15000],
    );
  });

  test('asl-validator rejects what our own checks let through', () => {
    const sfn = new LocalStepFunctions({ invokeFunction: async () => null });
    // Comment must be a string per the schema; the interpreter ignores comments.
    const bad = JSON.stringify({ Comment: 5, StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    assert.throws(() => sfn.createStateMachine('bad', bad, {}), {
      name: 'InvalidDefinition',
      message: /asl-validator: SCHEMA_VALIDATION_FAILED/,
    });
  });
});
