import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestVault } from '../support/test-vault.ts';
import { fileIssuedResult, startReceiver, startSharingVault, waitFor } from '../support/unit-sync.ts';

/**
 * DNS rebinding against webhook deliveries: a name answers a public address when it is checked
 * and a loopback one when it is used. The resolver is ours, in process; the vault runs with
 * private and loopback targets refused (http allowed, so a plain loopback receiver can listen).
 * Whatever the name answers later, no delivery reaches the loopback receiver.
 */
let t: TestVault;
let reader: string;
let a08: string;
/** What each name resolves to now; tests change it between registration and delivery. */
const dns = new Map<string, string[]>();
/** A public address (RFC 6666 discard prefix): a connection to it goes nowhere. */
const publicAddress = '100::1';

before(async () => {
  ({
    vault: t,
    reader,
    a08,
  } = await startSharingVault({
    webhookTargets: { requireHttps: false, allowLoopback: false },
    resolveHost: async (hostname) => {
      const answer = dns.get(hostname);
      if (!answer) throw new Error(`ENOTFOUND ${hostname}`);
      return answer;
    },
    feedSettings: { settleMs: 200 },
    deliverySettings: { baseDelayMs: 100, maxDelayMs: 400, maxConsecutiveFailures: 50, timeoutMs: 1_000 },
    deliveryPollMs: 100,
  }));
});
after(async () => {
  await t?.close();
});

const register = async (url: string) => {
  const registered = await t.api<{ id: string }>('POST', '/v1/integration/webhooks', {
    token: reader,
    body: { url, events: ['document.filed'] },
  });
  assert.equal(registered.status, 201, registered.text);
  return registered.json.id;
};

const failedDelivery = (id: string, documentId: string) =>
  waitFor(`a failed delivery of ${id}`, async () => {
    const page = await t.api<{ items: { documentId: string; outcome: string; error?: string }[] }>(
      'GET',
      `/v1/integration/webhooks/${id}/deliveries`,
      { token: reader },
    );
    return page.json.items.find((d) => d.documentId === documentId && d.outcome === 'failed');
  });

describe('a webhook host that rebinds to loopback', () => {
  test('public when registered, loopback at delivery: refused and logged like any refused target', async () => {
    const receiver = await startReceiver();
    try {
      const { port } = new URL(receiver.url);
      dns.set('rebind.example.vn', [publicAddress]);
      const id = await register(`http://rebind.example.vn:${port}/hook`);
      dns.set('rebind.example.vn', ['127.0.0.1']);

      const filed = await fileIssuedResult(t, a08, '720/GXN');
      const failed = await failedDelivery(id, filed.documentId);
      assert.match(String(failed.error), /private, loopback, link-local or metadata address/);
      assert.equal(receiver.calls.length, 0);
      await t.api('DELETE', `/v1/integration/webhooks/${id}`, { token: reader });
    } finally {
      await receiver.close();
    }
  });

  test('public to the check, loopback to any second resolution: the connection goes to the checked address', async () => {
    const receiver = await startReceiver();
    try {
      const { port } = new URL(receiver.url);
      // The check asks our resolver (public); the system resolver, which a fetch of the URL would
      // ask again, answers loopback for `localhost`. Only the pinned address may be used.
      dns.set('localhost', [publicAddress]);
      const id = await register(`http://localhost:${port}/hook`);

      const filed = await fileIssuedResult(t, a08, '721/GXN');
      const failed = await failedDelivery(id, filed.documentId);
      assert.doesNotMatch(String(failed.error), /^HTTP /);
      assert.equal(receiver.calls.length, 0);
      await t.api('DELETE', `/v1/integration/webhooks/${id}`, { token: reader });
    } finally {
      await receiver.close();
    }
  });
});
