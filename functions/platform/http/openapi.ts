import { z } from 'zod';
import type { RouteContract } from './contract/route-contract.ts';
import { problem } from './contract/schemas.ts';
import { problemCodes, problemStatus, problemType, type ProblemCode } from './problem.ts';

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
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const converted = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(converted.properties ?? {})) {
      list.push({
        name,
        in: where,
        required: where === 'path' || (converted.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return list;
}

/**
 * The problems an operation can answer, by rule from its route: every request can be
 * refused as invalid or with oversized headers; authenticated ones for their token or role;
 * bodies for their media type, size and JSON; ids as not found; core rules as 422; writes as
 * conflicts; and each feature adds its own (links are rate-limited and PIN-protected,
 * signing depends on outside providers).
 */
function problemsOf(route: RouteContract): ProblemCode[] {
  const codes: ProblemCode[] = ['invalid-request', 'headers-too-large'];
  if (!route.public) codes.push('unauthenticated', 'forbidden-role');
  // A session cookie without its CSRF token, on an unsafe method.
  if (!route.public && route.method !== 'GET') codes.push('csrf-rejected');
  if (route.group === 'auth' && route.method !== 'GET') codes.push('unauthenticated', 'csrf-rejected');
  if (route.path === '/auth/callback') codes.push('login-refused');
  if (route.body) codes.push('malformed-json', 'unsupported-media-type', 'payload-too-large');
  if (route.group === 'meta') return codes;
  codes.push('not-found', 'invalid-input');
  if (route.method !== 'GET') codes.push('conflict');
  if (route.group === 'folders' || route.group === 'documents') {
    codes.push('name-taken', 'folder-cycle', 'protected-folder', 'permission-denied');
  }
  if (route.group === 'uploads' || route.group === 'documents')
    codes.push('quota-exceeded', 'upload-not-ready', 'expired');
  // Officers' uploads are refused up front while the seal they need is not ready.
  if (route.operationId === 'createUpload' || route.operationId === 'fileResult') codes.push('seal-not-configured');
  if (route.group === 'sharing') codes.push('permission-denied', 'expired');
  // An officer's pull without the owner's consent.
  if (route.operationId === 'createPull') codes.push('permission-denied');
  if (route.group === 'sharing' && route.public) codes.push('pin-required', 'rate-limited');
  if (route.group === 'signatures') codes.push('signature-rejected', 'expired', 'provider-unavailable');
  if (route.group === 'unitSync' && route.method === 'POST') codes.push('webhook-target-refused');
  return [...new Set(codes)];
}

const problemDescriptions: Record<number, string> = {
  400: 'Malformed or invalid request',
  401: 'Missing, expired or invalid token',
  403: 'Refused for your role, by what was shared, for a missing CSRF token, or an account the provider may not vouch for',
  404: 'Not found, or not yours (never told apart)',
  409: 'Conflicts with the current state',
  410: 'Expired',
  413: 'The body is too large',
  415: 'The body must be application/json',
  422: 'Valid by the schema, refused by a rule of the vault',
  429: 'Too many attempts; Retry-After says when to try again',
  431: 'The request line or headers are too large',
  503: 'An outside service is unavailable; try again later',
};

/** OAuth 2's error response (RFC 6749 5.2), which the OpenID logout specifications prescribe. */
const oauthError = {
  type: 'object',
  required: ['error'],
  properties: { error: { const: 'invalid_request' }, error_description: { type: 'string' } },
};

/** One response per status, naming the problem types it carries. */
function problemResponses(route: RouteContract): Record<string, unknown> {
  if (route.errorFormat === 'oauth') {
    // Only the runtime's own refusal of oversized headers, before any handler, stays problem+json.
    const { '431': headersTooLarge } = problemResponsesByStatus(['headers-too-large']);
    return {
      '400': {
        description: 'Refused, in the OAuth 2 error format (not problem+json), as the OpenID logout specifications say',
        content: { 'application/json': { schema: oauthError } },
      },
      '431': headersTooLarge,
    };
  }
  return problemResponsesByStatus(problemsOf(route));
}

function problemResponsesByStatus(problems: ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of problems) byStatus.set(problemStatus(code), [...(byStatus.get(problemStatus(code)) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const types = codes.map(problemType);
    responses[String(status)] = {
      description: `${problemDescriptions[status] ?? 'Problem'} (${codes.join(', ')})`,
      content: {
        'application/problem+json': {
          schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { type: { enum: types } } }] },
        },
      },
    };
  }
  return responses;
}

/** A cursor is opaque, so no schema can tell one from another listing: the operation says so. */
const cursorRule =
  'Refused with 422 (invalid-input): a cursor that is not the nextCursor of an earlier page of this same listing.';

function operation(route: RouteContract) {
  const parameterList = parameters(route);
  const rules = [
    route.description,
    parameterList.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor') ? cursorRule : undefined,
  ].filter((rule) => rule !== undefined);
  const success: Record<string, unknown> = { description: route.summary };
  if (route.response) success.content = { 'application/json': { schema: schemaOf(route.response, 'output') } };
  if (route.responseMediaType) success.content = { [route.responseMediaType]: {} };
  if (route.status === 302)
    success.headers = {
      Location: { schema: { type: 'string' }, description: 'Presigned URL, valid at most 5 minutes' },
    };
  if (route.status === 303)
    success.headers = { Location: { schema: { type: 'string' }, description: 'Where the browser goes next' } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(rules.length > 0 ? { description: rules.join(' ') } : {}),
    tags: [route.group],
    ...(route.public ? { security: [] } : {}),
    parameters: parameterList,
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { [route.requestMediaType ?? 'application/json']: { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: success,
      ...(route.repeatStatus
        ? { [String(route.repeatStatus.status)]: { ...success, description: route.repeatStatus.description } }
        : {}),
      ...problemResponses(route),
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
  document = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<
    string,
    unknown
  >;
  return document;
}
