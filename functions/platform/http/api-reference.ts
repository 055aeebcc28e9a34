import { createHash } from 'node:crypto';

/**
 * The rendered API reference at /docs: HTML generated on the server from the OpenAPI
 * document, with every schema resolved in place (no $ref pointers) and an example per
 * request and response. No scripts, nothing fetched from elsewhere, and one stylesheet
 * allowed by its hash, so the page works offline under a strict content security policy.
 */
type Schema = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

class SchemaRenderer {
  constructor(private readonly components: Record<string, Schema>) {}

  /** A schema with its references resolved and allOf parts merged; a name met again on its own path stays a name. */
  resolve(schema: Schema, seen: readonly string[] = []): { schema: Schema; name?: string; recursive?: boolean } {
    if (typeof schema.$ref === 'string') {
      const name = refName(schema.$ref);
      if (seen.includes(name)) return { schema: {}, name, recursive: true };
      return { ...this.resolve(this.components[name] ?? {}, [...seen, name]), name };
    }
    if (Array.isArray(schema.allOf)) {
      // The schema's own keywords stand beside its allOf parts (an object with if/then rules in allOf).
      const { allOf, ...own } = schema;
      const parts = [own, ...(allOf as Schema[]).map((part) => this.resolve(part, seen).schema)];
      const merged: Schema = {};
      for (const part of parts) {
        for (const [key, value] of Object.entries(part)) {
          merged[key] =
            key === 'properties'
              ? mergeProperties(
                  merged.properties as Record<string, Schema> | undefined,
                  value as Record<string, Schema>,
                )
              : value;
        }
      }
      return { schema: merged };
    }
    return { schema };
  }

  /** A nested list: each field with its type, whether it is required, its constraints and description. */
  render(schema: Schema, seen: readonly string[] = []): string {
    const { schema: resolved, name, recursive } = this.resolve(schema, seen);
    const path = name ? [...seen, name] : seen;
    if (recursive) return `<span class="t">${escapeHtml(name ?? '')}</span> <em>(as above)</em>`;
    const head =
      `<span class="t">${escapeHtml(typeLabel(resolved))}</span>${name ? ` <span class="n">${escapeHtml(name)}</span>` : ''}` +
      constraints(resolved);
    const variants = (resolved.anyOf ?? resolved.oneOf) as Schema[] | undefined;
    if (variants) {
      return `${head} one of:<ol>${variants.map((variant) => `<li>${this.render(variant, path)}</li>`).join('')}</ol>`;
    }
    if (resolved.type === 'array' && resolved.items) return `${head} of ${this.render(resolved.items as Schema, path)}`;
    const properties = resolved.properties as Record<string, Schema> | undefined;
    const extra = resolved.additionalProperties;
    let body = '';
    if (properties && Object.keys(properties).length > 0) {
      const required = new Set((resolved.required as string[] | undefined) ?? []);
      body = `<ul>${Object.entries(properties)
        .map(
          ([field, inner]) =>
            `<li><code>${escapeHtml(field)}</code>${required.has(field) ? ' <span class="req">required</span>' : ''} ${this.render(inner, path)}</li>`,
        )
        .join('')}</ul>`;
    } else if (extra && typeof extra === 'object') {
      body = ` of names to ${this.render(extra as Schema, path)}`;
    }
    return head + body;
  }

