import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from '../../../functions/sync/core/webhook-signature.ts';
import { retryDelayMs, defaultDeliverySettings } from '../../../functions/sync/core/webhooks.ts';

const secret = 'c2VjcmV0LW9mLXRoZS13ZWJob29r';
const body = '{"event":"document.filed"}';
const now = new Date('2026-12-03T12:00:00.000Z');
const timestamp = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  test('the signature is HMAC-SHA256 of "timestamp.body", hex, prefixed v1=', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    assert.equal(signWebhookBody(secret, timestamp, body), `v1=${expected}`);
  });

  test('a fresh delivery verifies', () => {
    const signature = signWebhookBody(secret, timestamp, body);
    assert.deepEqual(verifyWebhookSignature({ secret, body, timestamp: String(timestamp), signature, now }), {
      valid: true,
    });
  });

  test('a replay of a captured delivery after the tolerance is refused as stale', () => {
    const signature = signWebhookBody(secret, timestamp, body);
    const later = new Date(now.getTime() + 301_000);
    assert.deepEqual(verifyWebhookSignature({ secret, body, timestamp: String(timestamp), signature, now: later }), {
      valid: false,
      reason: 'stale',
    });
  });

  test('a fresh timestamp on an old signature, another body or another secret do not verify', () => {
    const signature = signWebhookBody(secret, timestamp - 3600, body);
    const check = (input: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret, body, timestamp: String(timestamp), signature, now, ...input });
    assert.deepEqual(check({}), { valid: false, reason: 'mismatch' });
    const fresh = signWebhookBody(secret, timestamp, body);
    assert.deepEqual(check({ signature: fresh, body: '{"event":"document.revoked"}' }), {
      valid: false,
      reason: 'mismatch',
    });
    assert.deepEqual(check({ signature: fresh, secret: 'another' }), { valid: false, reason: 'mismatch' });
    assert.deepEqual(check({ signature: undefined }), { valid: false, reason: 'malformed' });
    assert.deepEqual(check({ timestamp: '12abc' }), { valid: false, reason: 'malformed' });
  });
});

describe('retry backoff', () => {
  test('doubles per failure between half and the whole of the ceiling, capped', () => {
    const settings = { ...defaultDeliverySettings, baseDelayMs: 1000, maxDelayMs: 8000 };
    assert.equal(
      retryDelayMs(settings, 1, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(settings, 1, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(settings, 3, () => 1),
      4000,
    );
    assert.equal(
      retryDelayMs(settings, 10, () => 1),
      8000,
    );
  });
});
