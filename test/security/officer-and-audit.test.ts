import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import {
  expectEach,
  ownerA,
  ownerB,
  shareWith,
  startWorld,
  unchanged,
  unchangedButAudited,
  type SecurityWorld,
} from './support.ts';

/**
 * Officers reading citizens' papers (only for a recorded purpose, only with consent or for
 * what their unit issued), and the administrator's audit-chain verification. Each refused
 * read is in the citizen's history and access log, with the purpose the officer gave.
 */
let w: SecurityWorld;
let otherUnit: string;
const purpose = '?procedureCode=1.004227&caseNumber=HS-2026/0001';

before(async () => {
  w = await startWorld({ signature: false });
  otherUnit = await w.t.vault.issuer.issueToken({ sub: 'officer-hoang-van-em', role: 'officer', unit: 'PC08' });
});
after(async () => {
  await w?.t.close();
});

const officerPath = (ownerId: string, documentId: string, suffix = '') =>
  `/v1/officer/owners/${ownerId}/documents/${documentId}${suffix}${purpose}`;

async function accessLog(token = w.a) {
  const response = await w.t.api('GET', '/v1/access-log?limit=1000', { token });
  assert.equal(response.status, 200, response.text);
  return response.json.items as {
    id: string;
    action: string;
    outcome: string;
    actor: { sub: string; unit?: string };
    detail?: Record<string, unknown>;
  }[];
}

describe('officer access', () => {
  test("no consent and not issued by the unit: 404, in the citizen's history and access log with the purpose", async () => {
    const seen = new Set((await accessLog()).map((entry) => entry.id));
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(await w.t.api('GET', officerPath(ownerA, w.ids.document), { token: w.officer }), 404, 'not-found');
      const content = await w.t.api('GET', officerPath(ownerA, w.ids.document, '/content'), { token: w.officer });
      assertProblem(content, 404, 'not-found');
      assert.equal(content.headers.get('location'), null);
    });
    assert.deepEqual(
      added.map((entry) => [entry.action, entry.outcome]),
      Array(2).fill(['document.officer-read-denied', 'denied']),
    );
    const fresh = (await accessLog()).filter((entry) => !seen.has(entry.id));
    assert.equal(fresh.length, 2, 'the citizen sees both attempts');
    for (const entry of fresh) {
      assert.equal(entry.actor.unit, 'PC06');
      assert.equal(entry.detail?.procedureCode, '1.004227');
      assert.equal(entry.detail?.caseNumber, 'HS-2026/0001');
    }
  });

  test('a consent to one unit does not open the document to another unit, nor under another owner id', async () => {
    const consent = await shareWith(w, {
      resourceType: 'document',
      resourceId: w.ids.document,
      grantee: { kind: 'unit', id: 'PC06' },
      permissions: ['metadata'],
    });
    assert.equal(
      (await w.t.api('GET', officerPath(ownerA, w.ids.document), { token: w.officer })).status,
      200,
      'control: PC06 reads',
    );
    const { added } = await unchangedButAudited(w, async () => {
      assertProblem(
        await w.t.api('GET', officerPath(ownerA, w.ids.document), { token: otherUnit }),
        404,
        'not-found',
        'PC08',
      );
      assertProblem(
        await w.t.api('GET', officerPath(ownerA, w.ids.document, '/content'), { token: w.officer }),
        404,
        'not-found',
        'no download in the consent',
      );
    });
    assert.deepEqual(added.map((entry) => `${entry.action} ${entry.actor.unit} ${entry.detail?.part}`).sort(), [
      'document.officer-read-denied PC06 content',
      'document.officer-read-denied PC08 metadata',
    ]);
    // A's document asked for under B's owner id: B's history records the refused look-up, A's vault is untouched.
    await unchanged(w, async () => {
      assertProblem(
        await w.t.api('GET', officerPath(ownerB, w.ids.document), { token: w.officer }),
        404,
        'not-found',
        'wrong owner',
      );
    });
    assert.equal((await w.t.api('DELETE', `/v1/shares/${consent}`, { token: w.a })).status, 204);
    assertProblem(
      await w.t.api('GET', officerPath(ownerA, w.ids.document), { token: w.officer }),
      404,
      'not-found',
      'after the consent is revoked',
    );
  });

  test('no purpose, or a purpose that is not a procedure code and case number, is 400 before anything is read', async () => {
    const base = `/v1/officer/owners/${ownerA}/documents/${w.ids.document}`;
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          '',
          '?procedureCode=1.004227',
          '?caseNumber=HS-1',
          '?procedureCode=1%27%20OR%201%3D1&caseNumber=HS-1',
          '?procedureCode=1.004227&caseNumber=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
          '?procedureCode=1.004227&caseNumber=%24%7B7*7%7D',
          '?procedureCode=1.004227&caseNumber=a%0d%0aX-Injected:%201',
          `?procedureCode=1.004227&caseNumber=${'9'.repeat(65)}`,
          '?procedureCode=1.004227&caseNumber=HS-1&ownerId=001099012345',
        ].map((query) => ({ method: 'GET', path: `${base}${query}`, options: { token: w.officer } })),
        400,
        'invalid-request',
      ),
    );
  });

  test('citizens, organisations and administrators cannot use the officer routes (403)', async () => {
    const org = await w.t.token('organization');
    await unchanged(w, () =>
      expectEach(
        w.t,
        [w.a, w.b, org, w.admin].map((token) => ({
          method: 'GET',
          path: officerPath(ownerA, w.ids.document),
          options: { token },
        })),
        403,
        'forbidden-role',
      ),
    );
  });

  test("the access log is the caller's own: B sees none of A's, and cannot ask for it", async () => {
    const mine = await accessLog(w.a);
    assert.ok(mine.length > 0, 'A has entries from the tests above');
    const theirs = await accessLog(w.b);
    assert.ok(!theirs.some((entry) => mine.some((own) => own.id === entry.id)));
    await unchanged(w, () =>
      expectEach(
        w.t,
        [{ method: 'GET', path: `/v1/access-log?ownerId=${ownerA}`, options: { token: w.b } }],
        400,
        'invalid-request',
      ),
    );
    assertProblem(await w.t.api('GET', '/v1/access-log', { token: w.officer }), 403, 'forbidden-role');
  });
});

