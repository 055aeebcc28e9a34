import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import { personas } from '../integration/support/test-vault.ts';
import { expectEach, ownerA, ownerB, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Fields the system owns (owner, role, source, authorship, checksums, versions) smuggled into
 * bodies, and prototype-pollution keys: every body schema is strict, so each is a 400
 * invalid-request naming nothing it did, and nothing changes.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld({ signature: false });
});
after(async () => {
  await w?.t.close();
});

const json = (token: string, body: unknown) => ({ token, body });
const raw = (token: string, text: string) => ({
  token,
  rawBody: text,
  headers: { 'content-type': 'application/json' },
});

describe('mass assignment', () => {
  test('createFolder with ownerId, id, system or createdBy', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { ownerId: ownerB },
          { id: 'sys-self' },
          { system: 'identity' },
          { createdBy: 'admin' },
          { trashedAt: null },
        ].map((extra) => ({
          method: 'POST',
          path: '/v1/folders',
          options: json(w.a, { name: 'Chen ngang', ...extra }),
        })),
        400,
        'invalid-request',
      ),
    );
  });

  test('updateDocument with ownerId or source "issued" (a self upload passing as issued)', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [{ ownerId: ownerB }, { source: 'issued' }, { source: 'imported' }, { fields: { personalId: ownerB } }].map(
          (extra) => ({
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: json(w.a, { title: 'Bình thường', ...extra }),
          }),
        ),
        400,
        'invalid-request',
      ),
    );
    const document = await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a });
    assert.equal(document.json.source, 'self');
    assert.equal(document.json.ownerId, ownerA);
  });

  test('updateDocument with checksums, sizes, versions and authorship', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { sha256: '0'.repeat(64) },
          { size: 1 },
          { currentVersion: 9 },
          { versionCount: 0 },
          { createdBy: 'officer-le-van-cuong' },
          { createdAt: '2000-01-01T00:00:00.000Z' },
          { contentType: 'text/html' },
          { fileName: 'evil.html' },
          { id: w.ids.otherDocument },
        ].map((extra) => ({ method: 'PATCH', path: `/v1/documents/${w.ids.document}`, options: json(w.a, extra) })),
        400,
        'invalid-request',
      ),
    );
  });

  test('role, unit and sub in bodies never change who the caller is', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { method: 'POST', path: '/v1/folders', options: json(w.a, { name: 'x', role: 'admin' }) },
          { method: 'POST', path: '/v1/folders', options: json(w.a, { name: 'x', unit: 'PC06' }) },
          { method: 'POST', path: '/v1/folders', options: json(w.a, { name: 'x', sub: personas.admin.sub }) },
          {
            method: 'PATCH',
            path: `/v1/folders/${w.ids.subfolder}`,
            options: json(w.a, { name: 'x', role: 'officer' }),
          },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: json(w.a, { fileName: 'a.pdf', contentType: 'application/pdf', size: 100, role: 'officer' }),
          },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: json(w.a, { fileName: 'a.pdf', contentType: 'application/pdf', size: 100, source: 'issued' }),
          },
        ],
        400,
        'invalid-request',
      ),
    );
  });

  test("a citizen's upload naming another owner is refused, and B's vault gets nothing", async () => {
    await unchanged(w, async () => {
      const response = await w.t.api(
        'POST',
        '/v1/uploads',
        json(w.a, { fileName: 'a.pdf', contentType: 'application/pdf', size: 100, ownerId: ownerB }),
      );
      assertProblem(response, 422, 'invalid-input');
      assert.doesNotMatch(response.text, new RegExp(ownerB), 'the answer does not echo the other owner');
    });
  });

  test("an officer's upload may not choose a folder or document, nor smuggle the source", async () => {
    await unchanged(w, async () => {
      const base = { fileName: 'kq.pdf', contentType: 'application/pdf', size: 100, ownerId: ownerA };
      assertProblem(
        await w.t.api('POST', '/v1/uploads', json(w.officer, { ...base, folderId: w.ids.folder })),
        422,
        'invalid-input',
      );
      assertProblem(
        await w.t.api('POST', '/v1/uploads', json(w.officer, { ...base, documentId: w.ids.document })),
        400,
        'invalid-request',
      );
      assertProblem(
        await w.t.api('POST', '/v1/uploads', json(w.officer, { ...base, source: 'self' })),
        400,
        'invalid-request',
      );
    });
  });

  test("an administrator's new template may not set its version, author or creation time", async () => {
    const existing = await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van', { token: w.admin });
    assert.equal(existing.status, 200, existing.text);
    const { version: _v, createdAt: _c, createdBy: _b, ...draft } = existing.json as Record<string, unknown>;
    const base = { ...draft, id: 'mau-chen', key: 'mau-chen' };
    const listBefore = (await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json;
    await expectEach(
      w.t,
      [{ version: 99 }, { createdBy: 'system' }, { createdAt: '2000-01-01T00:00:00.000Z' }].map((extra) => ({
        method: 'POST',
        path: '/v1/ocr-templates',
        options: json(w.admin, { ...base, ...extra }),
      })),
      400,
      'invalid-request',
    );
    assert.deepEqual(
      (await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json,
      listBefore,
      'no template was created',
    );
  });

  test("template permissions naming an unknown role or granting away the administrator's grant right", async () => {
    const before = (await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van/versions', { token: w.admin })).json;
    const response = await w.t.api(
      'PUT',
      '/v1/ocr-templates/builtin-cong-van/permissions',
      json(w.admin, {
        view: [{ role: 'superuser' }],
        use: [{ role: 'officer' }],
        edit: [{ role: 'admin' }],
        grant: [{ role: 'admin' }],
      }),
    );
    assertProblem(response, 400, 'invalid-request');
    const noAdmin = await w.t.api(
      'PUT',
      '/v1/ocr-templates/builtin-cong-van/permissions',
      json(w.admin, {
        view: [{ role: 'officer' }],
        use: [{ role: 'officer' }],
        edit: [{ role: 'officer' }],
        grant: [{ role: 'officer' }],
      }),
    );
    assert.ok(noAdmin.status === 400 || noAdmin.status === 422, noAdmin.text);
    assertProblem(noAdmin, noAdmin.status, ['invalid-request', 'invalid-input']);
    assert.deepEqual(
      (await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van/versions', { token: w.admin })).json,
      before,
    );
  });
});

describe('prototype pollution', () => {
  const pollutions = [
    '"__proto__": {"ownerId": "001099012345", "role": "admin", "polluted": true}',
    '"constructor": {"prototype": {"polluted": true}}',
    '"__proto__": {"__proto__": {"polluted": true}}',
  ];

  test('__proto__ and constructor at the top of folder and document bodies', async () => {
    const requests = pollutions.flatMap((pollution) => [
      { method: 'POST', path: '/v1/folders', options: raw(w.a, `{"name": "Ô nhiễm", ${pollution}}`) },
      {
        method: 'PATCH',
        path: `/v1/documents/${w.ids.document}`,
        options: raw(w.a, `{"title": "Ô nhiễm", ${pollution}}`),
      },
      {
        method: 'POST',
        path: '/v1/uploads',
        options: raw(w.a, `{"fileName": "a.pdf", "contentType": "application/pdf", "size": 100, ${pollution}}`),
      },
    ]);
    await unchanged(w, () => expectEach(w.t, requests, 400, 'invalid-request'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is clean');
    assert.equal(({} as Record<string, unknown>).ownerId, undefined);
  });

  test('__proto__ nested in record-typed fields (review corrections, template fields)', async () => {
    await unchanged(w, async () => {
      const review = await w.t.api(
        'POST',
        `/v1/uploads/${w.ids.upload}/review`,
        raw(w.a, '{"approve": true, "fields": {"__proto__": {"polluted": true}}}'),
      );
      assert.ok(review.status === 400 || review.status === 409, review.text);
      assertProblem(review, review.status, ['invalid-request', 'upload-not-ready']);
      const constructorKey = await w.t.api(
        'POST',
        `/v1/uploads/${w.ids.upload}/review`,
        raw(w.a, '{"approve": true, "fields": {"constructor": "x", "toString": "y"}}'),
      );
      assert.ok(constructorKey.status === 400 || constructorKey.status === 409, constructorKey.text);
    });
    const template = await w.t.api(
      'PATCH',
      '/v1/ocr-templates/builtin-cong-van',
      raw(w.admin, '{"name": "Công văn", "permissions": {"__proto__": {"view": [{"role": "citizen"}]}}}'),
    );
    assertProblem(template, 400, 'invalid-request');
    assert.equal(
      (await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van', { token: w.a })).status,
      404,
      'citizens still cannot see it',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).view, undefined);
  });

  test('__proto__ and constructor in query strings', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { method: 'GET', path: `/v1/folders/${w.ids.folder}/items?__proto__[polluted]=1`, options: { token: w.a } },
          { method: 'GET', path: '/v1/documents?q=x&__proto__=1', options: { token: w.a } },
          { method: 'GET', path: '/v1/documents?q=x&constructor[prototype][polluted]=1', options: { token: w.a } },
          { method: 'GET', path: '/v1/trash?hasOwnProperty=1', options: { token: w.a } },
        ],
        400,
        'invalid-request',
      ),
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
