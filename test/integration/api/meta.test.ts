import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import { assertProblem } from '../support/http-client.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/** The routes issue 2 promises (DESIGN.md resource names); the contract may grow, never lose these. */
const promisedRoutes = [
  'GET /health', 'GET /openapi.json', 'GET /docs',
  'GET /v1/folders', 'POST /v1/folders', 'PATCH /v1/folders/{id}', 'DELETE /v1/folders/{id}', 'GET /v1/folders/{id}/items',
  'POST /v1/uploads', 'GET /v1/uploads/{id}',
  'GET /v1/documents', 'GET /v1/documents/{id}', 'PATCH /v1/documents/{id}', 'DELETE /v1/documents/{id}',
  'GET /v1/trash', 'POST /v1/trash/{id}/restore',
  'GET /v1/documents/{id}/content',
  'GET /v1/documents/{id}/versions', 'POST /v1/documents/{id}/versions', 'POST /v1/documents/{id}/versions/{n}/restore',
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
    const listed = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, operationId: op.operationId })));
    const contract = apiRoutes.map((route) => `${route.method} ${route.path}`);
    assert.deepEqual(listed.map((op) => op.key).sort(), [...contract].sort(), 'OpenAPI operations are exactly the contract');
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
      const target = ref.slice(2).split('/').reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
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
      const allow = (response.headers.get('allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      assert.deepEqual(allow.sort(), [...allowed].sort(), `Allow of ${method} ${path}`);
    }
  });
});
