import { isIP } from 'node:net';
import { WebhookTargetRefusedError } from '../../platform/core/errors.ts';

/** Where webhooks may point in this deployment. Deployed stages: HTTPS, public addresses only. */
export interface WebhookTargetRules {
  requireHttps: boolean;
  /** The embedded runtime's tests deliver to a receiver on this machine. */
  allowLoopback: boolean;
}

export const deployedWebhookTargets: WebhookTargetRules = { requireHttps: true, allowLoopback: false };

/** Resolves a host name to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

/** IPv6 text to its eight 16-bit groups (an embedded dotted IPv4 tail included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

export type AddressClass = 'public' | 'loopback' | 'private';

/** Classifies an IPv4 address: loopback, or anything not publicly routable (private, link-local, metadata, …). */
function classifyIpv4(address: string): AddressClass {
  const [a = 0, b = 0] = ipv4Octets(address);
  if (a === 127) return 'loopback';
  const nonPublic =
    a === 0 || // "this network"
    a === 10 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, including the 169.254.169.254 metadata service
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments and TEST-NET-1 (192.0.2.0/24)
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51) ||
    (a === 203 && b === 0) ||
    a >= 224; // multicast, reserved, broadcast
  return nonPublic ? 'private' : 'public';
}

/** Classifies an address (IPv4 or IPv6, IPv4-mapped and -compatible forms read as the IPv4 they carry). */
export function classifyAddress(address: string): AddressClass {
  const version = isIP(address);
  if (version === 4) return classifyIpv4(address);
  if (version !== 6) return 'private';
  const g = ipv6Groups(address);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedIpv4 = `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0xffff) return classifyIpv4(embeddedIpv4); // ::ffff:a.b.c.d
    if (g5 === 0 && g6 === 0 && g7 === 1) return 'loopback'; // ::1
    if (g5 === 0) return g6 === 0 ? 'private' : classifyIpv4(embeddedIpv4); // :: and ::a.b.c.d
  }
  if (g0 === 0x64 && g1 === 0xff9b) return classifyIpv4(embeddedIpv4); // NAT64 64:ff9b::/96
  if (g0 === 0x2002) return classifyIpv4(`${g1 >> 8}.${g1 & 255}.${g2 >> 8}.${g2 & 255}`); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return 'private'; // link-local, site-local
  if ((g0 & 0xff00) === 0xff00) return 'private'; // multicast
  if (g0 === 0x2001 && g1 === 0xdb8) return 'private'; // documentation
  return 'public';
}

function allowed(address: string, rules: WebhookTargetRules): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && rules.allowLoopback);
}

/** A webhook URL that passed the check, and the addresses it was checked on. */
export interface VettedTarget {
  url: URL;
  /** The delivery connects to one of these, never to a fresh resolution (no DNS-rebinding window). */
  addresses: string[];
}

/**
 * Refuses (400, webhook-target-refused) a webhook URL this deployment may not call: not HTTPS where HTTPS is required,
 * credentials in the URL, or a host any of whose resolved addresses is private, loopback,
 * link-local or a metadata address. Checked at registration and again before every delivery,
 * since a name can resolve elsewhere later.
 */
export async function checkWebhookTarget(
  url: string,
  rules: WebhookTargetRules,
  resolve: HostResolver,
): Promise<VettedTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetRefusedError('The webhook URL is not a URL');
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && !rules.requireHttps)) {
    throw new WebhookTargetRefusedError(
      rules.requireHttps ? 'A webhook URL must use https' : 'A webhook URL must use http or https',
    );
  }
  if (parsed.username || parsed.password)
    throw new WebhookTargetRefusedError('A webhook URL may not carry credentials');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookTargetRefusedError('The webhook host does not resolve');
    }
  }
  if (addresses.length === 0) throw new WebhookTargetRefusedError('The webhook host does not resolve');
  if (!addresses.every((address) => allowed(address, rules))) {
    throw new WebhookTargetRefusedError(
      'The webhook host resolves to a private, loopback, link-local or metadata address',
    );
  }
  return { url: parsed, addresses };
}
