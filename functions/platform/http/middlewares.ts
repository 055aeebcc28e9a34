import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { anonymousPrincipal, type RequestContext } from '../core/principal.ts';
import { ForbiddenRoleError, RateLimitedError } from '../core/errors.ts';
import { logger } from '../observability.ts';
import type { RouteContract } from './contract/route-contract.ts';
import type { ApiEvent, ApiResponse } from './http-handler.ts';
import { principalFromAuthorizer } from './principal-context.ts';
import { HttpProblem, toProblem } from './problem.ts';

/** Bodies of this API are small; anything larger is refused before parsing. */
const maxJsonBodyBytes = 64 * 1024;

/** A request as the contract middlewares leave it for the operation: parsed, validated, authenticated. */
export interface ContractRequest {
  route: RouteContract;
  context: RequestContext;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Request headers, names lower-cased. */
  headers: Record<string, string | undefined>;
}

/**
 * The Lambda context with what the middlewares resolved (middy passes state to the handler this
 * way); optional so that a plain Lambda context is accepted.
 */
export interface ApiContext extends Context {
  api?: ContractRequest;
}

/** What routeRequest resolved: it runs before anything that reads it, so its absence is a wiring fault. */
export function resolved(context: ApiContext): ContractRequest {
  if (!context.api) throw new Error('routeRequest() must run before the body and the operation');
  return context.api;
}

type ApiMiddleware = MiddlewareObj<ApiEvent, ApiResponse, Error, ApiContext>;

function validate(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) {
    if (value && Object.keys(value).length > 0) {
      throw new HttpProblem('invalid-request', `This route takes no ${where}`);
    }
    return {};
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new HttpProblem(
      'invalid-request',
      `The ${where} is not valid`,
      result.error.issues.map((issue) => ({
        path: [where, ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/**
 * Header names are case-insensitive: lower-cased once, for the body's media type and for operations.
 * API Gateway (payload 2.0) moves the Cookie header to `event.cookies`; it is put back as one header.
 */
function lowerCaseHeaders(event: ApiEvent): Record<string, string | undefined> {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  return headers;
}

function requestContext(route: RouteContract, event: ApiEvent): RequestContext {
  const base = {
    sourceIp: event.requestContext.http.sourceIp,
    requestId: event.requestContext.requestId,
    ...(event.requestContext.http.userAgent ? { userAgent: event.requestContext.http.userAgent.slice(0, 256) } : {}),
  };
  if (route.public) return { ...base, principal: anonymousPrincipal };
  const principal = principalFromAuthorizer(event.requestContext.authorizer?.lambda);
  // Machine clients get their own routes (results and sync, issue 12); none of a person's routes.
  if (principal.role === 'system' && !route.machineScope) {
    throw new ForbiddenRoleError('Machine clients may not use this route');
  }
  return { ...base, principal };
}

/**
 * Errors as application/problem+json (RFC 9457). Not @middy/http-error-handler: it answers an
 * error's message as text or JSON, without the problem document, the 401 challenge or Retry-After.
 * Routes of an OAuth/OpenID protocol answer client errors in that protocol's format instead.
 */
export function problemJson(routesByKey: ReadonlyMap<string, RouteContract> = new Map()): ApiMiddleware {
  return {
    onError: async (request) => {
      const { error } = request;
      const requestId = request.event?.requestContext?.requestId;
      const problem = toProblem(error, requestId);
      if (problem.status >= 500) logger.error('request failed', { requestId, error });
      if (problem.status < 500 && routesByKey.get(request.event?.routeKey)?.errorFormat === 'oauth') {
        request.response = {
          statusCode: 400,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: JSON.stringify({ error: 'invalid_request', error_description: problem.detail ?? problem.title }),
        };
        return;
      }
      request.response = {
        statusCode: problem.status,
        headers: {
          'content-type': 'application/problem+json',
          'cache-control': 'no-store',
          ...(problem.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
          ...(error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
        },
        body: JSON.stringify(problem),
      };
    },
  };
}

/** Resolves the route among a group's routes, authenticates, and validates path and query against it. */
export function routeRequest(routesByKey: ReadonlyMap<string, RouteContract>): ApiMiddleware {
  return {
    before: async ({ event, context }) => {
      const route = routesByKey.get(event.routeKey);
      if (!route) throw new HttpProblem('route-not-found', `No route ${event.routeKey}`);
      const principal = requestContext(route, event);
      context.api = {
        route,
        context: principal,
        params: validate(route.params, event.pathParameters, 'path') as Record<string, unknown>,
        query: validate(route.query, event.queryStringParameters, 'query') as Record<string, unknown>,
        body: undefined,
        headers: lowerCaseHeaders(event),
      };
    },
  };
}

/** A form body as an object; a repeated parameter is refused (OAuth 2: parameters appear at most once). */
function formFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, name)) throw new HttpProblem('invalid-request', `The parameter ${name} is repeated`);
    fields[name] = value;
  }
  return fields;
}

/**
 * The route's body: required when the route takes one and refused otherwise, media type (JSON
 * unless the route says form), size limit, parse and schema. Not @middy/http-json-body-parser: it
 * answers malformed JSON with 415 (this API says 400 malformed-json), has no size limit and knows
 * nothing of the route.
 */
export function jsonBody(): ApiMiddleware {
  return {
    before: async ({ event, context }) => {
      const api = resolved(context);
      const { route, headers } = api;
      const form = route.requestMediaType === 'application/x-www-form-urlencoded';
      if (!event.body) {
        if (route.body && !route.bodyOptional) {
          throw new HttpProblem('invalid-request', `A ${form ? 'form' : 'JSON'} body is required`);
        }
        return;
      }
      if (!route.body) throw new HttpProblem('invalid-request', 'This route takes no body');
      const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const accepted = form
        ? mediaType === 'application/x-www-form-urlencoded'
        : mediaType === 'application/json' || mediaType.endsWith('+json');
      if (!accepted) {
        throw new HttpProblem(
          'unsupported-media-type',
          `Send the body as ${route.requestMediaType ?? 'application/json'}`,
        );
      }
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const limit = route.maxBodyBytes ?? maxJsonBodyBytes;
      if (Buffer.byteLength(text) > limit) {
        throw new HttpProblem('payload-too-large', `Bodies of this route are limited to ${limit} bytes`);
      }
      if (form) {
        api.body = validate(route.body, formFields(text), 'body');
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new HttpProblem('malformed-json', 'The body could not be parsed as JSON');
      }
      api.body = validate(route.body, parsed, 'body');
    },
  };
}
