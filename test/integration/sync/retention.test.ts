/**
 * The sync policy's retention on dynalite with the real stores, on a clock the test sets: feed
 * entries written by the unit of work with the documents, the change feed read as a unit's system,
 * the webhook worker posting to a receiver on loopback with the real HTTP sender, and the owner's
 * own read of the document. Retention limits what units' systems are offered, never the owner's copy.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoRepository } from '../../../functions/composition/dynamo-repository.ts';
import { createFsBlobStore } from '../../../functions/platform/adapters/fs-blob-store.ts';
import { randomIds } from '../../../functions/platform/core/runtime.ts';
import { DynamoTable } from '../../../functions/platform/storage/dynamo-table.ts';
import { createTableInput } from '../../../functions/platform/storage/schema.ts';
import { createDynamoSyncStore } from '../../../functions/sync/adapters/dynamo-sync-store.ts';
import { createAesWebhookSecrets } from '../../../functions/sync/adapters/aes-webhook-secrets.ts';
import { resolveWithDns, sendToVettedAddress } from '../../../functions/sync/adapters/webhook-http.ts';
import { encodeFeedCursor, readChangeFeed } from '../../../functions/sync/core/change-feed.ts';
import { putSyncRule } from '../../../functions/sync/core/manage-sync-policy.ts';
import type { SyncRule } from '../../../functions/sync/core/sync-policy.ts';
import { defaultDeliverySettings, deliverDueWebhooks, type Webhook } from '../../../functions/sync/core/webhooks.ts';
import { getDocument } from '../../../functions/vault/core/documents.ts';
import type { VaultDocument } from '../../../functions/vault/core/model.ts';
import { defaultVaultPolicy } from '../../../functions/vault/core/vault-policy.ts';
import { startDynamoDbServer, type LocalDynamoDb } from '../../../lib/local/dynamodb-server.ts';
import { startReceiver } from '../support/unit-sync.ts';

const tableName = 'khoso-retention-test';
const owner = '079203001234';
const admin = { principal: { sub: 'admin-0001', role: 'admin' as const }, sourceIp: '203.0.113.7', requestId: 'r1' };
const c06 = {
  principal: { sub: 'c06', role: 'system' as const, clientId: 'c06', unit: 'C06', scopes: ['sync:read' as const] },
  sourceIp: '203.0.113.9',
  requestId: 'r2',
};
const citizen = {
  principal: { sub: owner, role: 'citizen' as const, ownerId: owner },
  sourceIp: '203.0.113.10',
  requestId: 'r3',
};

const clock = { at: 0, now: () => new Date(clock.at) };
const setClock = (iso: string) => {
  clock.at = Date.parse(iso);
};

const issued = (id: string, at: string): VaultDocument => ({
  id,
  ownerId: owner,
  folderId: 'results',
  source: 'issued',
  title: `Giấy xác nhận ${id}`,
  type: 'KQ.G15.000031',
  number: `${id}/GXN`,
  issuingUnit: 'A08',
  fileName: `${id}.pdf`,
  contentType: 'application/pdf',
  size: 10,
  sha256: 'a'.repeat(64),
  currentVersion: 1,
  versionCount: 1,
  createdAt: at,
  updatedAt: at,
  createdBy: 'workflow',
});

describe('retention limits what units are offered, not the owner (dynalite, real stores)', () => {
  let server: LocalDynamoDb;
  let client: DynamoDBClient;
  let blobRoot: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let failing = false;
  let deps: Parameters<typeof deliverDueWebhooks>[0] &
    Parameters<typeof readChangeFeed>[0] & { syncPolicies: ReturnType<typeof createDynamoSyncStore> };
  let repository: ReturnType<typeof createDynamoRepository>;

  before(async () => {
    server = await startDynamoDbServer({});
    client = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    repository = createDynamoRepository(db, tableName);
    blobRoot = await mkdtemp(join(tmpdir(), 'khoso-retention-'));
    receiver = await startReceiver(() => (failing ? 503 : 204));
    const store = createDynamoSyncStore(new DynamoTable(db, tableName));
    deps = {
      repository,
      clock,
      ids: randomIds,
      syncPolicies: store,
      changeFeed: store,
      webhooks: store,
      feedSettings: { windowDays: 30, settleMs: 1000 },
      resolveHost: resolveWithDns,
      webhookTargets: { requireHttps: false, allowLoopback: true },
      sendWebhook: sendToVettedAddress,
      webhookSecrets: createAesWebhookSecrets(randomBytes(32)),
      deliverySettings: { ...defaultDeliverySettings, baseDelayMs: 1000, maxDelayMs: 1000 },
    };
    // Filed on 1 December at 10:00 and on 3 December at 09:00, through the unit of work (feed entries with them).
    for (const document of [issued('d-old', '2026-12-01T10:00:00.000Z'), issued('d-new', '2026-12-03T09:00:00.000Z')]) {
      await repository.commit({ ownerId: owner, documents: [{ next: document }], audit: [] });
    }
  });
  after(async () => {
    await receiver?.close();
    client?.destroy();
    await server?.close();
    if (blobRoot) await rm(blobRoot, { recursive: true, force: true });
  });

  const share = (retention: SyncRule['retention']) =>
    putSyncRule(deps, admin, {
      unit: 'A08',
      documentType: 'KQ.G15.000031',
      push: 'never',
      shareWith: ['C06'],
      retention,
    });
  const fromStart = encodeFeedCursor({ day: '2026-12-01' });
  const feedIds = async () => {
    const page = await readChangeFeed(deps, c06, { cursor: fromStart, limit: 100 });
    return page.items.map((change) => change.documentId);
  };

  test('the change feed offers an entry for its retention after the change, then withholds it', async () => {
    setClock('2026-12-03T12:00:00.000Z');
    await share('keep');
    assert.deepEqual(await feedIds(), ['d-old', 'd-new']);
    await share(2);
    assert.deepEqual(await feedIds(), ['d-new'], 'd-old was filed 2 days and 2 hours ago');
    await share(3);
    assert.deepEqual(await feedIds(), ['d-old', 'd-new'], 'the policy is applied at read time');
    // keep ends with what the feed stores: 35 days after the change.
    await share('keep');
    setClock('2027-01-05T09:59:59.999Z');
    assert.deepEqual(await feedIds(), ['d-old', 'd-new']);
    setClock('2027-01-05T10:00:00.000Z');
    assert.deepEqual(await feedIds(), ['d-new']);
  });

  test('a webhook is not sent what ran out of retention while it waited, and its cursor moves past it', async () => {
    setClock('2026-12-03T12:00:00.000Z');
    await share(2);
    const webhook: Webhook = {
      id: 'w-1',
      unit: 'C06',
      clientId: 'c06',
      url: receiver.url,
      events: ['document.filed'],
      sealedSecret: await deps.webhookSecrets.seal(randomBytes(32).toString('base64url'), {
        webhookId: 'w-1',
        unit: 'C06',
      }),
      enabled: true,
      consecutiveFailures: 0,
      nextAttemptAt: clock.now().toISOString(),
      // From the start of the feed, as a webhook that has waited since before both filings.
      cursor: fromStart,
      createdAt: '2026-11-30T00:00:00.000Z',
      updatedAt: '2026-11-30T00:00:00.000Z',
    };
    await deps.webhooks.createWebhook(webhook, []);
    await share(3);
    // Both within 3 days; the receiver is down, so nothing is delivered yet.
    failing = true;
    await deliverDueWebhooks(deps);
    assert.equal(receiver.calls.length, 1);
    assert.equal(JSON.parse(receiver.calls[0]!.body).change.documentId, 'd-old');

    // Back up a day later: d-old (filed 4 days ago) has run out of retention, d-new has not.
    failing = false;
    setClock('2026-12-04T12:00:00.000Z');
    await deliverDueWebhooks(deps);
    const delivered = receiver.calls.slice(1).map((call) => JSON.parse(call.body).change.documentId);
    assert.deepEqual(delivered, ['d-new']);
    const stored = await deps.webhooks.getWebhook('w-1');
    assert.equal(stored?.consecutiveFailures, 0);
    setClock('2026-12-04T12:01:00.000Z');
    await deliverDueWebhooks(deps);
    assert.equal(receiver.calls.length, 2, 'nothing more: the cursor is past both');
  });

  test("the owner still reads their own document after the units' retention ran out", async () => {
    setClock('2027-03-01T00:00:00.000Z');
    await share(1);
    assert.deepEqual(await feedIds(), []);
    const blobs = createFsBlobStore({
      rootDir: blobRoot,
      publicBaseUrl: 'http://127.0.0.1:3000',
      signingSecret: randomBytes(32),
      bucket: 'khoso-retention-test',
    });
    const own = await getDocument(
      { repository, blobs, clock, ids: randomIds, policy: defaultVaultPolicy },
      citizen,
      'd-old',
    );
    assert.equal(own.id, 'd-old');
    assert.equal(own.source, 'issued');
  });
});
