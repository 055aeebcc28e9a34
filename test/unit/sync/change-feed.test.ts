import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  changesForUnit,
  decodeFeedCursor,
  documentChangeOf,
  encodeFeedCursor,
  withinRetention,
  type DocumentChange,
  type FeedEntry,
} from '../../../functions/sync/core/change-feed.ts';
import { InvalidInputError } from '../../../functions/platform/core/errors.ts';
import type { VaultDocument } from '../../../functions/vault/core/model.ts';

const document: VaultDocument = {
  id: 'd1',
  ownerId: '001099012345',
  folderId: 'results',
  source: 'issued',
  title: 'GXN',
  type: 'KQ.G15.000031',
  number: '12/GXN',
  issuer: 'H22',
  issuingUnit: 'A08',
  fileName: 'a.pdf',
  contentType: 'application/pdf',
  size: 1,
  sha256: 'x',
  currentVersion: 1,
  versionCount: 1,
  createdAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:00:00.000Z',
  createdBy: 'a08',
};

describe('feed cursor', () => {
  test('round-trips and is opaque base64url', () => {
    const position = { day: '2026-12-03', after: '2026-12-03T10:00:00.000Z#001099012345#d1#000001#filed' };
    const cursor = encodeFeedCursor(position);
    assert.match(cursor, /^eyJ[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeFeedCursor(cursor), position);
    assert.deepEqual(decodeFeedCursor(encodeFeedCursor({ day: '2026-12-03' })), { day: '2026-12-03' });
  });

  test('anything but a cursor we wrote is refused', () => {
    const bad = [
      'not-base64-json',
      Buffer.from('{"d":"2026-12-03","x":1}').toString('base64url'),
      Buffer.from('{"d":"yesterday"}').toString('base64url'),
      Buffer.from('{"d":"2026-12-03","a":"2026-12-02T00:00:00Z#x"}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
    ];
    for (const cursor of bad) assert.throws(() => decodeFeedCursor(cursor), InvalidInputError, cursor);
  });
});

describe('feed entries from document writes', () => {
  test('a new issued document is filed; a new version is filed; a revocation is revoked', () => {
    assert.equal(documentChangeOf(document, undefined)?.change, 'filed');
    const v2 = { ...document, currentVersion: 2, updatedAt: '2026-12-03T11:00:00.000Z' };
    assert.deepEqual(documentChangeOf(v2, document), {
      documentId: 'd1',
      ownerId: '001099012345',
      type: 'KQ.G15.000031',
      number: '12/GXN',
      issuer: 'H22',
      issuingUnit: 'A08',
      version: 2,
      change: 'filed',
      at: '2026-12-03T11:00:00.000Z',
    });
    const revoked = { ...document, revoked: { at: 'x', reason: 'r', by: 'A08', resultId: 'r1' } };
    assert.equal(documentChangeOf(revoked, document)?.change, 'revoked');
  });

  test("a citizen's own paper, a rename or a trashed document make no entry", () => {
    assert.equal(documentChangeOf({ ...document, source: 'self' }, undefined), undefined);
    assert.equal(documentChangeOf({ ...document, title: 'renamed' }, document), undefined);
    assert.equal(documentChangeOf({ ...document, trashedAt: 'now' }, document), undefined);
  });
});

describe('reading the feed for a unit', () => {
  const change = (n: number, issuingUnit: string): DocumentChange => ({
    ...documentChangeOf({ ...document, id: `d${n}`, issuingUnit }, undefined)!,
    at: `2026-12-0${n < 5 ? 1 : 3}T10:00:0${n}.000Z`,
  });
  const entries: FeedEntry[] = [1, 2, 3, 4, 5, 6, 7].map((n) => {
    const c = change(n, n % 2 ? 'A08' : 'B01');
    return { change: c, position: `${c.at}#${c.documentId}` };
  });
  const deps = {
    clock: { now: () => new Date('2026-12-03T12:00:00.000Z') },
    feedSettings: { windowDays: 3, settleMs: 1000 },
    syncPolicies: {
      currentPolicy: async () => ({
        version: 1,
        rules: [
          { unit: 'A08', documentType: '*', push: 'never' as const, shareWith: ['C06'], retention: 'keep' as const },
        ],
        createdAt: '',
        createdBy: '',
        change: { kind: 'put' as const, unit: 'A08', documentType: '*' },
      }),
      policyVersions: async () => [],
    },
    changeFeed: {
      readChanges: async (q: { day: string; after?: string; before: string; limit: number }) =>
        entries
          .filter((e) => e.change.at.startsWith(q.day) && (!q.after || e.position > q.after) && e.change.at < q.before)
          .slice(0, q.limit),
    },
  };

  test('only what the policy shares, across days, and a resumed cursor gets exactly the rest', async () => {
    const first = await changesForUnit(deps, 'C06', undefined, 2);
    assert.deepEqual(
      first.changes.map((e) => e.change.documentId),
      ['d1', 'd3'],
    );
    assert.equal(first.caughtUp, false);
    const rest = await changesForUnit(deps, 'C06', decodeFeedCursor(encodeFeedCursor(first.position)), 10);
    assert.deepEqual(
      rest.changes.map((e) => e.change.documentId),
      ['d5', 'd7'],
    );
    assert.equal(rest.caughtUp, true);
    const none = await changesForUnit(deps, 'C06', rest.position, 10);
    assert.deepEqual(none.changes, []);
    assert.deepEqual(none.position, rest.position);
  });

  test("entries past the rule's retention are withheld, and the cursor moves past them", async () => {
    const oneDay = {
      ...deps,
      syncPolicies: {
        ...deps.syncPolicies,
        currentPolicy: async () => ({
          ...(await deps.syncPolicies.currentPolicy()),
          rules: [{ unit: 'A08', documentType: '*', push: 'never' as const, shareWith: ['C06'], retention: 1 }],
        }),
      },
    };
    // d1 and d3 were filed two days before the read, d5 and d7 two hours before.
    const read = await changesForUnit(oneDay, 'C06', undefined, 10);
    assert.deepEqual(
      read.changes.map((e) => e.change.documentId),
      ['d5', 'd7'],
    );
    assert.equal(read.caughtUp, true);
    assert.equal(read.position.after, entries.at(-1)?.position);
  });

  test('a unit the policy names nowhere sees nothing, and its cursor still moves to the end', async () => {
    const other = await changesForUnit(deps, 'C07', undefined, 10);
    assert.deepEqual(other.changes, []);
    assert.equal(other.caughtUp, true);
    assert.equal(other.position.after, entries.at(-1)?.position);
  });
});

describe('retention', () => {
  const filed = '2026-12-01T10:00:00.000Z';
  const after = (ms: number) => new Date(Date.parse(filed) + ms);
  const day = 24 * 3600 * 1000;

  test('counts whole days from the change, to the millisecond', () => {
    assert.equal(withinRetention(2, filed, after(2 * day - 1)), true);
    assert.equal(withinRetention(2, filed, after(2 * day)), false);
  });

  test('keep and longer rules end with the entries the feed stores (35 days)', () => {
    assert.equal(withinRetention('keep', filed, after(35 * day - 1)), true);
    assert.equal(withinRetention('keep', filed, after(35 * day)), false);
    assert.equal(withinRetention(3650, filed, after(35 * day)), false);
  });
});
