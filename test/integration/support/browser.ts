import assert from 'node:assert/strict';

/** A browser's cookies by name; `Max-Age=0` or a past `Expires` removes one, as a browser does. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some(
        (attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=.*1970/i.test(attribute),
      );
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** One browser step: a request with the jar's cookies, redirects not followed. */
export async function browse(
  jar: CookieJar,
  url: string,
  options: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; json?: unknown } = {},
): Promise<Response> {
  const { form, json } = options;
  const response = await fetch(url, {
    method: options.method ?? (form || json ? 'POST' : 'GET'),
    headers: {
      ...(jar.cookies.size ? { cookie: jar.header() } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    redirect: 'manual',
  });
  jar.keep(response);
  return response;
}

/** Follows redirects inside the provider (`/oidc/...`) until one leaves it, or a page is shown. */
export async function followProviderRedirects(
  jar: CookieJar,
  base: string,
  response: Response,
): Promise<{ page?: Response; location?: URL }> {
  let current = response;
  for (let hops = 0; hops < 10; hops++) {
    const location = current.headers.get('location');
    if (current.status < 300 || current.status >= 400 || !location) return { page: current };
    const next = new URL(location, base);
    if (!next.pathname.startsWith('/oidc/')) return { location: next };
    current = await browse(jar, next.href);
  }
  throw new Error('too many redirects');
}

/**
 * From the vault's `/auth/login` redirect to the provider's login page, the seeded account
 * chosen there, to the provider's redirect back to the vault's callback (not yet followed).
 */
export async function signInAtProvider(
  jar: CookieJar,
  base: string,
  loginRedirect: Response,
  accountId: string,
): Promise<URL> {
  assert.equal(loginRedirect.status, 303);
  const { page } = await followProviderRedirects(jar, base, loginRedirect);
  assert.equal(page?.status, 200, 'the provider shows its login page');
  const html = await page!.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the login form posts to the interaction');
  const { location } = await followProviderRedirects(
    jar,
    base,
    await browse(jar, new URL(action, base).href, { form: { accountId } }),
  );
  assert.ok(location, 'the provider redirects back to the vault');
  assert.equal(location.pathname, '/auth/callback');
  return location;
}

/** A full login: `/auth/login` → provider → callback; the jar then holds the session cookie. */
export async function loginThroughBrowser(
  jar: CookieJar,
  base: string,
  accountId: string,
  returnTo = '/auth/session',
): Promise<Response> {
  const login = await browse(jar, `${base}/auth/login?provider=local-sso&returnTo=${encodeURIComponent(returnTo)}`);
  const callback = await signInAtProvider(jar, base, login, accountId);
  return browse(jar, callback.href);
}
