import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { NotFoundError } from '../core/errors.ts';
import type { RequestContext } from '../core/principal.ts';
import { logger } from '../observability.ts';
import { routeKey, type RouteContract } from './contract/route-contract.ts';
import { jsonBody, problemJson, resolved, routeRequest, type ApiContext } from './middlewares.ts';
import type { AuthorizerContext } from './principal-context.ts';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** What a route's schema parses a part of the request into; a part without a schema is empty. */
type Parsed<Route, Part extends 'params' | 'query'> =
  Route extends Record<Part, infer Schema extends z.ZodType> ? z.output<Schema> : Record<string, never>;

/** A request as its operation sees it: params, query and body typed from the route's schemas. */
export interface ApiRequest<Route extends RouteContract> {
  context: RequestContext;
  params: Parsed<Route, 'params'>;
  query: Parsed<Route, 'query'>;
  body: Route extends { body: infer Schema extends z.ZodType }
    ? z.output<Schema> | (Route extends { bodyOptional: true } ? undefined : never)
    : undefined;
  /** Request headers, names lower-cased (public routes read credentials such as a link PIN here). */
  headers: Record<string, string | undefined>;
}

export interface ApiResult<Route extends RouteContract> {
  status?: number;
  /** JSON-encoded; typed from the route's response schema (routes without one answer no JSON body). */
  body?: Route extends { response: infer Schema extends z.ZodType } ? z.output<Schema> : never;
  headers?: Record<string, string>;
  /** `Set-Cookie` values (API Gateway payload 2.0 sends each as its own header). */
  cookies?: string[];
  /** A body sent as is (HTML, pre-serialised JSON, text) instead of being JSON-encoded. */
  rawBody?: string;
}

/** What the dispatcher hands an operation and takes back, before the route's types are known. */
type Operation = (
  request: Omit<ApiRequest<RouteContract>, 'params' | 'query' | 'body'> & {
    params: unknown;
    query: unknown;
    body: unknown;
  },
) => Promise<Omit<ApiResult<RouteContract>, 'body'> & { body?: unknown }>;

/** One function per route of a group, each typed from its route. */
export type Operations<Routes extends readonly RouteContract[]> = {
  [Route in Routes[number] as Route['operationId']]: (request: ApiRequest<Route>) => Promise<ApiResult<Route>>;
};

/**
 * A route group's Lambda handler, a middy chain: errors mapped to problem+json, the route
 * resolved among the group's routes with the caller authenticated and path and query
 * validated, the JSON body parsed and validated, then the route's operation.
 */
export function createHttpHandler<const Routes extends readonly RouteContract[]>(
  routes: Routes,
  operations: NoInfer<Operations<Routes>>,
  options: {
    /** Called when an operation found nothing the caller may reach (the answer stays 404). */
    onNotFound?: (context: RequestContext, operationId: string, params: Record<string, unknown>) => Promise<void>;
  } = {},
) {
  const routesByKey = new Map<string, RouteContract>(routes.map((route) => [routeKey(route), route]));
  // Each operation is called with what its own route's schemas parsed, so the loose signature is sound here;
  // Operations requires one per route, so a resolved route always finds its operation.
  const operationsById = operations as Record<string, Operation>;
  return middy<ApiEvent, ApiResponse, Error, ApiContext>()
    .use(problemJson(routesByKey))
    .use(routeRequest(routesByKey))
    .use(jsonBody())
    .handler(async (_event, context) => {
      const { route, ...request } = resolved(context);
      const result = await operationsById[route.operationId]!(request).catch(async (error: unknown) => {
        if (error instanceof NotFoundError && options.onNotFound) {
          await options
            .onNotFound(request.context, route.operationId, request.params)
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
        ...(result.cookies?.length ? { cookies: result.cookies } : {}),
        ...(hasBody ? { body: result.rawBody ?? JSON.stringify(result.body) } : {}),
      };
    });
}
