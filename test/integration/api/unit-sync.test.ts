import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhookSignature } from '../../../functions/sync/core/webhook-signature.ts';
import { assertProblem } from '../support/http-client.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';
import { fileIssuedResult, startReceiver, systemToken, waitFor } from '../support/unit-sync.ts';

interface Change {
  documentId: string;
  ownerId: string;
  type: string;
  number?: string;
  issuingUnit?: string;
  version: number;
  change: 'filed' | 'revoked';
}
interface ChangesPage {
  items: Change[];
  nextCursor: string;
  caughtUp: boolean;
}
interface Delivery {
  outcome: string;
  status?: number;
  attempt: number;
  latencyMs: number;
  documentId: string;
}

let t: TestVault;
let admin: string;
let a08: string;
let c06: string;
let c07: string;

const putRule = (unit: string, type: string, body: Record<string, unknown>) =>
  t.api('PUT', `/v1/admin/sync/policies/${unit}/${type}`, { token: admin, body });

const readChanges = (token: string, cursor?: string, limit = 100) =>
  t.api<ChangesPage>('GET', `/v1/integration/changes?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });

/** Reads from `cursor` until the feed is caught up (the settle time lets the last filings in). */
async function readAll(token: string, cursor?: string): Promise<{ items: Change[]; cursor: string }> {
  await new Promise((resolve) => setTimeout(resolve, 400));
  const items: Change[] = [];
  for (;;) {
    const page = await readChanges(token, cursor, 2);
    assert.equal(page.status, 200, page.text);
    items.push(...page.json.items);
    cursor = page.json.nextCursor;
    if (page.json.caughtUp && page.json.items.length === 0) return { items, cursor };
  }
}

before(async () => {
  t = await startTestVault({
    unitSync: {
      feedSettings: { settleMs: 200 },
      deliverySettings: { baseDelayMs: 100, maxDelayMs: 400, maxConsecutiveFailures: 3, timeoutMs: 2_000 },
      deliveryPollMs: 100,
    },
  });
  admin = await t.token('admin');
  a08 = await systemToken(t, 'a08-business-system', 'A08', ['results:write', 'results:read']);
  c06 = await systemToken(t, 'c06-unit-system', 'C06', ['sync:read']);
  c07 = await systemToken(t, 'c07-unit-system', 'C07', ['sync:read']);
});
after(async () => {
  await t?.close();
});

describe('sync policy', () => {
  test('every change is a new version, kept, and audited in the sync chain', async () => {
    const before = await t.api<{ version: number }>('GET', '/v1/admin/sync/policies', { token: admin });
    assert.equal(before.status, 200, before.text);
    const start = before.json.version;
    const put = await putRule('A08', 'KQ.G15.000031', { push: 'hourly', shareWith: ['C06', 'C06'], retention: 3650 });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json, {
      unit: 'A08',
      documentType: 'KQ.G15.000031',
      push: 'hourly',
      shareWith: ['C06'],
      retention: 3650,
    });
    assert.equal((await putRule('A08', '*', { push: 'never', shareWith: [], retention: 'keep' })).status, 200);
    const removed = await t.api('DELETE', '/v1/admin/sync/policies/A08/*', { token: admin });
    assert.equal(removed.status, 204, removed.text);
    assertProblem(await t.api('DELETE', '/v1/admin/sync/policies/A08/*', { token: admin }), 404, 'not-found');

    const current = await t.api<{ version: number; rules: unknown[] }>('GET', '/v1/admin/sync/policies', {
      token: admin,
    });
    assert.equal(current.json.version, start + 3);
    const one = await t.api('GET', '/v1/admin/sync/policies/A08/KQ.G15.000031', { token: admin });
    assert.equal(one.status, 200, one.text);
    const versions = await t.api<{ items: { version: number; change: { kind: string }; rules: unknown[] }[] }>(
      'GET',
      '/v1/admin/sync/policies/versions',
      { token: admin },
    );
    const mine = versions.json.items.slice(start);
    assert.deepEqual(
      mine.map((v) => [v.version, v.change.kind, v.rules.length]),
      [
        [start + 1, 'put', 1],
        [start + 2, 'put', 2],
        [start + 3, 'delete', 1],
      ],
    );
    const chain = await t.api<{ ok: boolean; entries: number }>('GET', '/v1/admin/audit-chains/sync/verification', {
      token: admin,
    });
    assert.equal(chain.status, 200, chain.text);
    assert.equal(chain.json.ok, true);
    assert.ok(chain.json.entries >= 3, chain.text);
  });
});

describe('change feed', () => {
  test('returns only what the policy shares with the caller, and a resumed cursor gets exactly the rest', async () => {
    await putRule('A08', 'KQ.G15.000031', { push: 'immediate', shareWith: ['C06'], retention: 'keep' });
    const start = (await readAll(c06)).cursor;
    const startC07 = (await readAll(c07)).cursor;
    const filed = [];
    for (const number of ['101/GXN', '102/GXN', '103/GXN']) filed.push(await fileIssuedResult(t, a08, number));
    // Another type, which no rule shares.
    const unshared = await fileIssuedResult(t, a08, '104/GXN', 'KQ.G15.000099');
    await new Promise((resolve) => setTimeout(resolve, 400));

    const first = await readChanges(c06, start, 2);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.json.items.map((c) => [c.documentId, c.change, c.issuingUnit, c.version]),
      filed.slice(0, 2).map((f) => [f.documentId, 'filed', 'A08', 1]),
    );
    assert.ok(!('content' in first.json.items[0]!) && !('fields' in first.json.items[0]!));
    // Later, from the cursor: the third one, then nothing more.
    const rest = await readAll(c06, first.json.nextCursor);
    assert.deepEqual(
      rest.items.map((c) => c.documentId),
      [filed[2]!.documentId],
    );
    assert.ok(!rest.items.some((c) => c.documentId === unshared.documentId));
    // C07 is named by no rule.
    assert.deepEqual((await readAll(c07, startC07)).items, []);

    // A revocation is a change too; a policy change applies to later reads.
    const revoked = await t.api('POST', `/v1/integration/results/${filed[0]!.resultId}/revocation`, {
      token: a08,
      body: { reason: 'Cấp sai thông tin' },
    });
    assert.equal(revoked.status, 200, revoked.text);
    await putRule('A08', 'KQ.G15.000031', { push: 'immediate', shareWith: ['C06', 'C07'], retention: 'keep' });
    const afterRevocation = await readAll(c06, rest.cursor);
    assert.deepEqual(
      afterRevocation.items.map((c) => [c.documentId, c.change]),
      [[filed[0]!.documentId, 'revoked']],
    );
    const c07Now = await readAll(c07, startC07);
    assert.deepEqual(
      c07Now.items.map((c) => c.documentId),
      [...filed.map((f) => f.documentId), filed[0]!.documentId],
    );
  });

  test('a cursor not from the feed is refused', async () => {
    const forged = Buffer.from('{"d":"2026-01-01","x":"y"}').toString('base64url');
    assertProblem(await readChanges(c06, forged), 422, 'invalid-input');
  });
});

describe('webhooks', () => {
  test('a filing is delivered, signed, and verifies with the helper; the delivery is logged', async () => {
    const receiver = await startReceiver();
    try {
      const registered = await t.api<{ id: string; secret: string; enabled: boolean }>(
        'POST',
        '/v1/integration/webhooks',
        { token: c06, body: { url: receiver.url, events: ['document.filed'] } },
      );
      assert.equal(registered.status, 201, registered.text);
      assert.match(registered.json.secret, /^[A-Za-z0-9_-]{43}$/);
      const listed = await t.api<{ items: Record<string, unknown>[] }>('GET', '/v1/integration/webhooks', {
        token: c06,
      });
      assert.ok(listed.json.items.some((w) => w.id === registered.json.id && !('secret' in w)));

      const filed = await fileIssuedResult(t, a08, '201/GXN');
      const call = await waitFor('the delivery', async () =>
        receiver.calls.find((c) => c.body.includes(filed.documentId)),
      );
      // It started at the present end of the feed: nothing filed before it was registered is sent.
      assert.ok(receiver.calls.every((c) => c.body.includes(filed.documentId)));
      const verdict = verifyWebhookSignature({
        secret: registered.json.secret,
        body: call.body,
        timestamp: call.headers['x-khoso-timestamp'] as string,
        signature: call.headers['x-khoso-signature'] as string,
      });
      assert.deepEqual(verdict, { valid: true });
      const payload = JSON.parse(call.body) as { event: string; change: Change };
      assert.equal(payload.event, 'document.filed');
      assert.equal(payload.change.documentId, filed.documentId);

      const deliveries = await waitFor('the delivery log', async () => {
        const page = await t.api<{ items: Delivery[] }>(
          'GET',
          `/v1/integration/webhooks/${registered.json.id}/deliveries`,
          { token: c06 },
        );
        return page.json.items.find((d) => d.documentId === filed.documentId);
      });
      assert.equal(deliveries.outcome, 'delivered');
      assert.equal(deliveries.status, 204);
      assert.equal(deliveries.attempt, 1);
      assert.ok(deliveries.latencyMs >= 0);
      // Another unit cannot read this webhook's deliveries.
      assertProblem(
        await t.api('GET', `/v1/integration/webhooks/${registered.json.id}/deliveries`, { token: c07 }),
        404,
        'not-found',
      );
    } finally {
      await receiver.close();
    }
  });

  test('a failing receiver is retried with backoff, then disabled; enabled again it gets what it missed', async () => {
    let answer = 500;
    const receiver = await startReceiver(() => answer);
    try {
      const registered = await t.api<{ id: string }>('POST', '/v1/integration/webhooks', {
        token: c06,
        body: { url: receiver.url, events: ['document.filed', 'document.revoked'] },
      });
      assert.equal(registered.status, 201, registered.text);
      await fileIssuedResult(t, a08, '301/GXN');
      const disabled = await waitFor('the webhook disabled', async () => {
        const listed = await t.api<{ items: { id: string; enabled: boolean; consecutiveFailures: number }[] }>(
          'GET',
          '/v1/integration/webhooks',
          { token: c06 },
        );
        const hook = listed.json.items.find((w) => w.id === registered.json.id);
        return hook && !hook.enabled ? hook : undefined;
      });
      assert.equal(disabled.consecutiveFailures, 3);
      assert.equal(receiver.calls.length, 3);
      const page = await t.api<{ items: Delivery[] }>(
        'GET',
        `/v1/integration/webhooks/${registered.json.id}/deliveries`,
        { token: c06 },
      );
      assert.deepEqual(
        page.json.items.map((d) => [d.attempt, d.outcome, d.status]),
        [
          [3, 'failed', 500],
          [2, 'failed', 500],
          [1, 'failed', 500],
        ],
      );
      // Disabled: nothing more is sent.
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(receiver.calls.length, 3);

      answer = 204;
      const enabled = await t.api<{ enabled: boolean; consecutiveFailures: number }>(
        'POST',
        `/v1/integration/webhooks/${registered.json.id}/enable`,
        { token: c06 },
      );
      assert.equal(enabled.status, 200, enabled.text);
      assert.deepEqual([enabled.json.enabled, enabled.json.consecutiveFailures], [true, 0]);
      await waitFor('the missed change delivered', async () => (receiver.calls.length === 4 ? true : undefined));
      // The same delivery (same id) as the failed attempts: receivers deduplicate on it.
      assert.equal(receiver.calls[3]?.body, receiver.calls[0]?.body);

      assertProblem(
        await t.api('DELETE', `/v1/integration/webhooks/${registered.json.id}`, { token: c07 }),
        404,
        'not-found',
      );
      const removed = await t.api('DELETE', `/v1/integration/webhooks/${registered.json.id}`, { token: c06 });
      assert.equal(removed.status, 204, removed.text);
      const listed = await t.api<{ items: { id: string }[] }>('GET', '/v1/integration/webhooks', { token: c06 });
      assert.ok(!listed.json.items.some((w) => w.id === registered.json.id));
    } finally {
      await receiver.close();
    }
  });
});
