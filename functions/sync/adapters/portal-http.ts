/**
 * One HTTP exchange with the portal or its gateway: a timeout on every call, no redirects
 * followed, a bounded reply, and transport failures sorted into the port's failure kinds. Nothing
 * here retries, logs, or puts a body we sent into an error.
 */
import { NationalWarehouseError } from '../core/national-warehouse.ts';

export interface PortalExchange {
  url: string;
  headers: Record<string, string>;
  /** Sent as is; the caller sets the content type. */
  body: string;
  timeoutMs: number;
  maxReplyBytes: number;
}

export interface PortalReply {
  status: number;
  text: string;
}

/** POSTs and reads the whole reply; throws only for what never produced a complete HTTP answer. */
export async function postToPortal(exchange: PortalExchange, what: string): Promise<PortalReply> {
  const signal = AbortSignal.timeout(exchange.timeoutMs);
  try {
    const response = await fetch(exchange.url, {
      method: 'POST',
      headers: { accept: 'application/json', ...exchange.headers },
      body: exchange.body,
      signal,
      redirect: 'manual',
    });
    return { status: response.status, text: await readBounded(response, exchange.maxReplyBytes, what) };
  } catch (error) {
    if (error instanceof NationalWarehouseError) throw error;
    if (signal.aborted) {
      throw new NationalWarehouseError('timeout', `${what}: no answer within ${exchange.timeoutMs} ms`, {
        cause: error,
      });
    }
    // Refused, reset, or the connection closed before the reply: the portal may have applied the call.
    throw new NationalWarehouseError('unreachable', `${what}: the national warehouse could not be reached`, {
      cause: error,
    });
  }
}

/**
 * Sorts a status: 2xx is the caller's to read; 5xx and 408/429 are worth retrying; a redirect or
 * another 4xx is a permanent refusal (401 is handled by the caller first: it may refresh once).
 */
export function checkStatus(reply: PortalReply, what: string): void {
  const { status } = reply;
  if (status >= 200 && status < 300) return;
  if (status >= 500) throw new NationalWarehouseError('server-error', `${what}: answered ${status}`, { status });
  if (status === 408 || status === 429) {
    throw new NationalWarehouseError('throttled', `${what}: answered ${status}`, { status });
  }
  if (status === 401) {
    throw new NationalWarehouseError('unauthorised', `${what}: the gateway refused our credentials (401)`, {
      status,
    });
  }
  if (status >= 300 && status < 400) {
    throw new NationalWarehouseError('rejected', `${what}: answered a redirect (${status}): check the endpoint`, {
      status,
    });
  }
  throw new NationalWarehouseError('rejected', `${what}: refused with ${status}`, { status });
}

/** The reply's JSON, or `malformed-reply` (the portal may still have applied the call: retry). */
export function parseReplyJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NationalWarehouseError('malformed-reply', `${what}: the reply is not JSON`, { cause: error });
  }
}

async function readBounded(response: Response, maxBytes: number, what: string): Promise<string> {
  const tooLarge = () =>
    new NationalWarehouseError('reply-too-large', `${what}: the reply is larger than ${maxBytes} bytes`, {
      status: response.status,
    });
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
