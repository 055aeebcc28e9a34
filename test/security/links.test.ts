import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, type ApiResponse } from '../integration/support/http-client.ts';
import { randomBytes } from 'node:crypto';
import { linkIdOf } from '../../functions/sharing/core/link-secrets.ts';
import {
  attempt,
  expectEach,
  linkTo,
  observable,
  ownerA,
  startWorld,
  unchanged,
  unchangedButAudited,
  type SecurityWorld,
} from './support.ts';

/**
 * Shared links, attacked by whoever holds (or guesses) a token: revoked, expired, used-up,
 * PIN-guessed and brute-forced tokens are refused with problem+json, every refusal of a
 * link that exists is audited in the owner's history, and a link shows what it shares and
 * nothing else. The brute-force test runs last: it exhausts this address's budget of misses.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld({ signature: false });
});
after(async () => {
  await w?.t.close();
});

const open = (token: string, options: { pin?: string; query?: string } = {}) =>
  attempt(w.t, 'GET', `/v1/shared-links/${token}${options.query ?? ''}`, {
    ...(options.pin !== undefined ? { headers: { 'x-link-pin': options.pin } } : {}),
  });

const linkRecord = (token: string) => w.t.vault.deps.repository.getLink(linkIdOf(token));

/** Audit entries of link refusals for a resource of A's, with the given reason. */
async function linkDenials(resourceId: string, reason?: string) {
  const history = await w.t.vault.deps.repository.listHistory(ownerA, resourceId, { limit: 1000 });
  return history.items.filter(
    (entry) => entry.action === 'link.access-denied' && (reason === undefined || entry.detail?.reason === reason),
  );
}

/** Moves a link's expiry into the past, as time passing would. */
async function expire(token: string) {
  const link = (await linkRecord(token))!;
  await w.t.vault.deps.repository.commit({
    ownerId: ownerA,
    links: [{ next: { ...link, expiresAt: new Date(Date.now() - 1000).toISOString() }, previous: link }],
    audit: [],
  });
}

