import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds, defaultBackoff, defaultMaxAttempts } from '../../../functions/sync/core/backoff.ts';

test('backoff doubles per attempt, is capped, and keeps half of each wait certain', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffSeconds(attempt, defaultBackoff, high)),
    [2, 4, 8, 16, 32, 64, 120, 120],
  );
  assert.deepEqual(
    [1, 2, 3, 7, 20].map((attempt) => backoffSeconds(attempt, defaultBackoff, low)),
    [1, 2, 4, 60, 60],
  );
});

test('the default retry budget outlasts a 5-minute outage before a result is dead', () => {
  let certain = 0;
  for (let attempt = 1; attempt < defaultMaxAttempts; attempt += 1)
    certain += backoffSeconds(attempt, defaultBackoff, () => 0);
  assert.ok(certain > 300, `${certain} s`);
});
