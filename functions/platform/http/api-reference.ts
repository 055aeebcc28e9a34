/**
 * The rendered API reference at /docs: plain HTML generated from the OpenAPI document,
 * with no scripts and nothing fetched from elsewhere, so it works offline and under a
 * strict content security policy.
 */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

type Operation = {
  operationId: string; summary: string; tags: string[]; security?: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
};

const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function renderOperation(method: string, path: string, op: Operation): string {
  const params = op.parameters.length
    ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters.map((p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`).join('')}</table>`
    : '';
  const body = op.requestBody ? `<h4>Request body</h4>${json(op.requestBody.content['application/json']?.schema)}` : '';
  const responses = Object.entries(op.responses).map(([status, response]) =>
    `<li><strong>${status}</strong> ${escapeHtml(response.description)}${response.content?.['application/json']?.schema ? json(response.content['application/json'].schema) : ''}</li>`).join('');
  return `<section id="${escapeHtml(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.security?.length === 0 ? ' <em>(no token needed)</em>' : ''}</p>${params}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

export function renderApiReference(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map(({ op }) => op.tags[0] ?? 'other'))];
  const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1b1b1b}pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}.m{font-weight:700;padding:0 .4em;border-radius:3px;color:#fff}
.get{background:#2b7}.post{background:#27b}.patch{background:#b72}.delete{background:#b33}section{border-top:1px solid #eee;margin-top:1.5em}</style></head>
<body><h1>${escapeHtml(info.title)} <small>v${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;JWT&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<nav><ul>${tags.map((tag) => `<li>${escapeHtml(tag)}: ${operations.filter(({ op }) => op.tags[0] === tag).map(({ op }) => `<a href="#${escapeHtml(op.operationId)}">${escapeHtml(op.operationId)}</a>`).join(', ')}</li>`).join('')}</ul></nav>
${tags.map((tag) => `<h2>${escapeHtml(tag)}</h2>${operations.filter(({ op }) => op.tags[0] === tag).map(({ path, method, op }) => renderOperation(method, path, op)).join('')}`).join('')}
<h2>Schemas</h2>${Object.entries(schemas).map(([name, schema]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${json(schema)}`).join('')}
</body></html>`;
}
