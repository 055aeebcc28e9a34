/**
 * The HTTP client both remote signing adapters (SIM PKI, SmartCA) share: JSON over HTTPS,
 * a bearer API key, and a timeout on every call. It sorts failures the way the core needs:
 * anything worth retrying later (no answer, a timeout, 408/429, 5xx, an answer that does not
 * parse) is a `SignatureProviderUnavailableError`; any other 4xx is a `RemoteSigningRequestError`
 * the adapter maps to what it means for its API. Nothing here logs, and no error message carries
 * the API key, a digest or a body we sent.
 */
import { z } from 'zod';
import { fromBase64 } from '../../pdf-pki/encoding.ts';
import {
  SignatureProviderUnavailableError,
  type SignatureAttempt,
  type SignatureProviderName,
} from '../core/signature-provider.ts';

export interface RemoteSigningServiceConfig {
  /** Base URL of the provider's API, e.g. `https://mssp.example.vn/api`; paths are appended to it. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /**
   * Longest wait for one HTTP call (the signer's confirmation is polled, never waited for here).
   * @default 10_000
   */
  requestTimeoutMs?: number;
}

/** The provider understood the call and said no (a 4xx other than 408/429). Not worth retrying as is. */
export class RemoteSigningRequestError extends Error {
  constructor(
    readonly provider: SignatureProviderName,
    readonly status: number,
    /** The provider's machine-readable error code, when it sent one. */
    readonly providerCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteSigningRequestError';
  }
}

export interface RemoteSigningClient {
  get<T>(path: string, answer: z.ZodType<T>): Promise<T>;
  post<T>(path: string, body: unknown, answer: z.ZodType<T>): Promise<T>;
}

const retryableClientStatuses = new Set([408, 429]);

export function createRemoteSigningClient(
  provider: SignatureProviderName,
  config: RemoteSigningServiceConfig,
): RemoteSigningClient {
  const endpoint = checkedEndpoint(provider, config.endpoint);
  if (!config.apiKey) throw new Error(`${provider} signing: apiKey is required`);
  const timeoutMs = config.requestTimeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new Error(`${provider} signing: requestTimeoutMs must be a positive integer`);

  const call = async <T>(method: 'GET' | 'POST', path: string, body: unknown, answer: z.ZodType<T>): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${endpoint}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      // Read the body in every case so the connection goes back to the pool.
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new SignatureProviderUnavailableError(
        timedOut
          ? `${provider} signing service did not answer within ${timeoutMs} ms`
          : `${provider} signing service could not be reached`,
        { cause: error },
      );
    }

    if (status >= 500 || retryableClientStatuses.has(status)) {
      throw new SignatureProviderUnavailableError(`${provider} signing service answered ${status}`);
    }
    if (status >= 400) throw requestError(provider, status, text);
    if (status < 200 || status >= 300)
      throw new SignatureProviderUnavailableError(`${provider} signing service answered ${status}`);

    const parsed = answer.safeParse(parseJson(text));
    if (!parsed.success) {
      // The path is left out: it names the signer's phone number or personal ID.
      throw new SignatureProviderUnavailableError(
        `${provider} signing service answered ${method} with an unexpected body`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  };

  return {
    get: (path, answer) => call('GET', path, undefined, answer),
    post: (path, body, answer) => call('POST', path, body, answer),
  };
}

function checkedEndpoint(provider: SignatureProviderName, endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${provider} signing: endpoint must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${provider} signing: endpoint must be http(s)`);
  return url.href.replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Only the status and the provider's error code go into the message: its text may repeat personal data. */
function requestError(provider: SignatureProviderName, status: number, text: string): RemoteSigningRequestError {
  const body = parseJson(text);
  const code =
    typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
      ? body.code.slice(0, 100)
      : undefined;
  const message =
    status === 401
      ? `${provider} signing service did not accept our API key (401): check the ${provider} adapter configuration`
      : `${provider} signing service rejected the request (${status}${code ? ` ${code}` : ''})`;
  return new RemoteSigningRequestError(provider, status, code, message);
}

/**
 * A signing transaction as both services report it, on create and on every status check:
 * `pending` until the signer answers on their phone, then `signed` (with the signature over the
 * hash, base64), `refused` (with the signer's or the service's reason) or `expired`.
 */
const remoteTransactionAnswer = z.discriminatedUnion('status', [
  z.object({ transactionId: z.string().min(1).max(200), status: z.literal('pending') }),
  z.object({ transactionId: z.string().min(1).max(200), status: z.literal('signed'), signature: z.base64().min(1) }),
  z.object({
    transactionId: z.string().min(1).max(200),
    status: z.literal('refused'),
    reason: z
      .string()
      .transform((reason) => reason.slice(0, 500))
      .optional(),
  }),
  z.object({ transactionId: z.string().min(1).max(200), status: z.literal('expired') }),
]);
type RemoteTransactionAnswer = z.infer<typeof remoteTransactionAnswer>;

function signatureAttemptFrom(answer: RemoteTransactionAnswer): SignatureAttempt {
  switch (answer.status) {
    case 'pending':
      return { status: 'pending', transactionId: answer.transactionId };
    case 'signed':
      return { status: 'signed', signature: fromBase64(answer.signature) };
    case 'refused':
      return { status: 'refused', reason: answer.reason ?? 'the signer refused' };
    case 'expired':
      return { status: 'expired' };
  }
}

/** The service answered one of these 4xx statuses (e.g. 404: it does not know the account or transaction). */
export function isRejectedWith(error: unknown, ...statuses: number[]): error is RemoteSigningRequestError {
  return error instanceof RemoteSigningRequestError && statuses.includes(error.status);
}

/** Both services sign a SHA-256 hash they are given; anything else is a bug on our side. */
export function checkSha256Digest(digest: Uint8Array): void {
  if (digest.length !== 32) throw new Error('a remote signature is requested over a SHA-256 digest (32 bytes)');
}

/** Both services create a transaction the same way; `rejected` says what a 4xx means for the adapter's API. */
export async function createRemoteTransaction(
  client: RemoteSigningClient,
  body: unknown,
  rejected: (error: unknown) => unknown,
): Promise<SignatureAttempt> {
  try {
    return signatureAttemptFrom(await client.post('/v1/signatures', body, remoteTransactionAnswer));
  } catch (error) {
    throw rejected(error);
  }
}

/** Both services answer a transaction's status the same way; one they have purged has expired. */
export async function checkRemoteTransaction(
  client: RemoteSigningClient,
  transactionId: string,
): Promise<SignatureAttempt> {
  try {
    return signatureAttemptFrom(
      await client.get(`/v1/signatures/${encodeURIComponent(transactionId)}`, remoteTransactionAnswer),
    );
  } catch (error) {
    if (isRejectedWith(error, 404, 410)) return { status: 'expired' };
    throw error;
  }
}