describe('audit chain administration', () => {
  test('only administrators verify chains; odd owner ids are 400', async () => {
    await unchanged(w, async () => {
      await expectEach(
        w.t,
        [w.a, w.b, w.officer].map((token) => ({
          method: 'GET',
          path: `/v1/admin/audit-chains/${ownerA}/verification`,
          options: { token },
        })),
        403,
        'forbidden-role',
      );
      await expectEach(
        w.t,
        ['..%2F..%2Fetc', 'templates%00', '0792030012340000000000', '*', "079203001234'--"].map((id) => ({
          method: 'GET',
          path: `/v1/admin/audit-chains/${id}/verification`,
          options: { token: w.admin },
        })),
        400,
        'invalid-request',
      );
      assertProblem(await w.t.api('GET', `/v1/admin/audit-chains/${ownerA}/verification`), 401, 'unauthenticated');
    });
  });

  test("after every refusal above, A's and B's chains still verify: denials were appended, nothing rewritten", async () => {
    for (const ownerId of [ownerA, ownerB, 'templates', 'signing']) {
      const response = await w.t.api('GET', `/v1/admin/audit-chains/${ownerId}/verification`, { token: w.admin });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.ok, true, `${ownerId}: ${response.text}`);
    }
    const a = await w.t.api('GET', `/v1/admin/audit-chains/${ownerA}/verification`, { token: w.admin });
    assert.ok(a.json.entries >= 10, `A's chain has the denials too (${a.json.entries})`);
  });
});
