import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import type { PresignedUpload, UploadPolicy } from '../../functions/platform/core/blob-store.ts';
import { createFsBlobStore, type FsBlobStore } from '../../functions/platform/adapters/fs-blob-store.ts';
import { createBlobHttpHandler } from '../../lib/local/blob-http.ts';

const BUCKET = 'khoso-documents';
const PDF = 'application/pdf';
const START = new Date('2030-01-02T03:04:05.000Z');

interface Context {
  root: string;
  store: FsBlobStore;
  secret: Buffer;
  events: S3Event[];
  logged: string[];
  setNow(date: Date): void;
}

let server: http.Server;
let baseUrl: string;
let workDir: string;
let current: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>) | undefined;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'khoso-blob-test-'));
  server = http.createServer((req, res) => {
    void (async () => {
      const handled = current ? await current(req, res) : false;
      if (!handled) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not a blob path');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(workDir, { recursive: true, force: true });
});

/** A fresh store in its own folder, served by the shared server. */
async function fresh(options: { onObjectCreated?: (event: S3Event) => Promise<void> } = {}): Promise<Context> {
  const root = await mkdtemp(join(workDir, 'store-'));
  const secret = randomBytes(32);
  let now = START;
  const events: S3Event[] = [];
  const logged: string[] = [];
  const store = createFsBlobStore({
    rootDir: root,
    publicBaseUrl: baseUrl,
    signingSecret: secret,
    bucket: BUCKET,
    now: () => now,
  });
  current = createBlobHttpHandler({
    store,
    onObjectCreated: async (event) => {
      events.push(event);
      await options.onObjectCreated?.(event);
    },
    log: (message) => logged.push(message),
  });
  return { root, store, secret, events, logged, setNow: (date) => (now = date) };
}

function policy(overrides: Partial<UploadPolicy> = {}): UploadPolicy {
  return {
    key: 'citizens/c-1/doc-1.pdf',
    contentType: PDF,
    minBytes: 10,
    maxBytes: 1024,
    expiresInSeconds: 300,
    ...overrides,
  };
}

function bytes(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 256);
}

type Part = [name: string, value: string] | ['file', Uint8Array, string?];

function form(upload: PresignedUpload, file: Uint8Array, contentType = PDF): Part[] {
  return [...Object.entries(upload.fields), ['file', file, contentType]];
}

async function post(url: string, parts: Part[]): Promise<{ status: number; body: string; headers: Headers }> {
  const data = new FormData();
  for (const part of parts) {
    if (typeof part[1] === 'string') data.append(part[0], part[1]);
    else data.append(part[0], new Blob([part[1]], { type: part[2] ?? PDF }), 'scan.pdf');
  }
  const res = await fetch(url, { method: 'POST', body: data });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

function errorCode(body: string): string | undefined {
  return /<Error><Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** Every file under root, relative, sorted: objects, sidecars and temp files alike. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1))
    .sort();
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(await check(), `timed out waiting for ${what}`);
}

/** A request with the path exactly as given: fetch would normalise ../ away. */
function rawRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const req = http.request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decodePolicy(encoded: string): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
}

