import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../functions/audit/adapters/dynamo-audit-log.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { entities, primaryKey } from '../../functions/platform/storage/schema.ts';
import { createAesWebhookSecrets } from '../../functions/sync/adapters/aes-webhook-secrets.ts';
import { createDynamoSyncStore } from '../../functions/sync/adapters/dynamo-sync-store.ts';
import { syncAuditOwner } from '../../functions/sync/core/sync-audit.ts';
import { verifyWebhookSignature } from '../../functions/sync/core/webhook-signature.ts';
import type { Webhook } from '../../functions/sync/core/webhooks.ts';
import { assertProblem } from '../integration/support/http-client.ts';
import type { TestVault } from '../integration/support/test-vault.ts';
import { fileIssuedResult, startReceiver, startSharingVault, waitFor } from '../integration/support/unit-sync.ts';

/**
 * Webhook signing secrets at rest: what the table (or a backup of it) holds does not let anyone
 * sign a delivery. The stored item carries only the secret sealed to its webhook and unit; a
 * sealed secret moved onto another webhook does not open; a webhook stored before secrets were
 * sealed is retired, its clear secret removed, and cannot be enabled again.
 */
let t: TestVault;
let reader: string;
let a08: string;

const rawWebhook = async (id: string) =>
  (
    await t.vault.table.client.send(
      new GetCommand({ TableName: t.vault.table.name, Key: primaryKey(entities.webhook, { webhookId: id }) }),
    )
  ).Item;

const deliveries = async (id: string) =>
  (
    await t.api<{ items: { outcome: string; error?: string; documentId: string }[] }>(
      'GET',
      `/v1/integration/webhooks/${id}/deliveries`,
      { token: reader },
    )
  ).json.items;

before(async () => {
  ({
    vault: t,
    reader,
    a08,
  } = await startSharingVault({
    feedSettings: { settleMs: 200 },
    deliverySettings: { baseDelayMs: 100, maxDelayMs: 400, maxConsecutiveFailures: 3, timeoutMs: 2_000 },
    deliveryPollMs: 100,
  }));
});
after(async () => {
  await t?.close();
});

