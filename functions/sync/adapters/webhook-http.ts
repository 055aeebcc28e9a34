import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../core/webhook-target.ts';
import type { WebhookSender } from '../core/webhooks.ts';

/** Every address the system resolver gives a name (what the connection could use). */
export const resolveWithDns: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Posts a delivery with fetch; redirects are not followed (a redirect could point anywhere). */
export const sendWithFetch: WebhookSender = async ({ url, headers, body, timeoutMs }) => {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  return response.status;
};
