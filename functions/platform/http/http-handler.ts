import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { NotFoundError, RateLimitedError } from '../core/errors.ts';
import { auditRefusedLookup } from '../../audit/core/audit.ts';
import type { AuditResourceType } from '../../audit/core/audit-model.ts';
import { anonymousPrincipal, type RequestContext } from '../../auth/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { logger } from '../observability.ts';
import { routeKey, routes, type OperationId, type RouteContract, type RouteGroup } from './contract/routes.ts';
import { principalFromAuthorizer, type AuthorizerContext } from './principal-context.ts';
import { HttpProblem, toProblem } from './problem.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** JSON bodies of this API are small; anything larger is refused before parsing. */
const maxJsonBodyBytes = 64 * 1024;

export interface ApiRequest {
  context: RequestContext;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Request headers, names lower-cased (public routes read credentials such as a link PIN here). */
  headers: Record<string, string | undefined>;
}

export interface ApiResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is (HTML, pre-serialised JSON) instead of being JSON-encoded. */
  rawBody?: string;
}

export type Operation = (request: ApiRequest) => Promise<ApiResult>;

const routesByKey = new Map<string, RouteContract>(routes.map((route) => [routeKey(route), route]));

function validate(schema: z.ZodType | undefined, value: unknown, where: string): Record<string, unknown> {
  if (!schema) {
    if (value && Object.keys(value).length > 0) throw new HttpProblem('invalid-request', `This route takes no ${where}`);
    return {};
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new HttpProblem('invalid-request', `The ${where} is not valid`, result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })));
  }
  return result.data as Record<string, unknown>;
}

/** Header names are case-insensitive: lower-cased once, for the body's media type and for operations. */
function lowerCaseHeaders(event: ApiEvent): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function parseBody(route: RouteContract, event: ApiEvent, headers: Record<string, string | undefined>): unknown {
  if (!event.body) {
    if (route.body) throw new HttpProblem('invalid-request', 'A JSON body is required');
    return undefined;
  }
  if (!route.body) throw new HttpProblem('invalid-request', 'This route takes no body');
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new HttpProblem('unsupported-media-type', 'Send the body as application/json');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const limit = route.maxBodyBytes ?? maxJsonBodyBytes;
  if (Buffer.byteLength(text) > limit) {
    throw new HttpProblem('payload-too-large', `JSON bodies of this route are limited to ${limit} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem('malformed-json', 'The body could not be parsed as JSON');
  }
}

function requestContext(route: RouteContract, event: ApiEvent): RequestContext {
  const base = {
    sourceIp: event.requestContext.http.sourceIp,
    requestId: event.requestContext.requestId,
    ...(event.requestContext.http.userAgent ? { userAgent: event.requestContext.http.userAgent.slice(0, 256) } : {}),
  };
  if (route.public) return { ...base, principal: anonymousPrincipal };
  return { ...base, principal: principalFromAuthorizer(event.requestContext.authorizer?.lambda) };
}

function problemResponse(error: unknown, requestId: string | undefined): ApiResponse {
  const problem = toProblem(error, requestId);
  if (problem.status >= 500) logger.error('request failed', { requestId, error });
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...(problem.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
      ...(error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    },
    body: JSON.stringify(problem),
  };
}

/**
 * A route group's Lambda handler: resolve the route, authenticate, validate params, query
 * and body against the contract, run the operation, and map any error to problem+json.
 */
export function createHttpHandler(
  group: RouteGroup,
  operations: Partial<Record<OperationId, Operation>>,
  options: {
    /** Called when an operation found nothing the caller may reach (the answer stays 404). */
    onNotFound?: (context: RequestContext, operationId: OperationId, params: unknown) => Promise<void>;
  } = {},
) {
  return middy<ApiEvent, ApiResponse>()
    .onError(async (request) => {
      request.response = problemResponse(request.error, request.event?.requestContext?.requestId);
    })
    .handler(async (event) => {
      const route = routesByKey.get(event.routeKey);
      const operation = route && route.group === group ? operations[route.operationId as OperationId] : undefined;
      if (!route || !operation) throw new HttpProblem('route-not-found', `No route ${event.routeKey}`);
      const context = requestContext(route, event);
      const params = validate(route.params, event.pathParameters, 'path');
      const query = validate(route.query, event.queryStringParameters, 'query');
      const headers = lowerCaseHeaders(event);
      const body = parseBody(route, event, headers);
      const result = await operation({
        context,
        params,
        query,
        body: route.body ? validate(route.body, body, 'body') : body,
        headers,
      }).catch(async (error: unknown) => {
        if (error instanceof NotFoundError && options.onNotFound) {
          await options.onNotFound(context, route.operationId as OperationId, params)
            .catch((auditError: unknown) => logger.error('could not audit a refused look-up', { error: auditError }));
        }
        throw error;
      });
      const status = result.status ?? route.status;
      const hasBody = result.rawBody !== undefined || result.body !== undefined;
      return {
        statusCode: status,
        headers: {
          ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          'cache-control': 'no-store',
          ...result.headers,
        },
        ...(hasBody ? { body: result.rawBody ?? JSON.stringify(result.body) } : {}),
      };
    });
}

/** The onNotFound hook of a route group whose routes take the id of one kind of resource. */
export function refusedLookupAudit(deps: VaultDeps, requestedType: AuditResourceType) {
  return async (context: RequestContext, operationId: OperationId, params: unknown) => {
    const resourceId = (params as { id?: unknown } | undefined)?.id;
    if (typeof resourceId !== 'string') return;
    await auditRefusedLookup(deps, context, { requestedType, requestedId: resourceId, operation: operationId });
  };
}
