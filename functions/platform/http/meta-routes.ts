import { z } from 'zod';
import { defineRoute } from './contract/route-contract.ts';

export const health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

/** Health, the OpenAPI document and the rendered reference (the meta Lambda): public. */
export const metaRoutes = [
  defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    group: 'meta',
    public: true,
    summary: 'Liveness and version',
    status: 200,
    response: health,
  }),
  defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    group: 'meta',
    public: true,
    summary: 'This API as OpenAPI 3.1',
    status: 200,
    responseMediaType: 'application/json',
  }),
  defineRoute({
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    group: 'meta',
    public: true,
    summary: 'Rendered API reference',
    status: 200,
    responseMediaType: 'text/html',
  }),
] as const;
