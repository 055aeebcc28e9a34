/**
 * The browser's cookies. `__Host-` names: the browser keeps them only when set Secure, from
 * the host itself, with Path=/ and no Domain, so no sibling subdomain can plant or read them.
 */
export const sessionCookieName = '__Host-khoso-session';
/** Binds a login attempt to the browser that started it (login CSRF). */
export const loginBindingCookieName = '__Host-khoso-login';

/** Cookie values we set are base64url; anything else a browser sends is not ours. */
const cookieValue = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The value of one cookie among the request's Cookie header(s) (API Gateway payload 2.0 moves them
 * to `event.cookies`; a plain header joins them with "; "). A name sent twice is refused: one of the
 * two was planted.
 */
export function cookieFrom(cookieHeaders: readonly string[], name: string): string | undefined {
  const values = cookieHeaders
    .flatMap((header) => header.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair.slice(0, pair.indexOf('=')) === name)
    .map((pair) => pair.slice(pair.indexOf('=') + 1));
  if (values.length !== 1) return undefined;
  return cookieValue.test(values[0]!) ? values[0] : undefined;
}

/** A `Set-Cookie` value: HttpOnly, Secure, SameSite=Lax (sent on the provider's redirect back), Path=/. */
export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Lax`;
}

export function clearCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
}
