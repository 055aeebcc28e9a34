import { z } from 'zod';
import type { RouteContract } from './contract/route-contract.ts';
import { problem } from './contract/schemas.ts';
import { problemCodes, problemType } from './problem.ts';

type JsonSchema = Record<string, unknown>;

const components: Record<string, JsonSchema> = {};

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect); named schemas go to components and are referenced. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const { $defs, $schema: _dialect, ...rest } = converted;
  Object.assign(components, $defs ?? {});
  return rest;
}

function parameters(route: RouteContract) {
  const list: Record<string, unknown>[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const converted = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(converted.properties ?? {})) {
      list.push({ name, in: where, required: where === 'path' || (converted.required ?? []).includes(name), schema: property });
    }
  }
  return list;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function operation(route: RouteContract) {
  const success: Record<string, unknown> = { description: route.summary };
  if (route.response) success.content = { 'application/json': { schema: schemaOf(route.response, 'output') } };
  if (route.responseMediaType) success.content = { [route.responseMediaType]: {} };
  if (route.status === 302) success.headers = { Location: { schema: { type: 'string' }, description: 'Presigned URL, valid at most 5 minutes' } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.group],
    ...(route.public ? { security: [] } : {}),
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } } : {}),
    responses: {
      [String(route.status)]: success,
      ...(route.public ? {} : { 401: problemResponse('Missing, expired or invalid token') }),
      400: problemResponse('Malformed or invalid request'),
      ...(route.params ? { 404: problemResponse('Not found, or not yours (never told apart)') } : {}),
      ...(route.method === 'POST' || route.method === 'PATCH' ? { 409: problemResponse('Conflict'), 422: problemResponse('Rejected by a business rule') } : {}),
    },
  };
}

let document: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document, generated once from the route contract. */
export function openApiDocument(routes: readonly RouteContract[], version: string): Record<string, unknown> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  schemaOf(problem, 'output');
  const generated = {
    openapi: '3.1.0',
    info: {
      title: 'khoso: vault of administrative-procedure results',
      version,
      description: `Errors are application/problem+json (RFC 9457). Problem types: ${problemCodes.map(problemType).join(', ')}.`,
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
  };
  // zod names shared schemas under $defs; OpenAPI keeps them under components.
  document = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
  return document;
}