describe('presigned POST upload', () => {
  test('a valid upload answers 204, stores the bytes and emits an S3 ObjectCreated event', async () => {
    const ctx = await fresh();
    const key = 'citizens/c-1/giấy khai sinh (1).pdf';
    const body = bytes(500);
    const upload = await ctx.store.presignUpload(policy({ key }));

    assert.equal(upload.url, `${baseUrl}/_blobs/${BUCKET}`);
    assert.equal(upload.expiresAt, new Date(START.getTime() + 300_000).toISOString());
    assert.equal(upload.fields['x-amz-algorithm'], 'KHOSO-HMAC-SHA256');
    assert.deepEqual(decodePolicy(upload.fields['policy']!).conditions, [
      { bucket: BUCKET },
      { key },
      { 'Content-Type': PDF },
      ['content-length-range', 10, 1024],
    ]);

    const res = await post(upload.url, form(upload, body));
    assert.equal(res.status, 204, res.body);
    const md5 = createHash('md5').update(body).digest('hex');
    assert.equal(res.headers.get('etag'), `"${md5}"`);

    assert.deepEqual(await ctx.store.read(key), body);
    assert.deepEqual(await ctx.store.head(key), { size: 500, contentType: PDF });

    await waitFor(() => ctx.events.length === 1, 'the ObjectCreated event');
    const record = ctx.events[0]!.Records[0]!;
    assert.equal(ctx.events[0]!.Records.length, 1);
    assert.equal(record.eventVersion, '2.1');
    assert.equal(record.eventSource, 'aws:s3');
    assert.equal(record.eventName, 'ObjectCreated:Post');
    assert.equal(record.eventTime, START.toISOString());
    assert.equal(record.s3.bucket.name, BUCKET);
    assert.equal(record.s3.bucket.arn, `arn:aws:s3:::${BUCKET}`);
    assert.equal(record.s3.object.key, 'citizens/c-1/gi%E1%BA%A5y+khai+sinh+%281%29.pdf');
    assert.equal(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')), key);
    assert.equal(record.s3.object.size, 500);
    assert.equal(record.s3.object.eTag, md5);
    assert.match(record.s3.object.sequencer, /^[0-9A-F]{16,}$/);

    // Only the object and its metadata remain: no temp file left behind.
    const files = await filesUnder(ctx.root);
    assert.equal(files.length, 2, files.join(', '));
    assert.ok(
      files.every((file) => file.startsWith('citizens/c-1/')),
      files.join(', '),
    );
  });

  test('sizes exactly at min and max are accepted', async () => {
    const ctx = await fresh();
    for (const [key, size] of [
      ['a/min.pdf', 10],
      ['a/max.pdf', 1024],
    ] as const) {
      const upload = await ctx.store.presignUpload(policy({ key }));
      const res = await post(upload.url, form(upload, bytes(size)));
      assert.equal(res.status, 204, res.body);
      assert.equal((await ctx.store.head(key))?.size, size);
    }
  });

  test('a failing onObjectCreated does not change the 204, and is logged', async () => {
    const ctx = await fresh({
      onObjectCreated: async () => {
        throw new Error('consumer down');
      },
    });
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(upload.url, form(upload, bytes(100)));
    assert.equal(res.status, 204, res.body);
    await waitFor(() => ctx.logged.length === 1, 'the log line');
    assert.match(ctx.logged[0]!, /onObjectCreated failed/);
    assert.equal((await ctx.store.head(policy().key))?.size, 100);
  });

  test('a file one byte over the limit is EntityTooLarge and nothing is stored', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(upload.url, form(upload, bytes(1025)));
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'EntityTooLarge');
    assert.deepEqual(await filesUnder(ctx.root), []);
    assert.equal(ctx.events.length, 0);
  });

  test('a far larger file is cut off, answered EntityTooLarge, and the server keeps working', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(upload.url, form(upload, bytes(4 * 1024 * 1024)));
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'EntityTooLarge');
    assert.deepEqual(await filesUnder(ctx.root), []);
    const again = await post(upload.url, form(upload, bytes(100)));
    assert.equal(again.status, 204, again.body);
  });

  test('a file under the minimum is EntityTooSmall and nothing is stored', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(upload.url, form(upload, bytes(9)));
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'EntityTooSmall');
    assert.deepEqual(await filesUnder(ctx.root), []);
    assert.equal(ctx.events.length, 0);
  });

  test('a changed Content-Type field is AccessDenied', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(
      upload.url,
      form({ ...upload, fields: { ...upload.fields, 'Content-Type': 'text/html' } }, bytes(100)),
    );
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('a key field changed to another key is AccessDenied', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(
      upload.url,
      form({ ...upload, fields: { ...upload.fields, key: 'citizens/c-2/doc-1.pdf' } }, bytes(100)),
    );
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('a tampered policy is AccessDenied', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const decoded = decodePolicy(upload.fields['policy']!);
    const widened = {
      ...decoded,
      conditions: decoded.conditions.map((c) =>
        Array.isArray(c) && c[0] === 'content-length-range' ? [c[0], 0, 10_000_000] : c,
      ),
    };
    const tampered = Buffer.from(JSON.stringify(widened)).toString('base64');
    assert.notEqual(tampered, upload.fields['policy']);
    const res = await post(
      upload.url,
      form({ ...upload, fields: { ...upload.fields, policy: tampered } }, bytes(2000)),
    );
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('a tampered signature is AccessDenied', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const signature = upload.fields['x-amz-signature']!;
    const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    for (const bad of [flipped, signature.slice(0, -2), '']) {
      const res = await post(
        upload.url,
        form({ ...upload, fields: { ...upload.fields, 'x-amz-signature': bad } }, bytes(100)),
      );
      assert.equal(res.status, 403, `signature ${JSON.stringify(bad)}`);
      assert.equal(errorCode(res.body), 'AccessDenied');
    }
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('a policy signed with another secret is AccessDenied', async () => {
    const ctx = await fresh();
    const other = createFsBlobStore({
      rootDir: ctx.root,
      publicBaseUrl: baseUrl,
      signingSecret: randomBytes(32),
      bucket: BUCKET,
      now: () => START,
    });
    const upload = await other.presignUpload(policy());
    const res = await post(upload.url, form(upload, bytes(100)));
    assert.equal(res.status, 403);
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('an expired policy is AccessDenied', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy({ expiresInSeconds: 60 }));
    ctx.setNow(new Date(START.getTime() + 60_000));
    const stillValid = await post(upload.url, form(upload, bytes(100)));
    assert.equal(stillValid.status, 204, 'valid up to the expiration instant');
    await ctx.store.delete(policy().key);
    ctx.setNow(new Date(START.getTime() + 61_000));
    const res = await post(upload.url, form(upload, bytes(100)));
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.match(res.body, /expired/);
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('the file must be the last part', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const fields = Object.entries(upload.fields);
    const fileFirst: Part[] = [['file', bytes(100), PDF], ...fields];
    const fileInMiddle: Part[] = [...fields, ['file', bytes(100), PDF], ['x-ignore-note', 'after the file']];
    for (const parts of [fileFirst, fileInMiddle]) {
      const res = await post(upload.url, parts);
      assert.equal(res.status, 400, res.body);
      assert.equal(errorCode(res.body), 'InvalidArgument');
    }
    assert.deepEqual(await filesUnder(ctx.root), []);
    // The same fields with the file last are fine, so the order is what was rejected.
    assert.equal((await post(upload.url, [...fields, ['file', bytes(100), PDF]])).status, 204);
  });

  test('two files, no file, extra fields, duplicate fields and a non-multipart body are rejected', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const fields = Object.entries(upload.fields) as Part[];
    const cases: Array<[string, Part[], number, string]> = [
      ['two files', [...fields, ['file', bytes(100)], ['file', bytes(100)]], 400, 'InvalidArgument'],
      ['no file', fields, 400, 'InvalidArgument'],
      ['file under another name', [...fields, ['upload', bytes(100)] as unknown as Part], 400, 'InvalidArgument'],
      [
        'a field the policy does not name',
        [['acl', 'public-read'], ...fields, ['file', bytes(100)]],
        403,
        'AccessDenied',
      ],
      [
        'a bucket field naming another bucket',
        [['bucket', 'other-bucket'], ...fields, ['file', bytes(100)]],
        403,
        'AccessDenied',
      ],
      [
        'a repeated key field',
        [['key', 'citizens/c-2/x.pdf'], ...fields, ['file', bytes(100)]],
        400,
        'InvalidArgument',
      ],
      ['no policy', [...fields.filter(([name]) => name !== 'policy'), ['file', bytes(100)]], 403, 'AccessDenied'],
      ['no key', [...fields.filter(([name]) => name !== 'key'), ['file', bytes(100)]], 400, 'InvalidArgument'],
    ];
    for (const [name, parts, status, code] of cases) {
      const res = await post(upload.url, parts);
      assert.equal(res.status, status, `${name}: ${res.body}`);
      assert.equal(errorCode(res.body), code, name);
    }
    const plain = await fetch(upload.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(plain.status, 400);
    assert.equal(errorCode(await plain.text()), 'MalformedPOSTRequest');
    assert.deepEqual(await filesUnder(ctx.root), []);
    assert.equal(ctx.events.length, 0);
  });

  test('a client that disconnects mid-file leaves nothing behind', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy({ maxBytes: 1_000_000 }));
    const boundary = 'khoso-test-boundary';
    const head = Object.entries(upload.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('');
    const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const url = new URL(upload.url);
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(Buffer.byteLength(head + fileHead) + 500_000),
      },
    });
    req.on('error', () => undefined);
    req.write(head + fileHead);
    req.write(Buffer.from(bytes(200_000)));
    // The server is writing the temp file when the client goes away.
    await waitFor(async () => (await filesUnder(ctx.root)).some((file) => file.endsWith('.part')), 'the temp file');
    req.destroy();
    await waitFor(async () => (await filesUnder(ctx.root)).length === 0, 'the temp file to be deleted');
    assert.equal(ctx.events.length, 0);
  });

  test('a POST to another bucket is NoSuchBucket', async () => {
    const ctx = await fresh();
    const upload = await ctx.store.presignUpload(policy());
    const res = await post(`${baseUrl}/_blobs/other-bucket`, form(upload, bytes(100)));
    assert.equal(res.status, 404);
    assert.equal(errorCode(res.body), 'NoSuchBucket');
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('validly signed policies that do not pin key and size, or use other conditions, are refused', async () => {
    const ctx = await fresh();
    const key = 'citizens/c-1/doc.pdf';
    const expiration = new Date(START.getTime() + 300_000).toISOString();
    const cases: Array<[string, unknown[], number]> = [
      ['no size range', [{ bucket: BUCKET }, { key }, { 'Content-Type': PDF }], 403],
      ['no key condition', [{ bucket: BUCKET }, { 'Content-Type': PDF }, ['content-length-range', 0, 1024]], 403],
      [
        'a starts-with condition',
        [
          { bucket: BUCKET },
          ['starts-with', '$key', 'citizens/'],
          { 'Content-Type': PDF },
          ['content-length-range', 0, 1024],
        ],
        400,
      ],
    ];
    for (const [name, conditions, status] of cases) {
      const encoded = Buffer.from(JSON.stringify({ expiration, conditions })).toString('base64');
      const res = await post(`${baseUrl}/_blobs/${BUCKET}`, [
        ['key', key],
        ['Content-Type', PDF],
        ['policy', encoded],
        ['x-amz-algorithm', 'KHOSO-HMAC-SHA256'],
        ['x-amz-signature', createHmac('sha256', ctx.secret).update(encoded).digest('hex')],
        ['file', bytes(100)],
      ]);
      assert.equal(res.status, status, `${name}: ${res.body}`);
    }
    assert.deepEqual(await filesUnder(ctx.root), []);
  });
});

describe('presigned GET download', () => {
  let ctx: Context;
  const key = 'citizens/c-1/đăng ký kết hôn.pdf';
  const body = bytes(3000, 3);

  before(async () => {
    ctx = await fresh();
    await ctx.store.write(key, body, PDF);
  });

  const presign = (overrides: { key?: string; expiresInSeconds?: number } = {}) =>
    ctx.store.presignDownload({
      key,
      fileName: 'Đăng ký kết hôn "bản sao".pdf',
      contentType: PDF,
      expiresInSeconds: 300,
      ...overrides,
    });

  test('a valid URL streams the object as a named attachment', async () => {
    const url = await presign();
    assert.ok(url.startsWith(`${baseUrl}/_blobs/${BUCKET}/citizens/c-1/`), url);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), PDF);
    assert.equal(res.headers.get('content-length'), '3000');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const disposition = res.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment; filename="Dang ky ket hon _ban sao_\.pdf"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? '';
    assert.equal(decodeURIComponent(encoded), 'Đăng ký kết hôn "bản sao".pdf');
    assert.doesNotMatch(encoded, /['()* "]/);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), body);
  });

  test('a tampered URL is AccessDenied', async () => {
    const url = new URL(await presign());
    const tamper = (edit: (u: URL) => void) => {
      const copy = new URL(url);
      edit(copy);
      return copy;
    };
    const signature = url.searchParams.get('X-Khoso-Signature')!;
    const variants: Record<string, URL> = {
      signature: tamper((u) =>
        u.searchParams.set('X-Khoso-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1)),
      ),
      expiry: tamper((u) =>
        u.searchParams.set('X-Khoso-Expires', String(Number(u.searchParams.get('X-Khoso-Expires')) + 3600)),
      ),
      disposition: tamper((u) => u.searchParams.set('X-Khoso-Disposition', 'inline')),
      contentType: tamper((u) => u.searchParams.set('X-Khoso-Content-Type', 'text/html')),
      missingSignature: tamper((u) => u.searchParams.delete('X-Khoso-Signature')),
      repeatedContentType: tamper((u) => u.searchParams.append('X-Khoso-Content-Type', 'text/html')),
    };
    for (const [name, variant] of Object.entries(variants)) {
      const res = await fetch(variant);
      const text = await res.text();
      assert.equal(res.status, 403, `${name}: ${text}`);
      assert.equal(errorCode(text), 'AccessDenied', name);
    }
    // Another object's path with this object's signature.
    await ctx.store.write('citizens/c-2/other.pdf', bytes(20), PDF);
    const otherKey = new URL(url);
    otherKey.pathname = `/_blobs/${BUCKET}/citizens/c-2/other.pdf`;
    assert.equal((await fetch(otherKey)).status, 403);
    // The untampered URL still works, so it is the edits that were refused.
    assert.equal((await fetch(url)).status, 200);
  });

  test('an expired URL is AccessDenied', async () => {
    const url = await presign({ expiresInSeconds: 60 });
    try {
      ctx.setNow(new Date(START.getTime() + 60_000));
      assert.equal((await fetch(url)).status, 200, 'valid up to the expiry second');
      ctx.setNow(new Date(START.getTime() + 61_000));
      const res = await fetch(url);
      const text = await res.text();
      assert.equal(res.status, 403);
      assert.equal(errorCode(text), 'AccessDenied');
      assert.match(text, /expired/);
    } finally {
      ctx.setNow(START);
    }
  });

  test('a validly signed URL for a missing object is NoSuchKey', async () => {
    const res = await fetch(await presign({ key: 'citizens/c-1/missing.pdf' }));
    assert.equal(res.status, 404);
    assert.equal(errorCode(await res.text()), 'NoSuchKey');
  });

  test('other methods are 405 and other paths are not handled', async () => {
    const url = await presign();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(url, { method });
      assert.equal(res.status, 405, method);
      assert.equal(errorCode(await res.text()), 'MethodNotAllowed');
    }
    assert.equal((await fetch(`${baseUrl}/_blobs/${BUCKET}`)).status, 405);
    const elsewhere = await fetch(`${baseUrl}/api/documents`);
    assert.equal(elsewhere.status, 404);
    assert.equal(await elsewhere.text(), 'not a blob path');
    assert.equal((await fetch(`${baseUrl}/_blobsx/${BUCKET}`)).status, 404);
    assert.equal(await ctx.store.head(key).then((h) => h?.size), 3000, 'DELETE did not delete');
  });
});

describe('key validation and path traversal', () => {
  const badKeys = [
    '',
    '../x.pdf',
    'a/../../x.pdf',
    'a/./b.pdf',
    '.',
    '..',
    '/etc/passwd',
    'a//b.pdf',
    'a/',
    'a\\..\\b.pdf',
    'a\u0000b',
    'a\nb',
    'a\u007fb',
    '.khoso-tmp/x',
    'a/.khoso-meta-b.json',
  ];

  test('presign, head, read, write, copy and delete refuse unsafe keys', async () => {
    const ctx = await fresh();
    for (const key of badKeys) {
      const label = JSON.stringify(key);
      await assert.rejects(ctx.store.presignUpload(policy({ key })), RangeError, `presignUpload ${label}`);
      await assert.rejects(
        ctx.store.presignDownload({ key, fileName: 'x.pdf', contentType: PDF, expiresInSeconds: 60 }),
        RangeError,
        label,
      );
      await assert.rejects(ctx.store.write(key, bytes(10), PDF), RangeError, `write ${label}`);
      await assert.rejects(ctx.store.head(key), RangeError, `head ${label}`);
      await assert.rejects(ctx.store.read(key), RangeError, `read ${label}`);
      await assert.rejects(ctx.store.copy('ok.pdf', key), RangeError, `copy ${label}`);
      await assert.rejects(ctx.store.delete(key), RangeError, `delete ${label}`);
    }
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('the HTTP side refuses traversal even with a valid signature', async () => {
    const ctx = await fresh();
    // A file just outside the store that a traversal would reach.
    const outside = join(ctx.root, '..', 'secret.txt');
    await writeFile(outside, 'top secret');
    const expires = String(Math.floor(START.getTime() / 1000) + 300);
    const signFor = (key: string) =>
      createHmac('sha256', ctx.secret)
        .update(JSON.stringify(['GET', BUCKET, key, expires, '', '']))
        .digest('hex');
    const secretName = outside.slice(join(ctx.root, '..').length + 1);
    const attempts: Array<[rawKey: string, key: string]> = [
      [`..%2F${secretName}`, `../${secretName}`],
      [`a/..%2F..%2F${secretName}`, `a/../../${secretName}`],
      [`%2E%2E/${secretName}`, `../${secretName}`],
      [`a%5C..%5C${secretName}`, `a\\..\\${secretName}`],
    ];
    for (const [rawKey, key] of attempts) {
      const res = await rawRequest(
        'GET',
        `/_blobs/${BUCKET}/${rawKey}?X-Khoso-Expires=${expires}&X-Khoso-Signature=${signFor(key)}`,
      );
      assert.equal(res.status, 400, `${rawKey}: ${res.body}`);
      assert.equal(errorCode(res.body), 'InvalidArgument');
      assert.doesNotMatch(res.body, /top secret/);
    }
    // The same forged-signature route does serve a safe key, so the 400s above are the key check.
    await ctx.store.write('safe.txt', new TextEncoder().encode('fine'), 'text/plain');
    const ok = await rawRequest(
      'GET',
      `/_blobs/${BUCKET}/safe.txt?X-Khoso-Expires=${expires}&X-Khoso-Signature=${signFor('safe.txt')}`,
    );
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.body, 'fine');
    // Unencoded dot segments too (fetch would have normalised these away).
    const plain = await rawRequest('GET', `/_blobs/${BUCKET}/a/../../${secretName}`);
    assert.equal(plain.status, 400);
    assert.equal((await rawRequest('GET', `/_blobs/${BUCKET}/%E0%A4%A`)).status, 400);
  });

  test('a POST whose validly signed policy names a traversal key is refused and writes nothing', async () => {
    const ctx = await fresh();
    const key = '../escaped.pdf';
    const encoded = Buffer.from(
      JSON.stringify({
        expiration: new Date(START.getTime() + 300_000).toISOString(),
        conditions: [{ bucket: BUCKET }, { key }, { 'Content-Type': PDF }, ['content-length-range', 0, 1024]],
      }),
    ).toString('base64');
    const signature = createHmac('sha256', ctx.secret).update(encoded).digest('hex');
    const res = await post(`${baseUrl}/_blobs/${BUCKET}`, [
      ['key', key],
      ['Content-Type', PDF],
      ['policy', encoded],
      ['x-amz-algorithm', 'KHOSO-HMAC-SHA256'],
      ['x-amz-signature', signature],
      ['file', bytes(100)],
    ]);
    assert.equal(res.status, 400, res.body);
    assert.equal(errorCode(res.body), 'InvalidArgument');
    assert.deepEqual(await readdir(join(ctx.root, '..')).then((names) => names.filter((n) => n === 'escaped.pdf')), []);
    assert.deepEqual(await filesUnder(ctx.root), []);
  });
});

describe('server-side operations', () => {
  test('write, head, read, copy and delete', async () => {
    const ctx = await fresh();
    const source = 'citizens/c-1/hộ chiếu.jpg';
    const target = 'archive/c-1/hộ chiếu (bản sao).jpg';
    const first = bytes(64, 1);
    const second = bytes(80, 2);

    assert.equal(await ctx.store.head(source), undefined);
    await assert.rejects(ctx.store.read(source), { name: 'NoSuchKey' });
    await assert.rejects(ctx.store.copy(source, target), { name: 'NoSuchKey' });

    await ctx.store.write(source, first, 'image/jpeg');
    assert.deepEqual(await ctx.store.head(source), { size: 64, contentType: 'image/jpeg' });
    assert.deepEqual(await ctx.store.read(source), first);

    await ctx.store.write(source, second, 'image/png');
    assert.deepEqual(await ctx.store.head(source), { size: 80, contentType: 'image/png' });
    assert.deepEqual(await ctx.store.read(source), second);

    await ctx.store.copy(source, target);
    assert.deepEqual(await ctx.store.read(target), second);
    assert.deepEqual(await ctx.store.head(target), { size: 80, contentType: 'image/png' });

    await ctx.store.delete(source);
    assert.equal(await ctx.store.head(source), undefined);
    assert.deepEqual(await ctx.store.read(target), second, 'the copy is independent of its source');
    await ctx.store.delete(source); // deleting a missing object is fine

    await ctx.store.delete(target);
    assert.deepEqual(await filesUnder(ctx.root), []);
  });

  test('a folder-like prefix is not an object, and an emptied prefix frees the name', async () => {
    const ctx = await fresh();
    await ctx.store.write('a/b.pdf', bytes(10), PDF);
    assert.equal(await ctx.store.head('a'), undefined);
    await assert.rejects(ctx.store.read('a'), { name: 'NoSuchKey' });
    await ctx.store.delete('a');
    assert.equal((await ctx.store.head('a/b.pdf'))?.size, 10);
    await ctx.store.delete('a/b.pdf');
    await ctx.store.write('a', bytes(12), PDF);
    assert.equal((await ctx.store.head('a'))?.size, 12);
  });

  test('presign rejects bad policies', async () => {
    const ctx = await fresh();
    const cases: Array<Partial<UploadPolicy>> = [
      { minBytes: 10, maxBytes: 9 },
      { minBytes: -1 },
      { maxBytes: 1.5 },
      { expiresInSeconds: 0 },
      { expiresInSeconds: 8 * 24 * 3600 },
      { contentType: 'application/pdf\r\nX-Evil: 1' },
      { contentType: '' },
    ];
    for (const overrides of cases) {
      await assert.rejects(ctx.store.presignUpload(policy(overrides)), RangeError, JSON.stringify(overrides));
    }
    assert.throws(
      () =>
        createFsBlobStore({ rootDir: ctx.root, publicBaseUrl: baseUrl, signingSecret: randomBytes(8), bucket: BUCKET }),
      RangeError,
    );
  });
});