  /** A value that fits the schema, for the examples. */
  example(schema: Schema, seen: readonly string[] = [], depth = 0, field = ''): unknown {
    const { schema: resolved, name, recursive } = this.resolve(schema, seen);
    if (recursive || depth > 6) return undefined;
    const path = name ? [...seen, name] : seen;
    if (resolved.examples && Array.isArray(resolved.examples)) return resolved.examples[0];
    if ('const' in resolved) return resolved.const;
    if (Array.isArray(resolved.enum)) return resolved.enum[0];
    const variants = (resolved.anyOf ?? resolved.oneOf) as Schema[] | undefined;
    if (variants?.[0]) {
      // A variant may be only a constraint on its schema ({ required: ['cms'] }): the example is both together.
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = resolved;
      return this.example({ ...rest, ...variants[0] }, path, depth + 1, field);
    }
    const type = Array.isArray(resolved.type) ? resolved.type.find((t) => t !== 'null') : resolved.type;
    switch (type) {
      case 'object': {
        const properties = (resolved.properties ?? {}) as Record<string, Schema>;
        const out: Record<string, unknown> = {};
        for (const [field, inner] of Object.entries(properties)) {
          const value = this.example(inner, path, depth + 1, field);
          if (value !== undefined) out[field] = value;
        }
        return out;
      }
      case 'array': {
        const item = resolved.items ? this.example(resolved.items as Schema, path, depth + 1) : undefined;
        return item === undefined ? [] : [item];
      }
      case 'integer':
      case 'number':
        return typeof resolved.minimum === 'number' ? resolved.minimum : 1;
      case 'boolean':
        return true;
      case 'string':
        return exampleString(resolved, field);
      default:
        return undefined;
    }
  }
}

function mergeProperties(
  into: Record<string, Schema> | undefined,
  from: Record<string, Schema>,
): Record<string, Schema> {
  const merged: Record<string, Schema> = { ...into };
  for (const [name, schema] of Object.entries(from)) merged[name] = { ...merged[name], ...schema };
  return merged;
}

function typeLabel(schema: Schema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type as string | undefined);
  if (!type) return schema.anyOf || schema.oneOf ? '' : 'any';
  return schema.format ? `${type} (${String(schema.format)})` : type;
}

function constraints(schema: Schema): string {
  const parts: string[] = [];
  const ranges: [string, string][] = [
    ['minLength', '≥ %s chars'],
    ['maxLength', '≤ %s chars'],
    ['minimum', '≥ %s'],
    ['maximum', '≤ %s'],
    ['minItems', '≥ %s items'],
    ['maxItems', '≤ %s items'],
    ['default', 'default %s'],
  ];
  for (const [key, text] of ranges)
    if (schema[key] !== undefined) parts.push(text.replace('%s', JSON.stringify(schema[key])));
  if (typeof schema.pattern === 'string' && !schema.format)
    parts.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  const described = typeof schema.description === 'string' ? ` — ${escapeHtml(schema.description)}` : '';
  return (
    (parts.length
      ? ` <span class="c">${parts.map((part) => (part.startsWith('pattern') ? part : escapeHtml(part))).join(', ')}</span>`
      : '') + described
  );
}

/** Strings that satisfy the formats and patterns the contract uses, else shaped by the field's name. */
function exampleString(schema: Schema, field: string): string {
  switch (schema.format) {
    case 'date':
      return '2026-12-03';
    case 'date-time':
      return '2026-12-03T08:00:00.000Z';
    case 'base64':
      return 'JVBERi0xLjcK';
    default:
      break;
  }
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
  const known: [RegExp, string][] = [
    [/^\^\[0-9a-f\]\{64\}\$$/, 'f'.repeat(64)],
    [/^\^eyJ/, 'eyJwayI6Im93bmVyIzA3OTIwMzAwMTIzNCJ9'],
    [/\\d\{10,12\}/, '079203001234'],
    [/TTHC/, '1.004227'],
    [/BEGIN CERTIFICATE/, '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----'],
    [/\\d\{4,12\}/, '123456'],
    [/^\^\[A-Za-z0-9_-\]\+\$$/, 'q3vX1bM9kT2yZc8wLrN5pA0sHj7uGd4eFi6oKl_Y-aQ'],
    [/^\^\[A-Za-z0-9-\]\+\$$/, '3f1c9a52-6a1e-4c55-9a43-2f3b1d7e8a90'],
    [/^\^\[a-z0-9-\]/, 'giay-khai-sinh'],
  ];
  for (const [shape, value] of known) if (shape.test(pattern)) return value;
  if (field === 'id' || field.endsWith('Id')) return '3f1c9a52-6a1e-4c55-9a43-2f3b1d7e8a90';
  if (field.endsWith('At')) return '2026-12-03T08:00:00.000Z';
  if (field === 'sha256' || field.endsWith('Digest')) return 'f'.repeat(64);
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  return 'Giấy khai sinh'.padEnd(min, '0');
}

