/**
 * Where a government gateway (LGSP/NGSP, or a direct line) is, as the national warehouse's and
 * the population database's configurations both describe it: a base URL every endpoint path is
 * appended to, and plain http allowed only on loopback (the simulators) or for a private line.
 */
import { z } from 'zod';

/** An endpoint's path on the gateway. */
export const gatewayEndpointPath = z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'a path starting with /');

/** The gateway's base URL, without a trailing slash. */
export const gatewayBaseUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether calls to `config.baseUrl` may carry credentials: https, loopback, or a line the
 * configuration says is private. A URL that does not parse is left to `gatewayBaseUrl`'s message.
 */
export function hasSafeTransport(config: { baseUrl: string; allowPlainHttp: boolean }): boolean {
  if (config.allowPlainHttp || !URL.canParse(config.baseUrl)) return true;
  const url = new URL(config.baseUrl);
  return url.protocol === 'https:' || loopbackHosts.has(url.hostname);
}
