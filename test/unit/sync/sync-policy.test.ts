import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveRule, storedSyncPolicy, type SyncRule } from '../../../functions/sync/core/sync-policy.ts';

const rule = (unit: string, documentType: string, push: SyncRule['push'], shareWith: string[] = []): SyncRule => ({
  unit,
  documentType,
  push,
  shareWith,
  retention: 'keep',
});

const rules = [
  rule('*', '*', 'hourly', ['ALL']),
  rule('*', 'KQ.G15.000031', 'never', ['TYPE']),
  rule('PC06', '*', 'immediate', ['UNIT']),
  rule('PC06', 'KQ.G15.000031', 'hourly', ['BOTH']),
];

describe('sync policy precedence', () => {
  test('unit and type beats unit and *, which beats * and type, which beats * and *', () => {
    assert.deepEqual(effectiveRule(rules, { unit: 'PC06', documentType: 'KQ.G15.000031' }).shareWith, ['BOTH']);
    assert.deepEqual(effectiveRule(rules, { unit: 'PC06', documentType: 'KQ.OTHER' }).shareWith, ['UNIT']);
    assert.deepEqual(effectiveRule(rules, { unit: 'A08', documentType: 'KQ.G15.000031' }).shareWith, ['TYPE']);
    assert.deepEqual(effectiveRule(rules, { unit: 'A08', documentType: 'KQ.OTHER' }).shareWith, ['ALL']);
  });

  test('the order rules are stored in does not matter', () => {
    const reversed = [...rules].reverse();
    assert.equal(effectiveRule(reversed, { unit: 'PC06', documentType: 'KQ.G15.000031' }).push, 'hourly');
    assert.deepEqual(effectiveRule(reversed, { unit: 'PC06', documentType: 'KQ.G15.000031' }).matched, {
      unit: 'PC06',
      documentType: 'KQ.G15.000031',
    });
  });

  test('with no rule: immediate push, no sharing, kept', () => {
    assert.deepEqual(effectiveRule([], { unit: 'PC06', documentType: 'x' }), {
      push: 'immediate',
      shareWith: [],
      retention: 'keep',
    });
  });

  test('the stored policy answers the push mode of the current version', async () => {
    const policy = storedSyncPolicy({
      currentPolicy: async () => ({
        version: 3,
        rules: [rule('PC06', '*', 'never')],
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'admin',
        change: { kind: 'put', unit: 'PC06', documentType: '*' },
      }),
      policyVersions: async () => [],
    });
    assert.deepEqual(await policy.pushFor({ unit: 'PC06', documentType: 'KQ' }), { push: 'never', policyVersion: 3 });
    assert.deepEqual(await policy.pushFor({ unit: 'A08', documentType: 'KQ' }), {
      push: 'immediate',
      policyVersion: 3,
    });
  });
});
