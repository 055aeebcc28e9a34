import { createHash } from 'node:crypto';
import type { SeedAccount } from './seed-accounts.ts';

/**
 * The provider's pages: plain HTML forms, Vietnamese first with English beneath. No script runs
 * on them; the one stylesheet is inline and allowed by its hash, so the CSP can say 'none' to all else.
 */
const style = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1a1a1a;line-height:1.4}
h1{font-size:1.4rem;margin-bottom:.2rem}
.en{color:#555;font-size:.9em;margin-top:0}
ul{list-style:none;padding:0}
li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.7rem 1rem;border:1px solid #8a8a8a;border-radius:.4rem;background:#fff;font:inherit;cursor:pointer}
button:hover{background:#f0f4ff}
button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.name{font-weight:600;display:block}
.who{color:#444;display:block;font-size:.9em}
.primary{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
.primary:hover{background:#1e40af}
`;

const styleHash = createHash('sha256').update(style).digest('base64');

/** The CSP of every page: nothing loads or runs; forms go back to this origin or the vault's. */
export function pageSecurityPolicy(vaultOrigin: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${styleHash}'`,
    `form-action 'self' ${vaultOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The login page: one button per seeded account, each a POST of the interaction's form. */
export function loginPage(action: string, accounts: readonly SeedAccount[]): string {
  const buttons = accounts
    .map(
      (account) => `<li><button type="submit" name="accountId" value="${escapeHtml(account.accountId)}">
<span class="name">${escapeHtml(account.name)}</span>
<span class="who">${escapeHtml(account.description.vi)} · <span lang="en">${escapeHtml(account.description.en)}</span></span>
</button></li>`,
    )
    .join('\n');
  return page(
    'Đăng nhập · Sign in',
    `<h1>Đăng nhập vào kho số (môi trường thử nghiệm)</h1>
<p class="en" lang="en">Sign in to khoso (local test identity provider)</p>
<p>Chọn một tài khoản thử nghiệm. <span lang="en">Choose a test account.</span></p>
<form method="post" action="${escapeHtml(action)}">
<ul>
${buttons}
</ul>
</form>`,
  );
}

/** RP-initiated logout: oidc-provider's form (id op.logoutForm, its xsrf field) with two submit buttons. */
export function logoutPage(form: string): string {
  return page(
    'Đăng xuất · Sign out',
    `<h1>Bạn có muốn đăng xuất không?</h1>
<p class="en" lang="en">Do you want to sign out?</p>
${form}
<p><button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes">Đăng xuất · <span lang="en">Sign out</span></button></p>
<p><button type="submit" form="op.logoutForm">Giữ đăng nhập · <span lang="en">Stay signed in</span></button></p>`,
  );
}

export function loggedOutPage(): string {
  return page(
    'Đã đăng xuất · Signed out',
    `<h1>Bạn đã đăng xuất.</h1>
<p class="en" lang="en">You have signed out.</p>`,
  );
}

export function errorPage(error: string, description?: string): string {
  return page(
    'Lỗi · Error',
    `<h1>Không thể tiếp tục</h1>
<p class="en" lang="en">The request cannot go on.</p>
<p><code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : ''}</p>`,
  );
}
