import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiEvent } from '../../functions/platform/http/http-handler.ts';
import type { AuthorizerContext } from '../../functions/platform/http/principal-context.ts';

/**
 * Turns a Node request into the API Gateway HTTP API (payload 2.0) event a deployed
 * handler receives, and writes the handler's result back, so the same handlers run here.
 */
export function toApiGatewayEvent(input: {
  req: IncomingMessage;
  url: URL;
  routeKey: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  authorizer?: AuthorizerContext;
}): ApiEvent {
  const { req, url } = input;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // As API Gateway does: the Cookie header becomes the `cookies` array.
  const cookies = headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  delete headers.cookie;
  // "__proto__" is a parameter name like any other
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const textual = input.body.length === 0 || /json|text|xml|form-urlencoded/i.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies?.length ? { cookies } : {}),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? 'unknown',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, lambda: input.authorizer ?? {} },
    },
    ...(input.body.length ? { body: textual ? input.body.toString('utf8') : input.body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  } as ApiEvent;
}

export function writeApiGatewayResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, {
    ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)])),
    ...(result.cookies?.length ? { 'set-cookie': result.cookies } : {}),
    ...(body ? { 'content-length': String(body.length) } : {}),
  });
  res.end(body);
}
