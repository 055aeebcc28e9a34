import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import type { ApiResponse } from '../integration/support/http-client.ts';
import { median, observable, ownerA, randomId, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Can B learn whether an id exists in someone else's vault? "Not yours" and "does not exist"
 * must give the same status, problem type, body and headers, and take about the same time.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld();
});
after(async () => {
  await w?.t.close();
});

/** Headers a client sees, minus those that differ per request anyway. */
function headerShape(response: ApiResponse): Record<string, string> {
  const shape: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!['date', 'content-length', 'x-request-id', 'apigw-requestid', 'etag'].includes(name)) shape[name] = value;
  });
  return shape;
}

async function compare(path: (id: string) => string, theirs: string, method = 'GET', body?: unknown) {
  const options = { token: w.b, ...(body !== undefined ? { body } : {}) };
  const probe = await w.t.api(method, path(theirs), options);
  const missing = await w.t.api(method, path(randomId()), options);
  assert.equal(probe.status, 404, probe.text);
  assert.deepEqual(observable(probe), observable(missing), `${path(theirs)}: body`);
  assert.deepEqual(headerShape(probe), headerShape(missing), `${path(theirs)}: headers`);
  assert.ok(
    !probe.text.includes(theirs) && !probe.text.includes(ownerA),
    'the answer names neither the id nor its owner',
  );
  return probe;
}

/**
 * Interleaves requests for A's id and for random ids and compares the medians. The bound is
 * generous (3x, or under 15 ms apart) so a busy 2-core machine cannot make it flaky, yet a
 * refusal that did much more or much less work than a miss (a content read, a presign, an
 * extra query per page) would show.
 */
async function assertSimilarTiming(path: (id: string) => string, theirs: string, rounds = 40) {
  const time = async (id: string) => {
    const started = performance.now();
    const response = await w.t.api('GET', path(id), { token: w.b });
    assert.equal(response.status, 404);
    return performance.now() - started;
  };
  for (let warm = 0; warm < 5; warm += 1) {
    await time(theirs);
    await time(randomId());
  }
  const hit: number[] = [];
  const miss: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first, so neither always benefits from a warm cache.
    if (round % 2) {
      hit.push(await time(theirs));
      miss.push(await time(randomId()));
    } else {
      miss.push(await time(randomId()));
      hit.push(await time(theirs));
    }
  }
  const [mHit, mMiss] = [median(hit), median(miss)];
  const ratio = Math.max(mHit, mMiss) / Math.max(0.1, Math.min(mHit, mMiss));
  assert.ok(
    ratio < 3 || Math.abs(mHit - mMiss) < 15,
    `median ${mHit.toFixed(2)} ms (A's id) vs ${mMiss.toFixed(2)} ms (missing): ratio ${ratio.toFixed(2)}`,
  );
}

describe('enumeration through answers', () => {
  test("documents: A's id and a missing id give the same status, type, body and headers", async () => {
    await unchanged(w, async () => {
      await compare((id) => `/v1/documents/${id}`, w.ids.document);
      await compare((id) => `/v1/documents/${id}/content`, w.ids.document);
      await compare((id) => `/v1/documents/${id}`, w.ids.document, 'PATCH', { title: 'x' });
    });
  });

  test('folders: the same for items, renames and uploads into a folder', async () => {
    await unchanged(w, async () => {
      await compare((id) => `/v1/folders/${id}/items`, w.ids.folder);
      await compare((id) => `/v1/folders/${id}`, w.ids.folder, 'PATCH', { name: 'x' });
      await compare(() => '/v1/uploads', w.ids.folder, 'POST', {
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: 10,
        folderId: w.ids.folder,
      });
    });
  });

  test("uploads and signatures: a record that exists but is not B's looks missing", async () => {
    await unchanged(w, async () => {
      await compare((id) => `/v1/uploads/${id}`, w.ids.upload);
      await compare((id) => `/v1/documents/${w.ids.document}/signatures/${id}`, w.ids.signature);
    });
  });

  test('a trashed document of A and a default folder id of A look missing to B too', async () => {
    await unchanged(w, async () => {
      await compare((id) => `/v1/documents/${id}`, w.ids.trashed);
      await compare((id) => `/v1/trash/${id}/restore`, w.ids.trashed, 'POST');
    });
  });

  test('templates: one a citizen may not view answers like one that does not exist', async () => {
    const probe = await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van', { token: w.a });
    const missing = await w.t.api('GET', '/v1/ocr-templates/khong-ton-tai', { token: w.a });
    assert.equal(probe.status, 404);
    assert.deepEqual(observable(probe), observable(missing));
    assert.deepEqual(headerShape(probe), headerShape(missing));
  });

  test("timing: reading A's document is about as fast as reading a missing one (medians)", async () => {
    await assertSimilarTiming((id) => `/v1/documents/${id}`, w.ids.document);
  });

  test("timing: A's upload (found, then refused) and a missing upload (medians)", async () => {
    await assertSimilarTiming((id) => `/v1/uploads/${id}`, w.ids.upload);
  });
});
