import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, NamedError, single } from './harness.ts';

class TransientStoreError extends Error {
  override name = 'TransientStoreError';
}

/** A handler that fails `failures` times with the given error, then returns "ok". */
function flaky(failures: number, makeError: () => unknown = () => new TransientStoreError('store busy')) {
  let calls = 0;
  return () => {
    calls += 1;
    if (calls <= failures) throw makeError();
    return 'ok';
  };
}

const task = (extra: object) => single({ Type: 'Task', Resource: 'f', ...extra });

describe('Retry', () => {
  test('defaults: 1 s interval, backoff 2, 3 attempts; then the error fails the execution', async () => {
    const h = harness({ f: flaky(10) });
    const result = await h.run(task({ Retry: [{ ErrorEquals: ['TransientStoreError'] }] }));
    assert.deepEqual(h.sleeps, [1000, 2000, 4000]);
    assert.equal(h.invocations.length, 4);
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'TransientStoreError');
    assert.deepEqual(JSON.parse(result.cause ?? ''), { errorType: 'TransientStoreError', errorMessage: 'store busy' });
  });
  test('succeeds once a retry works', async () => {
    const h = harness({ f: flaky(2) });
    const result = await h.run(
      task({ Retry: [{ ErrorEquals: ['TransientStoreError'], IntervalSeconds: 3, BackoffRate: 1.5 }] }),
    );
    assert.equal(result.output, 'ok');
    assert.deepEqual(h.sleeps, [3000, 4500]);
  });
  test('MaxDelaySeconds caps the backoff; MaxAttempts bounds the retries', async () => {
    const h = harness({ f: flaky(10) });
    await h.run(
      task({
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 4, MaxDelaySeconds: 10 },
        ],
      }),
    );
    assert.deepEqual(h.sleeps, [2000, 6000, 10000, 10000]);
  });
  test('MaxAttempts 0 never retries', async () => {
    const h = harness({ f: flaky(1) });
    const result = await h.run(task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] }));
    assert.equal(result.status, 'FAILED');
    assert.deepEqual(h.sleeps, []);
  });
  test('JitterStrategy FULL scales each delay by a random factor', async () => {
    const h = harness({ f: flaky(2) }, { random: () => 0.25 });
    await h.run(task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 4, JitterStrategy: 'FULL' }] }));
    assert.deepEqual(h.sleeps, [1000, 2000]);
  });
  test('only the first matching retrier applies, even once it is exhausted', async () => {
    const h = harness({ f: flaky(10) });
    await h.run(
      task({
        Retry: [
          { ErrorEquals: ['TransientStoreError'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 7 },
        ],
      }),
    );
    assert.deepEqual(h.sleeps, [1000]);
  });
  test('an error name not listed is not retried; States.TaskFailed matches any task error', async () => {
    const h = harness({ f: flaky(1, () => new NamedError('Other', 'x')) });
    const notRetried = await h.run(task({ Retry: [{ ErrorEquals: ['TransientStoreError'] }] }));
    assert.equal(notRetried.error, 'Other');
    const h2 = harness({ f: flaky(1, () => new NamedError('Other', 'x')) });
    const retried = await h2.run(task({ Retry: [{ ErrorEquals: ['States.TaskFailed'] }] }));
    assert.equal(retried.output, 'ok');
  });
  test('$$.State.RetryCount counts the retries', async () => {
    const h = harness({ f: flaky(2) });
    await h.run(task({ Parameters: { 'attempt.$': '$$.State.RetryCount' }, Retry: [{ ErrorEquals: ['States.ALL'] }] }));
    assert.deepEqual(
      h.invocations.map((invocation) => invocation.payload),
      [{ attempt: 0 }, { attempt: 1 }, { attempt: 2 }],
    );
  });
});

describe('error names from handlers', () => {
  test('the error name is err.name, like the Lambda Node.js runtime: a class must set it', async () => {
    class Unnamed extends Error {}
    const h = harness({ f: flaky(1, () => new Unnamed('no name set')), g: flaky(1, () => 'a string') });
    const unnamed = await h.run(task({}));
    assert.equal(unnamed.error, 'Error');
    assert.deepEqual(JSON.parse(unnamed.cause ?? ''), { errorType: 'Error', errorMessage: 'no name set' });
    const thrownString = await h.run(single({ Type: 'Task', Resource: 'g' }));
    assert.deepEqual([thrownString.error, JSON.parse(thrownString.cause ?? '').errorMessage], ['Error', 'a string']);
  });
});

