/**
 * Where the browser goes after login. Only a path on the API's own origin, or a URL on one
 * of the configured origins (the console), so the login cannot be used as an open redirect.
 */
export interface ReturnToPolicy {
  /** The API's public base URL (`https://api.example.vn`). */
  publicBaseUrl: string;
  /** Other origins a login may return to (`https://console.example.vn`). */
  allowedReturnToOrigins: readonly string[];
}

export class ReturnToRefusedError extends Error {
  constructor() {
    super('returnTo must be a path on this site or a URL on an allowed origin');
    this.name = 'ReturnToRefusedError';
  }
}

const maxReturnToLength = 1024;

/** The checked target (a path as given, or the normalised absolute URL), or a refusal. */
export function checkedReturnTo(value: string, policy: ReturnToPolicy): string {
  // Control characters, whitespace and backslashes are read differently by browsers (`/\evil`, `/\t/evil`).
  if (value === '' || value.length > maxReturnToLength || /[\u0000-\u0020\u007f-\u009f\\]/.test(value)) {
    throw new ReturnToRefusedError();
  }
  const own = new URL(policy.publicBaseUrl);
  if (value.startsWith('/')) {
    // `//host` and `/%2F%2Fhost`-style paths must stay on our origin once a browser resolves them.
    if (value.startsWith('//') || /%(2f|5c)/i.test(value.slice(0, 4))) throw new ReturnToRefusedError();
    const resolved = new URL(value, own);
    if (resolved.origin !== own.origin) throw new ReturnToRefusedError();
    return value;
  }
  let target: URL;
  try {
    target = new URL(value);
  } catch {
    throw new ReturnToRefusedError();
  }
  const allowed = new Set([own.origin, ...policy.allowedReturnToOrigins.map((origin) => new URL(origin).origin)]);
  if (!['https:', 'http:'].includes(target.protocol) || target.username || target.password) {
    throw new ReturnToRefusedError();
  }
  if (!allowed.has(target.origin)) throw new ReturnToRefusedError();
  return target.href;
}
