import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import type { RouteContract } from '../../../functions/platform/http/contract/route-contract.ts';
import { assertProblem } from '../support/http-client.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/** The routes issue 2 promises (DESIGN.md resource names); the contract may grow, never lose these. */
const promisedRoutes = [
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
  'GET /v1/folders',
  'POST /v1/folders',
  'PATCH /v1/folders/{id}',
  'DELETE /v1/folders/{id}',
  'GET /v1/folders/{id}/items',
  'POST /v1/uploads',
  'GET /v1/uploads/{id}',
  'GET /v1/documents',
  'GET /v1/documents/{id}',
  'PATCH /v1/documents/{id}',
  'DELETE /v1/documents/{id}',
  'GET /v1/trash',
  'POST /v1/trash/{id}/restore',
  'GET /v1/documents/{id}/content',
  'GET /v1/documents/{id}/versions',
  'POST /v1/documents/{id}/versions',
  'POST /v1/documents/{id}/versions/{n}/restore',
  'GET /v1/documents/{id}/history',
];

let t: TestVault;
before(async () => {
  t = await startTestVault();
});
after(async () => {
  await t.close();
});

describe('meta routes', () => {
  test('GET /health answers ok with a version, without a token', async () => {
    const response = await t.api('GET', '/health');
    assert.equal(response.status, 200);
    assert.match(response.contentType, /^application\/json/);
    assert.equal(response.json.status, 'ok');
    assert.match(response.json.version, /^\d+\.\d+\.\d+/);
  });

  test('GET /openapi.json is OpenAPI 3.1 and lists every route of the contract', async () => {
    const response = await t.api('GET', '/openapi.json');
    assert.equal(response.status, 200);
    assert.match(response.contentType, /^application\/json/);
    const doc = response.json;
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info?.title, 'string');
    const listed = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          operationId: op.operationId,
        })),
    );
    const contract = apiRoutes.map((route) => `${route.method} ${route.path}`);
    assert.deepEqual(
      listed.map((op) => op.key).sort(),
      [...contract].sort(),
      'OpenAPI operations are exactly the contract',
    );
    for (const route of apiRoutes) {
      const op = listed.find((entry) => entry.key === `${route.method} ${route.path}`);
      assert.equal(op?.operationId, route.operationId);
    }
    for (const key of promisedRoutes) assert.ok(contract.includes(key), `the contract has ${key}`);
  });

  test('every $ref in the OpenAPI document resolves, and the problem schema is there', async () => {
    const doc = (await t.api('GET', '/openapi.json')).json;
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string') refs.add(inner);
          else walk(inner);
        }
      }
    };
    walk(doc);
    assert.ok(refs.has('#/components/schemas/Problem'));
    for (const ref of refs) {
      assert.match(ref, /^#\//, ref);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      assert.ok(target !== undefined, `unresolved ${ref}`);
    }
    const createFolder = doc.paths['/v1/folders'].post;
    assert.ok(createFolder.requestBody.content['application/json'].schema, 'request bodies are described');
    assert.ok(createFolder.responses['201'], 'success status as in the contract');
  });

  test('GET /docs is an HTML reference that names the routes', async () => {
    const response = await t.api('GET', '/docs');
    assert.equal(response.status, 200);
    assert.match(response.contentType, /^text\/html/);
    assert.match(response.text, /<html[\s>]/i);
    for (const path of ['/v1/folders', '/v1/documents/{id}/versions', '/v1/uploads', '/v1/trash']) {
      assert.ok(response.text.includes(path), `/docs mentions ${path}`);
    }
  });

  test('GET /docs resolves every schema in place, shows examples, and runs under a strict CSP', async () => {
    const response = await t.api('GET', '/docs');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|script-src/);
    const style = /<style>([^]*?)<\/style>/.exec(response.text)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    assert.ok(csp.includes(`style-src 'sha256-${hash}'`), 'the one stylesheet is allowed by its hash');
    assert.equal((response.text.match(/<style>/g) ?? []).length, 1);
    assert.doesNotMatch(response.text, /<script|\$ref|#\/components\//, 'no scripts and no unresolved pointers');
    const section = (operationId: string) => {
      const start = response.text.indexOf(`<section id="${operationId}">`);
      assert.ok(start >= 0, operationId);
      return response.text.slice(start, response.text.indexOf('</section>', start));
    };
    const createFolder = section('createFolder');
    for (const field of ['<code>name</code>', '<code>parentId</code>', '<code>createdAt</code>'])
      assert.ok(createFolder.includes(field), field);
    assert.match(createFolder, /Example request body/);
    assert.match(createFolder, /<strong>409<\/strong>[^<]*name-taken/);
    for (const route of apiRoutes as readonly RouteContract[]) {
      if (route.body || route.response)
        assert.match(section(route.operationId), /<summary>Example/, `${route.operationId} has an example`);
    }
  });

  test('every operation documents the problems it can answer, with their types', async () => {
    const doc = (await t.api('GET', '/openapi.json')).json;
    for (const route of apiRoutes as readonly RouteContract[]) {
      const responses = doc.paths[route.path][route.method.toLowerCase()].responses as Record<string, any>;
      const statuses = Object.keys(responses);
      if (route.errorFormat === 'oauth') {
        // The OpenID logout routes answer as their specifications say: 400 with an OAuth error.
        assert.deepEqual(statuses.sort(), [String(route.status), '400', '431'].sort(), route.operationId);
        assert.deepEqual(responses['400'].content['application/json'].schema.required, ['error']);
        continue;
      }
      for (const status of ['400', '431', ...(route.public ? [] : ['401', '403'])])
        assert.ok(statuses.includes(status), `${route.operationId} ${status}`);
      if (route.body)
        for (const status of ['413', '415']) assert.ok(statuses.includes(status), `${route.operationId} ${status}`);
      if (route.params) assert.ok(statuses.includes('404'), `${route.operationId} 404`);
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith('2') || status.startsWith('3')) continue;
        const types = response.content['application/problem+json'].schema.allOf[1].properties.type.enum as string[];
        assert.ok(
          types.length > 0 && types.every((type) => type.startsWith('urn:khoso:problem:')),
          `${route.operationId} ${status}`,
        );
      }
    }
  });

  test('a request line over the header limit is a 431 problem, not a bare status line', async () => {
    const response = await t.api('GET', `/v1/folders?cursor=${'a'.repeat(20_000)}`);
    assertProblem(response, 431, 'headers-too-large');
  });

  test('an unknown route is a 404 problem', async () => {
    for (const path of ['/nope', '/v1/unknown', '/v1/folders/a/b/c', '/v2/folders']) {
      assertProblem(await t.api('GET', path), 404, 'route-not-found', path);
    }
    const token = await t.token('citizen');
    assertProblem(await t.api('GET', '/v1/nothing-here', { token }), 404, 'route-not-found');
  });

  test('a known route with the wrong method is a 405 problem with Allow', async () => {
    const cases: [string, string, string[]][] = [
      ['PUT', '/health', ['GET']],
      ['DELETE', '/v1/folders', ['GET', 'POST']],
      ['PUT', '/v1/folders/abc', ['PATCH', 'DELETE']],
      ['GET', '/v1/trash/abc/restore', ['POST']],
      ['DELETE', '/v1/documents/abc/versions', ['GET', 'POST']],
    ];
    const token = await t.token('citizen');
    for (const [method, path, allowed] of cases) {
      const response = await t.api(method, path, { token });
      assertProblem(response, 405, 'method-not-allowed', `${method} ${path}`);
      const allow = (response.headers.get('allow') ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      assert.deepEqual(allow.sort(), [...allowed].sort(), `Allow of ${method} ${path}`);
    }
  });
});
