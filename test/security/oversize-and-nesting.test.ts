import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import { attempt, expectEach, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Bodies, headers and values too big or too deep: each is refused with a problem (413 for a
 * body over its route's limit, 400 for a value over its schema's), the process stays up,
 * and nothing changes.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld({ signature: false });
});
after(async () => {
  await w?.t.close();
});

const raw = (token: string, text: string | Uint8Array) => ({
  token,
  rawBody: text,
  headers: { 'content-type': 'application/json' },
});

async function stillServing(): Promise<void> {
  const health = await w.t.api('GET', '/health');
  assert.equal(health.status, 200, 'the runtime still answers');
  assert.equal((await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a })).status, 200);
}

describe('oversized bodies', () => {
  test('a folder body just over the 64 KiB JSON limit is 413', async () => {
    const body = JSON.stringify({ name: 'Lớn', padding: 'x'.repeat(64 * 1024) });
    await unchanged(w, async () =>
      assertProblem(await w.t.api('POST', '/v1/folders', raw(w.a, body)), 413, 'payload-too-large'),
    );
  });

  test('an 11 MB document edit is 413 and the connection is answered, not dropped', async () => {
    const body = JSON.stringify({ summary: 'ư'.repeat(5.5 * 1024 * 1024) });
    await unchanged(w, async () => {
      const response = await attempt(w.t, 'PATCH', `/v1/documents/${w.ids.document}`, raw(w.a, body));
      assertProblem(response, 413, 'payload-too-large');
    });
    await stillServing();
  });

  test("the template test route's larger limit (6 MiB) is still a limit", async () => {
    const sample = Buffer.alloc(5 * 1024 * 1024).toString('base64'); // about 6.7 MB of base64
    const response = await attempt(
      w.t,
      'POST',
      '/v1/ocr-templates/builtin-cong-van/test',
      raw(w.officer, JSON.stringify({ contentType: 'image/png', sample })),
    );
    assertProblem(response, 413, 'payload-too-large');
    await stillServing();
  });

  test('a declared Content-Length far above the limit is refused without reading a body that never comes', async () => {
    const url = new URL(`/v1/folders`, w.t.url);
    const answer = await new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${w.a}`,
            'content-type': 'application/json',
            'content-length': String(50 * 1024 * 1024),
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }),
          );
        },
      );
      req.on('error', reject);
      // A little of the promised body, then the client gives up: the server must answer or close, not hang.
      req.write('{"name":"');
      setTimeout(() => req.destroy(), 200).unref();
    }).catch((error: unknown) => ({ status: 0, body: String(error), type: '' }));
    assert.ok(answer.status === 0 || (answer.status >= 400 && answer.status < 500), `${answer.status} ${answer.body}`);
    await stillServing();
  });
});

describe('oversized values and headers', () => {
  test('each text field one character over its schema limit is 400', async () => {
    await unchanged(w, async () => {
      await expectEach(
        w.t,
        [
          { method: 'POST', path: '/v1/folders', options: { token: w.a, body: { name: 'n'.repeat(201) } } },
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { title: 't'.repeat(301) } },
          },
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { number: '1'.repeat(101) } },
          },
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { summary: 's'.repeat(2001) } },
          },
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { issuer: 'i'.repeat(301) } },
          },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: {
              token: w.a,
              body: { fileName: `${'f'.repeat(197)}.pdf`, contentType: 'application/pdf', size: 10 },
            },
          },
          { method: 'GET', path: `/v1/documents?q=${'q'.repeat(201)}`, options: { token: w.a } },
          {
            method: 'GET',
            path: `/v1/folders/${w.ids.folder}/items?cursor=${'c'.repeat(2049)}`,
            options: { token: w.a },
          },
        ],
        400,
        'invalid-request',
      );
      // The name rule (120 characters) is the schema's limit too, so one over it is refused before the core.
      assertProblem(
        await w.t.api('POST', '/v1/folders', { token: w.a, body: { name: 'n'.repeat(121) } }),
        400,
        'invalid-request',
      );
    });
  });

  test('a 12 KB bearer token is 401 problem+json; headers past the server limit are 431 and the server lives', async () => {
    await unchanged(w, async () => {
      const big = await w.t.api('GET', '/v1/folders', {
        headers: { authorization: `Bearer ${'A'.repeat(12 * 1024)}` },
      });
      assertProblem(big, 401, 'unauthenticated');
      // Past Node's 16 KiB header limit the HTTP parser answers before the app (API Gateway has its own 10 KiB limit).
      const huge = await attempt(w.t, 'GET', '/v1/folders', {
        token: w.a,
        headers: { 'x-padding': 'p'.repeat(64 * 1024) },
      });
      assert.ok(huge.status === 431 || huge.status === 0, `${huge.status} ${huge.text.slice(0, 100)}`);
    });
    await stillServing();
  });

  test('a huge number of query parameters or repeated parameters is 400', async () => {
    const many = Array.from({ length: 2000 }, (_, index) => `p${index}=1`).join('&');
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          { method: 'GET', path: `/v1/trash?${many}`, options: { token: w.a } },
          {
            method: 'GET',
            path: `/v1/documents/${w.ids.document}/content?version=1&version=2`,
            options: { token: w.a },
          },
          { method: 'GET', path: '/v1/documents?q=a&q=b&limit=1&limit=1000000', options: { token: w.a } },
        ],
        400,
        'invalid-request',
      ),
    );
  });

  test('very large numbers: size, version and limit beyond their ranges', async () => {
    await unchanged(w, async () => {
      await expectEach(
        w.t,
        [
          { method: 'POST', path: `/v1/documents/${w.ids.document}/versions/1e308/restore`, options: { token: w.a } },
          {
            method: 'POST',
            path: `/v1/documents/${w.ids.document}/versions/9007199254740993/restore`,
            options: { token: w.a },
          },
          { method: 'GET', path: '/v1/trash?limit=1e9', options: { token: w.a } },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: raw(w.a, '{"fileName":"a.pdf","contentType":"application/pdf","size":1e400}'),
          },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: raw(w.a, '{"fileName":"a.pdf","contentType":"application/pdf","size":1.5}'),
          },
        ],
        400,
        'invalid-request',
      );
      assertProblem(
        await w.t.api('POST', '/v1/uploads', {
          token: w.a,
          body: { fileName: 'a.pdf', contentType: 'application/pdf', size: Number.MAX_SAFE_INTEGER },
        }),
        422,
        'invalid-input',
      );
    });
  });
});

describe('deep nesting', () => {
  test('30,000 nested arrays in a field (under the size limit) is 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    await unchanged(w, async () => {
      assertProblem(await attempt(w.t, 'POST', '/v1/folders', raw(w.a, `{"name": ${deep}}`)), 400, 'invalid-request');
      assertProblem(
        await attempt(w.t, 'PATCH', `/v1/documents/${w.ids.document}`, raw(w.a, `{"title": "x", "deep": ${deep}}`)),
        400,
        'invalid-request',
      );
    });
    await stillServing();
  });

  test('10,000 nested objects in record-typed fields (review corrections, template fields) is 400', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    await unchanged(w, async () => {
      assertProblem(
        await attempt(
          w.t,
          'POST',
          `/v1/uploads/${w.ids.upload}/review`,
          raw(w.a, `{"approve": true, "fields": {"fullName": ${deep}}}`),
        ),
        400,
        'invalid-request',
      );
    });
    const templatesBefore = (await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json;
    assertProblem(
      await attempt(w.t, 'PATCH', '/v1/ocr-templates/builtin-cong-van', raw(w.admin, `{"identification": ${deep}}`)),
      400,
      'invalid-request',
    );
    assert.deepEqual((await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json, templatesBefore);
    await stillServing();
  });

  test('a wide body (100,000 keys) and a long array of field rules are refused', async () => {
    const wide = `{"name":"x",${Array.from({ length: 100_000 }, (_, index) => `"k${index}":1`).join(',')}}`;
    await unchanged(w, async () => {
      const response = await attempt(w.t, 'POST', '/v1/folders', raw(w.a, wide));
      assertProblem(response, response.status, ['payload-too-large', 'invalid-request']);
    });
    const fields = Array.from({ length: 5_000 }, (_, index) => ({
      name: `f${index}`,
      labels: ['Nhãn:'],
      normaliser: 'text',
      required: false,
    }));
    const templatesBefore = (await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json;
    const response = await attempt(w.t, 'PATCH', '/v1/ocr-templates/builtin-cong-van', {
      token: w.admin,
      body: { fields },
    });
    assertProblem(response, response.status, ['payload-too-large', 'invalid-request', 'invalid-input']);
    assert.deepEqual((await w.t.api('GET', '/v1/ocr-templates', { token: w.admin })).json, templatesBefore);
  });
});
