import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { HostResolver } from '../core/webhook-target.ts';
import type { WebhookSender } from '../core/webhooks.ts';

/** Every address the system resolver gives a name (what the connection could use). */
export const resolveWithDns: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * A `lookup` that answers only the vetted addresses, whatever name it is asked: the socket
 * connects to an address the target check saw, and DNS is not asked again (no rebinding window).
 */
function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    const usable = options.family ? entries.filter((entry) => entry.family === options.family) : entries;
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error('No vetted address of the requested family'), { code: 'ENOTFOUND' }), []);
    } else if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

/**
 * Posts a delivery to an address the check vetted. The URL still names the host, so the TLS
 * server name (SNI) and the certificate check are against the name, and so is the Host header.
 * Redirects are never followed: a 3xx is the receiver's answer, a failed delivery.
 */
export const sendToVettedAddress: WebhookSender = ({ url, addresses, headers, body, timeoutMs }) =>
  new Promise<number>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        // A fresh connection each time: a pooled socket could be to another address.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