describe('webhook secrets at rest', () => {
  test('the stored item holds no byte of the secret; deliveries still verify with what the unit was given', async () => {
    const receiver = await startReceiver();
    try {
      const registered = await t.api<{ id: string; secret: string }>('POST', '/v1/integration/webhooks', {
        token: reader,
        body: { url: receiver.url, events: ['document.filed'] },
      });
      assert.equal(registered.status, 201, registered.text);
      const { id, secret } = registered.json;
      const item = await rawWebhook(id);
      assert.ok(item);
      const raw = JSON.stringify(item);
      for (const form of [
        secret,
        Buffer.from(secret, 'base64url').toString('hex'),
        Buffer.from(secret).toString('base64'),
      ])
        assert.ok(!raw.includes(form), 'the secret, in some encoding, is in the stored item');
      assert.equal(item.secret, undefined);
      assert.match(String(item.sealedSecret), /^a1\./);
      // Only the runtime's key, under exactly this webhook's binding, opens it.
      const cipher = createAesWebhookSecrets(await readFile(join(t.dataDir, 'webhook-secrets.key')).then(decodeKey));
      assert.equal(await cipher.open(String(item.sealedSecret), { webhookId: id, unit: 'C06' }), secret);
      await assert.rejects(cipher.open(String(item.sealedSecret), { webhookId: 'another-webhook', unit: 'C06' }));
      await assert.rejects(cipher.open(String(item.sealedSecret), { webhookId: id, unit: 'C07' }));
      // Neither the list nor enabling answer it again, sealed or not.
      const listed = await t.api('GET', '/v1/integration/webhooks', { token: reader });
      assert.ok(!listed.text.includes(secret) && !listed.text.includes('sealedSecret'));

      const filed = await fileIssuedResult(t, a08, '710/GXN');
      const call = await waitFor('the delivery', async () =>
        receiver.calls.find((c) => c.body.includes(filed.documentId)),
      );
      assert.deepEqual(
        verifyWebhookSignature({
          secret,
          body: call.body,
          timestamp: call.headers['x-khoso-timestamp'] as string,
          signature: call.headers['x-khoso-signature'] as string,
        }),
        { valid: true },
      );
      await t.api('DELETE', `/v1/integration/webhooks/${id}`, { token: reader });
    } finally {
      await receiver.close();
    }
  });

  test("a sealed secret copied onto another webhook does not open: that webhook's deliveries fail, logged", async () => {
    const first = await startReceiver();
    const second = await startReceiver();
    try {
      const register = (url: string) =>
        t.api<{ id: string }>('POST', '/v1/integration/webhooks', {
          token: reader,
          body: { url, events: ['document.filed'] },
        });
      const a = (await register(first.url)).json.id;
      const b = (await register(second.url)).json.id;
      // Someone who can write the table gives B the sealed secret of A (whose secret they know).
      const store = createDynamoSyncStore(new DynamoTable(t.vault.table.client, t.vault.table.name));
      const [webhookA, webhookB] = [await store.getWebhook(a), await store.getWebhook(b)] as Webhook[];
      await store.saveWebhook({ ...webhookB!, sealedSecret: webhookA!.sealedSecret! }, webhookB!);

      const filed = await fileIssuedResult(t, a08, '711/GXN');
      await waitFor('the delivery to A', async () => first.calls.find((c) => c.body.includes(filed.documentId)));
      const failed = await waitFor('the failed attempt of B', async () =>
        (await deliveries(b)).find((d) => d.documentId === filed.documentId && d.outcome === 'failed'),
      );
      assert.match(String(failed.error), /authenticate/);
      assert.equal(second.calls.length, 0);
      for (const id of [a, b]) await t.api('DELETE', `/v1/integration/webhooks/${id}`, { token: reader });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('a webhook stored with its secret in clear is disabled, the secret removed, audited; enabling it is refused', async () => {
    const receiver = await startReceiver();
    try {
      const now = new Date().toISOString();
      const id = `clear-${Date.now()}`;
      const cursor = 'e30';
      const store = createDynamoSyncStore(new DynamoTable(t.vault.table.client, t.vault.table.name));
      // The shape webhooks were stored in before secrets were sealed.
      await store.createWebhook(
        {
          id,
          unit: 'C06',
          clientId: 'c06-unit-system',
          url: receiver.url,
          events: ['document.filed'],
          secret: 'the-old-clear-secret-that-a-backup-may-hold',
          enabled: true,
          consecutiveFailures: 0,
          nextAttemptAt: now,
          cursor,
          createdAt: now,
          updatedAt: now,
        },
        [],
      );
      const retired = await waitFor('the webhook retired', async () => {
        const item = await rawWebhook(id);
        return item && item.enabled === false ? item : undefined;
      });
      assert.ok(!JSON.stringify(retired).includes('the-old-clear-secret'));
      assert.equal(retired.sealedSecret, undefined);
      assert.ok(retired.disabledAt);
      const chain = await new DynamoAuditLog(t.vault.table.client, t.vault.table.name).readChain(syncAuditOwner);
      const entry = chain.entries.find(({ entry }) => entry.action === 'webhook.disable' && entry.resourceId === id);
      assert.equal(entry?.entry.detail?.reason, 'secret-stored-in-clear');
      assert.equal(entry?.entry.actor.sub, 'system:webhook-deliveries');

      const enable = await t.api('POST', `/v1/integration/webhooks/${id}/enable`, { token: reader });
      assertProblem(enable, 409, 'conflict');
      assert.match(enable.text, /register it again/);
      assert.equal((await rawWebhook(id))?.enabled, false);
      const removed = await t.api('DELETE', `/v1/integration/webhooks/${id}`, { token: reader });
      assert.equal(removed.status, 204, removed.text);
      assert.equal(receiver.calls.length, 0);
    } finally {
      await receiver.close();
    }
  });
});

/** The key file holds the 32 key bytes in base64. */
function decodeKey(text: Buffer): Uint8Array {
  return new Uint8Array(Buffer.from(text.toString('utf8'), 'base64'));
}
