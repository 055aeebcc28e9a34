import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createAesWebhookSecrets } from '../../../functions/sync/adapters/aes-webhook-secrets.ts';

describe("the embedded runtime's webhook secret cipher (AES-256-GCM, bound to webhook and unit)", () => {
  const key = randomBytes(32);
  const cipher = createAesWebhookSecrets(key);
  const secret = randomBytes(32).toString('base64url');
  const binding = { webhookId: 'wh-1', unit: 'C06' };

  test('a sealed secret opens under its binding and holds none of the secret', async () => {
    const sealed = await cipher.seal(secret, binding);
    assert.match(sealed, /^a1\.[A-Za-z0-9_-]+$/);
    assert.ok(!sealed.includes(secret));
    assert.ok(!Buffer.from(sealed.slice(3), 'base64url').includes(Buffer.from(secret)));
    assert.equal(await cipher.open(sealed, binding), secret);
    // A fresh IV each time: the same secret never seals to the same bytes twice.
    assert.notEqual(await cipher.seal(secret, binding), sealed);
  });

  test("another webhook's or unit's binding, another key, or a changed byte: it does not open", async () => {
    const sealed = await cipher.seal(secret, binding);
    await assert.rejects(cipher.open(sealed, { ...binding, webhookId: 'wh-2' }));
    await assert.rejects(cipher.open(sealed, { ...binding, unit: 'C07' }));
    await assert.rejects(createAesWebhookSecrets(randomBytes(32)).open(sealed, binding));
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    await assert.rejects(cipher.open(`a1.${bytes.toString('base64url')}`, binding));
  });

  test('what this cipher did not seal is refused with a clear error', async () => {
    await assert.rejects(cipher.open(secret, binding), /not sealed by this runtime/);
    await assert.rejects(cipher.open('k1.AAAA', binding), /not sealed by this runtime/);
    await assert.rejects(cipher.open('a1.AAAA', binding), /truncated/);
    assert.throws(() => createAesWebhookSecrets(randomBytes(16)), /32 bytes/);
  });
});
