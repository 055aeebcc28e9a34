import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { defineRoute } from '../../../functions/platform/http/contract/route-contract.ts';
import { idParams, pageQuery } from '../../../functions/platform/http/contract/schemas.ts';
import { createHttpHandler, type ApiEvent } from '../../../functions/platform/http/http-handler.ts';

const renameBody = z.strictObject({ name: z.string() });
const renamed = z.object({ id: z.string(), name: z.string(), limit: z.number() });

const routes = [
  defineRoute({
    operationId: 'rename',
    method: 'POST',
    path: '/things/{id}',
    group: 'folders',
    public: true,
    summary: 'Rename a thing',
    params: idParams,
    query: pageQuery,
    body: renameBody,
    status: 200,
    response: renamed,
  }),
  defineRoute({
    operationId: 'remove',
    method: 'DELETE',
    path: '/things/{id}',
    group: 'folders',
    public: true,
    summary: 'Remove a thing',
    params: idParams,
    status: 204,
  }),
] as const;

const handler = createHttpHandler(routes, {
  rename: async ({ params: { id }, query: { limit }, body: { name } }) => ({ body: { id, name, limit } }),
  remove: async () => ({}),
});

// Compile-time checks: an operation's request and result are typed from its route (npm run typecheck fails otherwise).
createHttpHandler(routes, {
  // @ts-expect-error the route's body has no field `title`
  rename: async ({ body: { title } }) => ({ body: { id: title, name: title, limit: 1 } }),
  // @ts-expect-error a 204 route has no response schema, so no JSON body
  remove: async () => ({ body: { id: 'x' } }),
});
// @ts-expect-error every route of the group needs its operation
createHttpHandler(routes, { rename: async ({ params: { id } }) => ({ body: { id, name: id, limit: 1 } }) });
createHttpHandler(routes, {
  // @ts-expect-error the response schema says `limit` is a number
  rename: async ({ params: { id } }) => ({ body: { id, name: id, limit: 'many' } }),
  // @ts-expect-error the route takes no query, so there is no `cursor` to read
  remove: async ({ query: { cursor } }) => ({ headers: { 'x-cursor': cursor } }),
});

function event(routeKey: string, parts: Partial<ApiEvent>): ApiEvent {
  return {
    routeKey,
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId: 'r-1', http: { sourceIp: '192.0.2.1' } },
    ...parts,
  } as ApiEvent;
}

describe('createHttpHandler', () => {
  test("hands the operation what the route's schemas parsed (query coerced, defaults applied)", async () => {
    const response = await handler(
      event('POST /things/{id}', {
        pathParameters: { id: 'abc' },
        queryStringParameters: { limit: '7' },
        body: JSON.stringify({ name: 'Giấy khai sinh' }),
      }),
      {} as Context,
    );
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body ?? ''), { id: 'abc', name: 'Giấy khai sinh', limit: 7 });
  });

  test('a route of another group, or none, is not found', async () => {
    const response = await handler(event('GET /v1/folders', {}), {} as Context);
    assert.equal(response.statusCode, 404);
    assert.match(response.body ?? '', /route-not-found/);
  });

  test('a body that is not JSON is a 400 malformed-json problem', async () => {
    const malformed = event('POST /things/{id}', { pathParameters: { id: 'abc' }, body: '{"name":' });
    const response = await handler(malformed, {} as Context);
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers?.['content-type'], 'application/problem+json');
    assert.equal(JSON.parse(response.body ?? '').type, 'urn:khoso:problem:malformed-json');
  });

  test('the caller is authenticated before the body is read', async () => {
    const privateRoutes = [defineRoute({ ...routes[0], operationId: 'renameOwn', public: false })] as const;
    const privateHandler = createHttpHandler(privateRoutes, {
      renameOwn: async () => ({ body: { id: '', name: '', limit: 1 } }),
    });
    const response = await privateHandler(
      event('POST /things/{id}', {
        pathParameters: { id: 'abc' },
        headers: { 'content-type': 'text/plain' },
        body: 'not json',
      }),
      {} as Context,
    );
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers?.['www-authenticate'], 'Bearer');
  });

  test('a route without a response schema answers its status and no body', async () => {
    const response = await handler(event('DELETE /things/{id}', { pathParameters: { id: 'abc' } }), {} as Context);
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, undefined);
  });
});
