import type { z } from 'zod';
import type { MachineScope } from '../../core/principal.ts';

/** The Lambda that serves a route; one per route group. */
export type RouteGroup =
  | 'meta'
  | 'auth'
  | 'folders'
  | 'documents'
  | 'uploads'
  | 'templates'
  | 'signatures'
  | 'audit'
  | 'sharing'
  | 'integration'
  | 'unitSync'
  | 'pulls'
  | 'sync'
  | 'portalLinks';

export interface RouteContract {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: /v1/folders/{id}. */
  path: string;
  group: RouteGroup;
  summary: string;
  /** What the schemas cannot say (rules only the core checks), shown in the reference. */
  description?: string;
  /** Public routes skip the token check. */
  public?: boolean;
  /**
   * A machine client's route, for this scope: the core refuses everyone else (audited), while
   * every other route refuses machine clients.
   */
  machineScope?: MachineScope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be left out (a form field that a header can carry instead). */
  bodyOptional?: true;
  /** The body's media type: JSON unless a protocol says otherwise (OpenID logout posts a form). */
  requestMediaType?: 'application/json' | 'application/x-www-form-urlencoded';
  /**
   * `oauth`: client errors are answered as OAuth 2's `{ error, error_description }` with 400, as the
   * OpenID logout specifications require, instead of problem+json.
   */
  errorFormat?: 'oauth';
  /** Success status and body schema; 204 and redirects (302, 303) have no body. */
  status: 200 | 201 | 202 | 204 | 302 | 303;
  /** A second success status with the same body (an idempotent repeat of a create answers 200). */
  repeatStatus?: { status: 200; description: string };
  response?: z.ZodType;
  /** Non-JSON responses (the OpenAPI document, the rendered reference). */
  responseMediaType?: string;
  /** Bodies larger than the default JSON limit (a sample scan, base64). */
  maxBodyBytes?: number;
}

/** A route as written, its literal operation id and schema types kept so its handler is typed from them. */
export function defineRoute<const Route extends RouteContract>(route: Route): Route {
  return route;
}

export function routeKey(route: Pick<RouteContract, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
