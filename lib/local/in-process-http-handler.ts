import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { RequestListener } from './dynamodb-server.ts';

/** The parts of the SDK's HttpRequest and HttpResponse this handler uses (the SDK duck-types them). */
interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * An AWS SDK request handler that hands the signed request straight to an in-process
 * HTTP request listener, skipping the loopback socket. The SDK still builds, signs and
 * parses real wire messages, so the data-access code runs exactly as against a remote
 * endpoint; only the transport is shorter.
 */
export class InProcessHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(private readonly listener: RequestListener) {}

  handle(request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const query = new URLSearchParams(
        Object.entries(request.query ?? {}).flatMap(([name, value]) =>
          value === null ? [] : [value].flat().map((v): [string, string] => [name, v]),
        ),
      ).toString();
      const incoming = Object.assign(new PassThrough(), {
        method: request.method,
        url: `${request.path}${query ? `?${query}` : ''}`,
        headers,
      });
      const responseHeaders: Record<string, string> = {};
      const outgoing = Object.assign(new EventEmitter(), {
        statusCode: 200,
        headersSent: false,
        setHeader(name: string, value: string | number) {
          responseHeaders[name.toLowerCase()] = String(value);
        },
        writeHead(statusCode: number, values?: Record<string, string | number>) {
          outgoing.statusCode = statusCode;
          for (const [name, value] of Object.entries(values ?? {})) responseHeaders[name.toLowerCase()] = String(value);
          return outgoing;
        },
        end(body?: string | Buffer) {
          outgoing.headersSent = true;
          resolve({
            response: {
              statusCode: outgoing.statusCode,
              headers: responseHeaders,
              body: Readable.from(body === undefined ? [] : [Buffer.from(body)]),
            },
          });
          // Writers hold the store's write lock until their response closes.
          setImmediate(() => outgoing.emit('close'));
        },
      });
      try {
        this.listener(incoming as unknown as IncomingMessage, outgoing as unknown as ServerResponse);
      } catch (error) {
        reject(error);
        return;
      }
      const body = request.body as string | Uint8Array | undefined;
      if (body === undefined) incoming.end();
      else if (typeof body === 'string') incoming.end(body);
      else incoming.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}