describe('links', () => {
  test("control and scope: a document link shows that document's metadata and nothing of the vault", async () => {
    const { token } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    const response = await open(token);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.document.id, w.ids.document);
    for (const hidden of ['ownerId', 'folderId', 'createdBy', 'trashedAt', 'versionCount', 'createdAt']) {
      assert.equal(response.json.document[hidden], undefined, `no ${hidden}`);
    }
    assert.ok(!response.text.includes(ownerA), "the owner's personal ID is not shown");
    assert.ok(!response.text.includes(w.ids.folder), 'nor where it is filed');
    assert.equal(response.headers.get('cache-control')?.includes('no-store') ?? true, true);
  });

  test('a folder link cannot reach a folder or document outside the shared folder', async () => {
    const { token } = await linkTo(w, {
      resourceType: 'folder',
      resourceId: w.ids.subfolder,
      permissions: ['metadata', 'download'],
    });
    const before = (await linkDenials(w.ids.subfolder, 'outside-link')).length;
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await open(token, { query: `?folderId=${w.ids.folder}` }), 404, 'not-found', 'the parent folder');
      assertProblem(await open(token, { query: `?folderId=${w.ids.otherFolder}` }), 404, 'not-found', "B's folder");
      assertProblem(
        await attempt(w.t, 'GET', `/v1/shared-links/${token}/content?documentId=${w.ids.document}`),
        404,
        'not-found',
        'a document in the parent',
      );
      assertProblem(
        await attempt(w.t, 'GET', `/v1/shared-links/${token}/content?documentId=${w.ids.otherDocument}`),
        404,
        'not-found',
        "B's document",
      );
    });
    assert.equal((await linkDenials(w.ids.subfolder, 'outside-link')).length - before, 4, 'each refusal is audited');
    assert.deepEqual(
      added.map((entry) => [entry.action, entry.resourceId, entry.detail?.reason]),
      Array(4).fill(['link.access-denied', w.ids.subfolder, 'outside-link']),
      "in the shared folder's history, and nothing else",
    );
    assert.equal((await linkRecord(token))?.uses, 0, 'refusals are not uses');
  });

  test('a link without download permission gives no content (403 permission-denied, audited)', async () => {
    const { token } = await linkTo(w, {
      resourceType: 'document',
      resourceId: w.ids.document,
      permissions: ['metadata'],
    });
    const { added } = await unchangedButAudited(w, async () => {
      const response = await attempt(w.t, 'GET', `/v1/shared-links/${token}/content`);
      assertProblem(response, 403, 'permission-denied');
      assert.equal(response.headers.get('location'), null);
    });
    assert.deepEqual(
      added.map((entry) => [entry.action, entry.outcome, entry.detail?.reason]),
      [['link.access-denied', 'denied', 'no-download-permission']],
    );
  });

  test('a revoked link stops at once: 404 on view and content, audited as revoked', async () => {
    const { token, id } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    assert.equal((await open(token)).status, 200, 'works before');
    assert.equal((await w.t.api('DELETE', `/v1/links/${id}`, { token: w.a })).status, 204);
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await open(token), 404, 'not-found');
      assertProblem(await attempt(w.t, 'GET', `/v1/shared-links/${token}/content`), 404, 'not-found');
    });
    assert.deepEqual(
      added.map((entry) => entry.detail?.reason),
      ['revoked', 'revoked'],
    );
    assert.ok(added.every((entry) => entry.outcome === 'denied' && entry.action === 'link.access-denied'));
  });

  test('an expired link is 404, audited as expired; the API refuses an expiry in the past', async () => {
    const { token } = await linkTo(w, {
      resourceType: 'document',
      resourceId: w.ids.document,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await expire(token);
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await open(token), 404, 'not-found');
      assertProblem(
        await w.t.api('POST', '/v1/links', {
          token: w.a,
          body: {
            resourceType: 'document',
            resourceId: w.ids.document,
            permissions: ['metadata'],
            expiresAt: '2020-01-01T00:00:00Z',
          },
        }),
        422,
        'invalid-input',
      );
    });
    assert.deepEqual(
      added.map((entry) => entry.detail?.reason),
      ['expired'],
    );
  });

  test('an over-used link: maxUses 2 gives two views, then 404 audited as used-up', async () => {
    const { token } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document, maxUses: 2 });
    assert.equal((await open(token)).status, 200);
    const second = await open(token);
    assert.equal(second.status, 200);
    assert.equal(second.json.remainingUses, 0);
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await open(token), 404, 'not-found');
      assertProblem(await attempt(w.t, 'GET', `/v1/shared-links/${token}/content`), 404, 'not-found');
    });
    assert.deepEqual(
      added.map((entry) => entry.detail?.reason),
      ['used-up', 'used-up'],
    );
    assert.equal((await linkRecord(token))?.uses, 2);
  });

  test('revoked, expired, used-up and never-issued tokens all answer the same 404', async () => {
    const revoked = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    await w.t.api('DELETE', `/v1/links/${revoked.id}`, { token: w.a });
    const expired = await linkTo(w, {
      resourceType: 'document',
      resourceId: w.ids.document,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await expire(expired.token);
    const usedUp = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document, maxUses: 1 });
    assert.equal((await open(usedUp.token)).status, 200);
    const answers: ApiResponse[] = [
      await open(revoked.token),
      await open(expired.token),
      await open(usedUp.token),
      await open('n'.repeat(43)),
    ];
    for (const answer of answers) assertProblem(answer, 404, 'not-found');
    const shapes = answers.map((answer) => JSON.stringify(observable(answer)));
    assert.equal(new Set(shapes).size, 1, shapes.join('\n'));
  });

  test('a wrong PIN is refused and counted; five lock the link, even against the right PIN (429, audited)', async () => {
    const { token } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document, pin: '482915' });
    assertProblem(await open(token), 403, 'pin-required', 'no PIN');
    for (let attemptNo = 1; attemptNo <= 4; attemptNo += 1)
      assertProblem(
        await open(token, { pin: String(100000 + attemptNo) }),
        403,
        'pin-required',
        `wrong PIN ${attemptNo}`,
      );
    const locked = await open(token, { pin: '999999' });
    assertProblem(locked, 429, 'rate-limited', 'the fifth wrong PIN locks');
    assert.ok(Number(locked.headers.get('retry-after')) > 0, 'Retry-After');
    const right = await open(token, { pin: '482915' });
    assertProblem(right, 429, 'rate-limited', 'the right PIN while locked');
    const denials = await linkDenials(w.ids.document);
    const reasons = denials
      .filter((entry) => entry.detail?.linkId === linkIdOf(token))
      .map((entry) => entry.detail?.reason);
    assert.equal(reasons.filter((reason) => reason === 'wrong-pin').length, 5);
    assert.equal(reasons.filter((reason) => reason === 'locked').length, 1);
    assert.equal((await linkRecord(token))?.uses, 0, 'never opened');
  });

  test('PIN header abuse: non-digits, very long, injection strings are just wrong PINs', async () => {
    const { token } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document, pin: '1234' });
    for (const pin of ["1234' OR '1'='1", '{"$ne":null}', '1234\u00a0x', '0'.repeat(4000)]) {
      const response = await open(token, { pin });
      assert.ok(
        response.status === 403 || response.status === 400,
        `${JSON.stringify(pin.slice(0, 20))}: ${response.status}`,
      );
      assertProblem(response, response.status, ['pin-required', 'invalid-request']);
    }
    assert.equal(
      (await open(token, { pin: '1234' })).status,
      200,
      'the right PIN still works (fewer than five wrong ones)',
    );
  });

  test('tokens that are not tokens: traversal, injection and over-long values are 400', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          '..%2F..%2Fv1%2Ffolders',
          `${'a'.repeat(31)}`,
          'a'.repeat(129),
          "abc' OR '1'='1'--aaaaaaaaaaaaaaaaaaaaaaaaa",
          '%00'.repeat(20),
          '{"$ne":null}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        ].map((token) => ({ method: 'GET', path: `/v1/shared-links/${token}`, options: {} })),
        400,
        'invalid-request',
      ),
    );
  });

  test("IDOR on links: B cannot revoke or list A's link, nor make one to A's document", async () => {
    const { token, id } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    await unchanged(w, async () => {
      assertProblem(await w.t.api('DELETE', `/v1/links/${id}`, { token: w.b }), 404, 'not-found');
      assertProblem(
        await w.t.api('DELETE', `/v1/links/${token}`, { token: w.a }),
        400,
        'invalid-request',
        'the token is not an id',
      );
      const listed = await w.t.api('GET', '/v1/links', { token: w.b });
      assert.equal(listed.status, 200);
      assert.ok(!listed.json.items.some((item: { id: string }) => item.id === id));
      assertProblem(
        await w.t.api('POST', '/v1/links', {
          token: w.b,
          body: { resourceType: 'document', resourceId: w.ids.document, permissions: ['metadata'] },
        }),
        404,
        'not-found',
      );
      assertProblem(
        await w.t.api('POST', '/v1/links', {
          token: w.b,
          body: { resourceType: 'folder', resourceId: w.ids.folder, permissions: ['metadata'] },
        }),
        404,
        'not-found',
      );
    });
    assert.equal((await open(token)).status, 200, "A's link still works");
  });

  test('mass assignment on links: uses, ownerId, id and a stored PIN hash are refused', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { uses: -100 },
          { ownerId: '001099012345' },
          { id: 'a'.repeat(64) },
          { pin: { salt: 'x', hash: 'y' } },
          { maxUses: 0 },
          { maxUses: 1e9 },
          { permissions: ['admin'] },
          { permissions: [] },
        ].map((extra) => ({
          method: 'POST',
          path: '/v1/links',
          options: {
            token: w.a,
            body: { resourceType: 'document', resourceId: w.ids.document, permissions: ['metadata'], ...extra },
          },
        })),
        400,
        'invalid-request',
      ),
    );
  });

  test('a link token is 256 random bits, stored only as its hash', async () => {
    const { token, id } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 bytes of base64url');
    assert.equal(id, linkIdOf(token));
    const record = await linkRecord(token);
    assert.ok(!JSON.stringify(record).includes(token), 'the token itself is not stored');
    const listed = await w.t.api('GET', '/v1/links', { token: w.a });
    assert.ok(!listed.text.includes(token), 'nor listed');
  });

  // Last: it spends this address's budget of unknown tokens for the current minute.
  test('brute force: unknown tokens are rate-limited per address (429 with Retry-After), X-Forwarded-For does not help', async () => {
    const { token } = await linkTo(w, { resourceType: 'folder', resourceId: w.ids.subfolder });
    const limit = 20;
    let misses = 0;
    let limited: ApiResponse | undefined;
    let limitedMinute = 0;
    // The budget is per clock minute; if a minute boundary falls inside the run, it restarts once.
    for (let guess = 0; guess < 2 * limit + 2 && !limited; guess += 1) {
      const random = randomBytes(32).toString('base64url');
      const response = await attempt(w.t, 'GET', `/v1/shared-links/${random}`, {
        headers: { 'x-forwarded-for': `203.0.113.${guess}` },
      });
      if (response.status === 429) {
        limited = response;
        limitedMinute = Math.floor(Date.now() / 60_000);
      } else {
        assertProblem(response, 404, 'not-found', `guess ${guess}`);
        misses += 1;
      }
    }
    assert.ok(limited, `no 429 after ${misses} unknown tokens`);
    assertProblem(limited, 429, 'rate-limited');
    assert.ok(misses >= limit - 1 && misses <= 2 * limit, `${misses} misses before the limit`);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // While limited, even a real token from this address waits (unless the minute just turned).
    const real = await open(token);
    if (Math.floor(Date.now() / 60_000) === limitedMinute)
      assertProblem(real, 429, 'rate-limited', 'a real token while limited');
  });
});
