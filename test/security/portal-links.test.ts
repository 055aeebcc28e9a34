import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { linkIdOf, newLinkToken } from '../../functions/sharing/core/link-secrets.ts';
import { createDynamoPortalLinkStore } from '../../functions/sync/adapters/dynamo-portal-link-store.ts';
import { assertProblem } from '../integration/support/http-client.ts';
import { attempt, observable, ownerA, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * The national warehouse's download links (`GET /v1/portal-links/{token}`), attacked by whoever
 * holds or guesses a token. The route is public (the portal fetches it with no credential), so
 * the token is the only key: it is kept only as its hash; a token of any other shape is refused
 * before the store is read; a link serves the one version it names, through a presigned GET that
 * lives minutes; and no answer tells a guessed token from a dead one.
 */
let w: SecurityWorld;
let store: ReturnType<typeof createDynamoPortalLinkStore>;

before(async () => {
  w = await startWorld({ signature: false });
  store = createDynamoPortalLinkStore(new DynamoTable(w.t.vault.table.client, w.t.vault.table.name));
});
after(async () => {
  await w?.t.close();
});

/** A link to A's PDF, as the push would record it, valid for `hours` from now. */
async function linkToDocument(hours = 72): Promise<string> {
  const token = newLinkToken();
  const now = Date.now();
  await store.putPortalLink({
    id: linkIdOf(token),
    ownerId: ownerA,
    documentId: w.ids.document,
    versionNumber: 1,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + hours * 3600 * 1000).toISOString(),
  });
  return token;
}

const portalDenials = async () =>
  (await w.t.vault.deps.repository.listHistory(ownerA, w.ids.document, { limit: 1000 })).items.filter(
    (entry) => entry.action === 'document.portal-fetch-denied',
  );

describe('portal links', () => {
  test('malformed tokens are refused with problem+json before any look-up: nothing changes, nothing is audited', async () => {
    const deniedBefore = (await portalDenials()).length;
    const malformed = [
      'too-short',
      'A'.repeat(44),
      `${'A'.repeat(42)}=`,
      '..%2F..%2Fdocuments',
      `${'A'.repeat(42)}%00`,
      `%27%20OR%20%271%27%3D%271${'A'.repeat(30)}`,
      'A'.repeat(4096),
    ];
    for (const token of malformed) {
      const response = await unchanged(w, () => attempt(w.t, 'GET', `/v1/portal-links/${token}`));
      assert.ok(
        response.status === 400 || response.status === 404 || response.status === 414,
        `${token.slice(0, 20)}: ${response.status} ${response.text}`,
      );
      if (response.status !== 414) assert.equal(response.contentType, 'application/problem+json', token);
      assert.ok(!response.text.includes(w.ids.document), 'no document id leaks');
    }
    assert.equal((await portalDenials()).length, deniedBefore, 'a token that names no link audits nothing');
  });

  test('a guessed token of the right shape and a dead link answer alike; only the dead one is audited', async () => {
    const guessed = await attempt(w.t, 'GET', `/v1/portal-links/${newLinkToken()}`);
    assertProblem(guessed, 404, 'not-found');
    const dead = await linkToDocument(-1);
    const expired = await attempt(w.t, 'GET', `/v1/portal-links/${dead}`);
    assert.deepEqual(observable(expired), observable(guessed));
    const denials = await portalDenials();
    assert.ok(denials.some((entry) => entry.detail?.linkId === linkIdOf(dead) && entry.detail?.reason === 'expired'));
    assert.ok(
      denials.every((entry) => !JSON.stringify(entry).includes(dead)),
      'the audit keeps the id, not the token',
    );
  });

  test('the store keeps the hash of the token, never the token', async () => {
    const token = await linkToDocument();
    const record = await store.getPortalLink(linkIdOf(token));
    assert.ok(record);
    assert.ok(!JSON.stringify(record).includes(token));
    assert.notEqual(linkIdOf(token), token);
  });

  test('a live link answers a no-store redirect to a presigned GET of at most five minutes, and only for GET', async () => {
    const token = await linkToDocument();
    const response = await fetch(`${w.t.url}/v1/portal-links/${token}`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const target = new URL(response.headers.get('location')!);
    // S3 presigns say how long they live; the embedded object store says until when.
    const lifetime = target.searchParams.has('X-Amz-Expires')
      ? Number(target.searchParams.get('X-Amz-Expires'))
      : Number(target.searchParams.get('X-Khoso-Expires')) - Date.now() / 1000;
    assert.ok(lifetime > 0 && lifetime <= 301, `the presign lives ${lifetime} s`);
    assert.ok(!target.href.includes(token), 'the presign does not carry the link token');

    for (const method of ['POST', 'PUT', 'DELETE']) {
      const other = await unchanged(w, () => attempt(w.t, method, `/v1/portal-links/${token}`));
      assert.ok(other.status === 404 || other.status === 405, `${method}: ${other.status}`);
      assert.equal(other.contentType, 'application/problem+json', method);
    }
  });

  test('a query naming another document is refused, and a bearer token changes nothing: the link serves what it names', async () => {
    const token = await linkToDocument();
    assertProblem(
      await unchanged(w, () => attempt(w.t, 'GET', `/v1/portal-links/${token}?documentId=${w.ids.otherDocument}`)),
      400,
      'invalid-request',
    );
    for (const bearer of [w.b, w.officer]) {
      const response = await fetch(`${w.t.url}/v1/portal-links/${token}`, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${bearer}` },
      });
      assert.equal(response.status, 302);
      const served = await fetch(response.headers.get('location')!);
      const owned = await w.t.api('GET', `/v1/documents/${w.ids.document}/content`, { token: w.a });
      const ownerCopy = await fetch(owned.headers.get('location')!);
      assert.deepEqual(
        new Uint8Array(await served.arrayBuffer()),
        new Uint8Array(await ownerCopy.arrayBuffer()),
        "the bytes are A's version 1, not B's document",
      );
    }
  });
});