const stylesheet = `body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1b1b1b}
pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:12px}ul,ol{margin:.2em 0;padding-left:1.3em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
.m{font-weight:700;padding:0 .4em;border-radius:3px;color:#fff}.get{background:#2b7}.post{background:#27b}
.patch{background:#b72}.put{background:#72b}.delete{background:#b33}section{border-top:1px solid #eee;margin-top:1.5em}
.t{color:#05a;font-family:monospace}.n{color:#777;font-size:90%}.c{color:#666;font-size:90%}.req{color:#b33;font-size:85%}
details{margin:.3em 0}summary{cursor:pointer}`;

/** The CSP source that allows exactly the page's stylesheet. */
export const apiReferenceStyleHash = `'sha256-${createHash('sha256').update(stylesheet).digest('base64')}'`;

function renderOperation(renderer: SchemaRenderer, method: string, path: string, op: Operation): string {
  const params = op.parameters.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>schema</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${p.in}</td>` +
            `<td>${renderer.render(p.schema)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const [bodyMediaType, bodyMedia] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  const bodySchema = bodyMedia?.schema;
  // A form body's example is shown as the form it is sent as.
  const bodyExample = (example: unknown) =>
    bodyMediaType === 'application/x-www-form-urlencoded'
      ? new URLSearchParams(example as Record<string, string>).toString()
      : JSON.stringify(example, null, 2);
  const body = bodySchema
    ? `<h4>Request body (${escapeHtml(bodyMediaType ?? '')})</h4>${renderer.render(bodySchema)}` +
      `<details><summary>Example request body</summary><pre>${escapeHtml(bodyExample(renderer.example(bodySchema)))}</pre></details>`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, response]) => {
      const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
      const schema = media?.schema;
      const shown = schema
        ? `${
            status.startsWith('2')
              ? `<div>${renderer.render(schema)}</div><details><summary>Example</summary><pre>` +
                `${escapeHtml(JSON.stringify(renderer.example(schema), null, 2))}</pre></details>`
              : ''
          }`
        : '';
      return `<li><strong>${status}</strong> ${escapeHtml(response.description)}${mediaType ? ` <span class="n">${escapeHtml(mediaType)}</span>` : ''}${shown}</li>`;
    })
    .join('');
  return `<section id="${escapeHtml(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.security?.length === 0 ? ' <em>(no token needed)</em>' : ''}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${params}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

export function renderApiReference(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const components = (document.components as { schemas: Record<string, Schema> }).schemas;
  const renderer = new SchemaRenderer(components);
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(operations.map(({ op }) => op.tags[0] ?? 'other'))];
  const problem = components.Problem ?? {};
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${stylesheet}</style></head>
<body><h1>${escapeHtml(info.title)} <small>v${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;JWT&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<p>Every error is a problem document:</p>${renderer.render(problem)}
<nav><ul>${tags
    .map(
      (tag) =>
        `<li>${escapeHtml(tag)}: ${operations
          .filter(({ op }) => op.tags[0] === tag)
          .map(({ op }) => `<a href="#${escapeHtml(op.operationId)}">${escapeHtml(op.operationId)}</a>`)
          .join(', ')}</li>`,
    )
    .join('')}</ul></nav>
${tags
  .map(
    (tag) =>
      `<h2>${escapeHtml(tag)}</h2>${operations
        .filter(({ op }) => op.tags[0] === tag)
        .map(({ path, method, op }) => renderOperation(renderer, method, path, op))
        .join('')}`,
  )
  .join('')}
</body></html>`;
}