describe('Catch', () => {
  const withCatch = (catchers: object[]) => ({
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: 'f', Catch: catchers, Next: 'Done' },
      Done: { Type: 'Pass', Result: 'not caught', End: true },
      Handler: { Type: 'Pass', End: true },
      // Only when a catcher goes there: unreachable states are rejected, as on AWS.
      ...(JSON.stringify(catchers).includes('"Other"')
        ? { Other: { Type: 'Pass', Result: 'other handler', End: true } }
        : {}),
    },
  });
  test('routes to Next with {Error, Cause} at ResultPath inside the raw input', async () => {
    const h = harness({ f: flaky(1) });
    const result = await h.run(
      withCatch([{ ErrorEquals: ['TransientStoreError'], ResultPath: '$.failure', Next: 'Handler' }]),
      { doc: 'd1' },
    );
    assert.deepEqual(result.output, {
      doc: 'd1',
      failure: {
        Error: 'TransientStoreError',
        Cause: JSON.stringify({ errorType: 'TransientStoreError', errorMessage: 'store busy' }),
      },
    });
  });
  test('default ResultPath replaces the input with the error; ResultPath null keeps the input', async () => {
    const replaced = await harness({ f: flaky(1) }).run(withCatch([{ ErrorEquals: ['States.ALL'], Next: 'Handler' }]), {
      doc: 'd1',
    });
    assert.equal((replaced.output as { Error: string }).Error, 'TransientStoreError');
    const kept = await harness({ f: flaky(1) }).run(
      withCatch([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Handler' }]),
      { doc: 'd1' },
    );
    assert.deepEqual(kept.output, { doc: 'd1' });
  });
  test('the first matching catcher wins', async () => {
    const result = await harness({ f: flaky(1) }).run(
      withCatch([
        { ErrorEquals: ['Unrelated'], Next: 'Handler' },
        { ErrorEquals: ['States.TaskFailed'], Next: 'Other' },
        { ErrorEquals: ['States.ALL'], Next: 'Handler' },
      ]),
    );
    assert.equal(result.output, 'other handler');
  });
  test('Retry runs before Catch', async () => {
    const h = harness({ f: flaky(10) });
    const result = await h.run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'f',
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }],
          End: true,
        },
        H: { Type: 'Pass', Result: 'handled', End: true },
      },
    });
    assert.deepEqual([result.output, h.sleeps, h.invocations.length], ['handled', [1000, 2000], 3]);
  });
});

describe('TimeoutSeconds', () => {
  const never = () => new Promise(() => {});
  test('a task that runs longer fails with States.Timeout', async () => {
    const h = harness({ f: never });
    const result = await h.run(task({ TimeoutSeconds: 30 }));
    assert.equal(result.error, 'States.Timeout');
    assert.deepEqual(h.sleeps, [30_000]);
    assert.ok(h.sfn.getExecutionHistory(result.executionArn).some((event) => event.type === 'LambdaFunctionTimedOut'));
  });
  test('TimeoutSecondsPath reads the timeout from the input', async () => {
    const h = harness({ f: never });
    const result = await h.run(task({ TimeoutSecondsPath: '$.limit' }), { limit: 12 });
    assert.equal(result.error, 'States.Timeout');
    assert.deepEqual(h.sleeps, [12_000]);
  });
  test('a fast task is not timed out', async () => {
    // The timeout's sleep never ends, as it would not within a quick task.
    const h = harness({ f: () => 'ok' }, { sleep: () => new Promise(() => {}) });
    assert.equal((await h.run(task({ TimeoutSeconds: 30 }))).output, 'ok');
  });
  test('States.Timeout is caught by name and by States.ALL but not by States.TaskFailed', async () => {
    const definition = (errorEquals: string[]) => ({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'f',
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: errorEquals, Next: 'H' }],
          End: true,
        },
        H: { Type: 'Pass', Result: 'caught', End: true },
      },
    });
    assert.equal((await harness({ f: never }).run(definition(['States.Timeout']))).output, 'caught');
    assert.equal((await harness({ f: never }).run(definition(['States.ALL']))).output, 'caught');
    assert.equal((await harness({ f: never }).run(definition(['States.TaskFailed']))).error, 'States.Timeout');
  });
});
