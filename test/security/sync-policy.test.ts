import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoAuditLog } from '../../functions/audit/adapters/dynamo-audit-log.ts';
import { syncAuditOwner } from '../../functions/sync/core/sync-audit.ts';
import { verifyWebhookSignature } from '../../functions/sync/core/webhook-signature.ts';
import { assertProblem } from '../integration/support/http-client.ts';
import { startTestVault, type TestVault } from '../integration/support/test-vault.ts';
import { fileIssuedResult, startReceiver, systemToken, waitFor } from '../integration/support/unit-sync.ts';

/**
 * Hostile use of the sync policy, the change feed and webhooks: people on admin and machine
 * routes, machine clients without sync:read, webhook URLs into our own network in a deployed
 * stage's configuration, and a replayed delivery. Each is refused, stores nothing, and the
 * refusals of callers are audited in the `sync` chain.
 */
let deployed: TestVault;

async function syncRefusals(vault: TestVault): Promise<{ operation: string; reason: string }[]> {
  const chain = await new DynamoAuditLog(vault.vault.table.client, vault.vault.table.name).readChain(syncAuditOwner);
  return chain.entries
    .filter(({ entry }) => entry.action === 'access.refused')
    .map(({ entry }) => ({ operation: String(entry.detail?.operation), reason: String(entry.detail?.reason) }));
}

before(async () => {
  // A deployed stage's webhook rules: HTTPS, public addresses only.
  deployed = await startTestVault({ unitSync: { webhookTargets: { requireHttps: true, allowLoopback: false } } });
});
after(async () => {
  await deployed?.close();
});

describe('who may use the sync routes', () => {
  test('citizens and officers get 403 on the admin routes; nothing is stored; each refusal is audited', async () => {
    for (const persona of ['citizen', 'officer'] as const) {
      const token = await deployed.token(persona);
      assertProblem(await deployed.api('GET', '/v1/admin/sync/policies', { token }), 403, 'forbidden-role');
      assertProblem(
        await deployed.api('PUT', '/v1/admin/sync/policies/A08/*', {
          token,
          body: { push: 'never', shareWith: ['C06'], retention: 'keep' },
        }),
        403,
        'forbidden-role',
      );
      assertProblem(await deployed.api('DELETE', '/v1/admin/sync/policies/A08/*', { token }), 403, 'forbidden-role');
      assertProblem(await deployed.api('GET', '/v1/admin/sync/policies/versions', { token }), 403, 'forbidden-role');
    }
    const admin = await deployed.token('admin');
    const policy = await deployed.api<{ version: number }>('GET', '/v1/admin/sync/policies', { token: admin });
    assert.equal(policy.json.version, 0);
    const refusals = await syncRefusals(deployed);
    assert.ok(refusals.some((r) => r.operation === 'putSyncPolicy' && r.reason === 'role citizen'));
    assert.ok(refusals.some((r) => r.operation === 'deleteSyncPolicy' && r.reason === 'role officer'));
  });

  test('a machine client without sync:read gets 403 on the feed and webhooks; people too', async () => {
    const writer = await systemToken(deployed, 'a08-business-system', 'A08', ['results:write', 'results:read']);
    assertProblem(await deployed.api('GET', '/v1/integration/changes', { token: writer }), 403, 'forbidden-role');
    assertProblem(
      await deployed.api('POST', '/v1/integration/webhooks', {
        token: writer,
        body: { url: 'https://receiver.example.vn/hook', events: ['document.filed'] },
      }),
      403,
      'forbidden-role',
    );
    assertProblem(await deployed.api('GET', '/v1/integration/webhooks', { token: writer }), 403, 'forbidden-role');
    // A machine client cannot manage the policy either, whatever its scopes.
    const reader = await systemToken(deployed, 'c06-unit-system', 'C06', ['sync:read']);
    assertProblem(await deployed.api('GET', '/v1/admin/sync/policies', { token: reader }), 403, 'forbidden-role');
    const officer = await deployed.token('officer');
    assertProblem(await deployed.api('GET', '/v1/integration/changes', { token: officer }), 403, 'forbidden-role');
    const refusals = await syncRefusals(deployed);
    assert.ok(refusals.some((r) => r.operation === 'readChanges' && r.reason === 'missing-scope sync:read'));
    assert.ok(refusals.some((r) => r.operation === 'registerWebhook' && r.reason === 'missing-scope sync:read'));
    assert.ok(refusals.some((r) => r.operation === 'readChanges' && r.reason === 'role officer'));
  });
});

describe('webhook URLs into our own network (deployed-stage configuration)', () => {
  test('loopback, metadata, private, IPv6 loopback, a name resolving to loopback, and plain http: 400', async () => {
    const reader = await systemToken(deployed, 'c06-unit-system', 'C06', ['sync:read']);
    for (const url of [
      'https://127.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.8/hook',
      'https://[::1]/hook',
      'https://[::ffff:169.254.169.254]/hook',
      'https://localhost/hook',
      'http://receiver.example.vn/hook',
    ]) {
      assertProblem(
        await deployed.api('POST', '/v1/integration/webhooks', {
          token: reader,
          body: { url, events: ['document.filed'] },
        }),
        400,
        'webhook-target-refused',
        url,
      );
    }
    const listed = await deployed.api<{ items: unknown[] }>('GET', '/v1/integration/webhooks', { token: reader });
    assert.deepEqual(listed.json.items, []);
  });
});

describe('a replayed delivery', () => {
  let local: TestVault;
  before(async () => {
    local = await startTestVault({ unitSync: { feedSettings: { settleMs: 200 }, deliveryPollMs: 100 } });
  });
  after(async () => {
    await local?.close();
  });

  test('the verification helper accepts the delivery now and refuses the same bytes replayed later', async () => {
    const admin = await local.token('admin');
    const put = await local.api('PUT', '/v1/admin/sync/policies/A08/*', {
      token: admin,
      body: { push: 'never', shareWith: ['C06'], retention: 'keep' },
    });
    assert.equal(put.status, 200, put.text);
    const reader = await systemToken(local, 'c06-unit-system', 'C06', ['sync:read']);
    const receiver = await startReceiver();
    try {
      const registered = await local.api<{ secret: string }>('POST', '/v1/integration/webhooks', {
        token: reader,
        body: { url: receiver.url, events: ['document.filed'] },
      });
      assert.equal(registered.status, 201, registered.text);
      const a08 = await systemToken(local, 'a08-business-system', 'A08', ['results:write', 'results:read']);
      await fileIssuedResult(local, a08, '900/GXN');
      const call = await waitFor('the delivery', async () => receiver.calls[0]);
      const captured = {
        secret: registered.json.secret,
        body: call.body,
        timestamp: call.headers['x-khoso-timestamp'] as string,
        signature: call.headers['x-khoso-signature'] as string,
      };
      assert.deepEqual(verifyWebhookSignature(captured), { valid: true });
      const tenMinutesLater = new Date(Number(captured.timestamp) * 1000 + 10 * 60 * 1000);
      assert.deepEqual(verifyWebhookSignature({ ...captured, now: tenMinutesLater }), {
        valid: false,
        reason: 'stale',
      });
      // Re-stamping the replay with a fresh time breaks the signature.
      const fresh = String(Math.floor(tenMinutesLater.getTime() / 1000));
      assert.deepEqual(verifyWebhookSignature({ ...captured, timestamp: fresh, now: tenMinutesLater }), {
        valid: false,
        reason: 'mismatch',
      });
    } finally {
      await receiver.close();
    }
  });
});
