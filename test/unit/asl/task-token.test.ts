import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskInvocation } from '../../../lib/local/asl/index.ts';
import { deferred, flush, harness } from './harness.ts';

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A machine whose "Review" task waits for a callback; `handlers` adds the states its Catch goes to. */
const callbackState = (extra: object = {}, handlers: object = {}) => ({
  StartAt: 'Review',
  States: {
    Review: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token', 'doc.$': '$.doc' } },
      ResultPath: '$.review',
      ...extra,
      End: true,
    },
    ...handlers,
  },
});

/** A handler that records its invocation and lets the test wait for it. */
function notifier() {
  const invoked = deferred<TaskInvocation>();
  return {
    invoked,
    handler: (_payload: unknown, invocation: TaskInvocation) => (invoked.resolve(invocation), { queued: true }),
  };
}

describe('.waitForTaskToken', () => {
  test('the task waits for sendTaskSuccess and its output becomes the task result', async () => {
    const { invoked, handler } = notifier();
    const h = harness({ notify: handler });
    const { executionArn } = h.start(callbackState(), { doc: 'd1' });
    const invocation = await invoked.promise;
    const token = (invocation.payload as { token: string }).token;
    assert.equal(typeof token, 'string');
    assert.equal(invocation.taskToken, token, 'the token is also given to invokeFunction');
    assert.deepEqual(invocation.payload, { token, doc: 'd1' });
    await flush();
    assert.equal(
      h.sfn.describeExecution(executionArn).status,
      'RUNNING',
      'the function returning does not end the task',
    );
    h.sfn.sendTaskSuccess(token, { approved: true });
    const result = await h.sfn.waitForExecution(executionArn);
    assert.deepEqual(result.output, { doc: 'd1', review: { approved: true } });
    const types = h.sfn.getExecutionHistory(executionArn).map((event) => event.type);
    assert.deepEqual(types.slice(2, 6), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    assert.throws(() => h.sfn.sendTaskSuccess(token, {}), { name: 'TaskDoesNotExist' });
  });

  test('sendTaskFailure fails the task with that error and cause (catchable)', async () => {
    const { invoked, handler } = notifier();
    const h = harness({ notify: handler });
    const { executionArn } = h.start(
      callbackState(
        { Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Rejected' }] },
        { Rejected: { Type: 'Pass', End: true } },
      ),
      { doc: 'd2' },
    );
    const token = (await invoked.promise).taskToken as string;
    h.sfn.sendTaskFailure(token, 'Rejected', 'blurry scan');
    const result = await h.sfn.waitForExecution(executionArn);
    assert.deepEqual(result.output, { doc: 'd2', rejection: { Error: 'Rejected', Cause: 'blurry scan' } });
  });

  test('a handler may answer before its own invocation returns', async () => {
    const h = harness({
      notify: (_payload, invocation) => {
        h.sfn.sendTaskSuccess(invocation.taskToken as string, 'instant');
        return null;
      },
    });
    const result = await h.run(callbackState(), { doc: 'd3' });
    assert.deepEqual(result.output, { doc: 'd3', review: 'instant' });
  });

  test('unknown tokens are rejected with TaskDoesNotExist', () => {
    const h = harness();
    assert.throws(() => h.sfn.sendTaskSuccess('no-such-token', {}), { name: 'TaskDoesNotExist' });
    assert.throws(() => h.sfn.sendTaskFailure('no-such-token', 'E', 'c'), { name: 'TaskDoesNotExist' });
    assert.throws(() => h.sfn.sendTaskHeartbeat('no-such-token'), { name: 'TaskDoesNotExist' });
  });

  test('TimeoutSeconds ends the wait with States.Timeout and closes the token', async () => {
    const { invoked, handler } = notifier();
    const h = harness({ notify: handler });
    const result = await h.run(callbackState({ TimeoutSeconds: 3600 }), { doc: 'd4' });
    assert.equal(result.error, 'States.Timeout');
    assert.deepEqual(h.sleeps, [3_600_000]);
    const token = (await invoked.promise).taskToken as string;
    assert.throws(() => h.sfn.sendTaskSuccess(token, {}), { name: 'TaskDoesNotExist' });
    assert.ok(h.sfn.getExecutionHistory(result.executionArn).some((event) => event.type === 'TaskTimedOut'));
  });

  test('HeartbeatSeconds: a heartbeat pushes the deadline back; a missed one is a timeout (States.HeartbeatTimeout matches)', async () => {
    const timers: { ms: number; fire: () => void }[] = [];
    const { invoked, handler } = notifier();
    const h = harness(
      { notify: handler },
      { sleep: (ms) => new Promise<void>((resolve) => timers.push({ ms, fire: resolve })) },
    );
    const { executionArn } = h.start(
      callbackState(
        {
          HeartbeatSeconds: 60,
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.late', Next: 'Late' }],
        },
        { Late: { Type: 'Pass', End: true } },
      ),
      { doc: 'd5' },
    );
    const token = (await invoked.promise).taskToken as string;
    assert.deepEqual(
      timers.map((timer) => timer.ms),
      [60_000],
    );
    h.sfn.sendTaskHeartbeat(token);
    assert.equal(timers.length, 2, 'a heartbeat starts a new deadline');
    timers[0]?.fire(); // the superseded deadline passes: nothing happens
    await flush();
    assert.equal(h.sfn.describeExecution(executionArn).status, 'RUNNING');
    timers[1]?.fire();
    const result = await h.sfn.waitForExecution(executionArn);
    assert.equal((result.output as { late: { Error: string } }).late.Error, 'States.Timeout');
  });

  test('a failing notify function fails the task without waiting', async () => {
    const h = harness({ notify: () => Promise.reject(Object.assign(new Error('queue down'), { name: 'QueueError' })) });
    const result = await h.run(callbackState(), { doc: 'd6' });
    assert.equal(result.error, 'QueueError');
  });
});
