import type { ProblemDocument } from '../../../functions/platform/http/problem.ts';
import assert from 'node:assert/strict';

export interface ApiOptions {
  token?: string;
  /** Serialised as JSON with content-type application/json. */
  body?: unknown;
  /** Sent as is (malformed JSON, other media types); set content-type through headers. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: T;
}

export type Api = <T = any>(method: string, path: string, options?: ApiOptions) => Promise<ApiResponse<T>>;

/** The API's problem+json body, as the product defines it. */
export type Problem = ProblemDocument;

/** A JSON client of the vault API. Redirects are never followed: the content route's 302 is asserted on. */
export function createApi(baseUrl: string): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { ...headers, ...options.headers },
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let json: any;
    if (/json/.test(contentType) && text) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, contentType, text, json };
  };
}

export const problemType = (code: string) => `urn:khoso:problem:${code}`;

/**
 * The response is an RFC 9457 problem with the given status and stable type, carrying a
 * title in English and Vietnamese; `code` may list several acceptable codes.
 */
export function assertProblem(
  response: ApiResponse,
  status: number,
  code: string | readonly string[],
  message = '',
): Problem {
  const where = `${message ? `${message}: ` : ''}${response.status} ${response.text.slice(0, 300)}`;
  assert.equal(response.status, status, where);
  assert.match(response.contentType, /^application\/problem\+json\b/, where);
  const problem = response.json as Problem;
  const codes = typeof code === 'string' ? [code] : code;
  assert.ok(codes.map(problemType).includes(problem.type), `${where}: expected type ${codes.join('|')}`);
  assert.equal(problem.status, status, where);
  assert.equal(typeof problem.title, 'string', where);
  assert.ok(problem.title.length > 0, where);
  assert.equal(typeof problem.titleVi, 'string', where);
  assert.ok(problem.titleVi.length > 0, where);
  return problem;
}

/** Any 4xx problem+json with a urn:khoso:problem type; returns it for further checks. */
export function assertClientProblem(response: ApiResponse, message = ''): Problem {
  const where = `${message ? `${message}: ` : ''}${response.status} ${response.text.slice(0, 300)}`;
  assert.ok(response.status >= 400 && response.status < 500, `expected a 4xx, got ${where}`);
  assert.match(response.contentType, /^application\/problem\+json\b/, where);
  const problem = response.json as Problem;
  assert.match(problem.type, /^urn:khoso:problem:[a-z-]+$/, where);
  assert.equal(problem.status, response.status, where);
  return problem;
}
