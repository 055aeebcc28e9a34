import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { attachmentDisposition } from '../../../functions/platform/adapters/attachment-disposition.ts';
import { copySource, createS3BlobStore } from '../../../functions/platform/adapters/s3-blob-store.ts';

const BUCKET = 'khoso-documents';
const ENDPOINT = 'http://127.0.0.1:4566';

interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

type Reply = { statusCode: number; headers?: Record<string, string>; body?: string };

/**
 * A real S3Client whose transport is a stub: requests are serialised and signed exactly as
 * for AWS, recorded, and answered locally, so nothing goes on the network.
 */
function client(reply: (request: SeenRequest) => Reply = () => ({ statusCode: 200 })) {
  const seen: SeenRequest[] = [];
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDKHOSOTEST', secretAccessKey: 'khoso-test-secret' },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: SeenRequest) {
        seen.push({ method: request.method, path: request.path, headers: { ...request.headers } });
        const { statusCode, headers = {}, body = '' } = reply(request);
        return { response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) } };
      },
    },
  });
  return { s3, seen, store: createS3BlobStore({ s3, bucket: BUCKET }) };
}

function decodePolicy(encoded: string | undefined): { expiration: string; conditions: unknown[] } {
  assert.ok(encoded, 'the form has a Policy field');
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
}

describe('presigned POST', () => {
  const key = 'citizens/c-1/uploads/giấy khai sinh.pdf';

  test('fields and policy pin the key, the content type and the size range', async () => {
    const { store, seen } = client();
    const before = Date.now();
    const upload = await store.presignUpload({
      key,
      contentType: 'application/pdf',
      minBytes: 1,
      maxBytes: 5_242_880,
      expiresInSeconds: 300,
    });

    assert.equal(upload.url, `${ENDPOINT}/${BUCKET}`);
    assert.equal(upload.fields['key'], key);
    assert.equal(upload.fields['Content-Type'], 'application/pdf');
    assert.equal(upload.fields['bucket'], BUCKET);
    assert.equal(upload.fields['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.match(upload.fields['X-Amz-Credential'] ?? '', /^AKIDKHOSOTEST\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    assert.match(upload.fields['X-Amz-Signature'] ?? '', /^[0-9a-f]{64}$/);

    const policy = decodePolicy(upload.fields['Policy']);
    const has = (condition: unknown) => policy.conditions.some((c) => JSON.stringify(c) === JSON.stringify(condition));
    assert.ok(has(['content-length-range', 1, 5_242_880]), JSON.stringify(policy.conditions));
    assert.ok(has(['eq', '$Content-Type', 'application/pdf']), JSON.stringify(policy.conditions));
    assert.ok(has(['eq', '$key', key]), JSON.stringify(policy.conditions));
    assert.ok(has({ key }), JSON.stringify(policy.conditions));
    assert.ok(has({ bucket: BUCKET }), JSON.stringify(policy.conditions));
    assert.equal(
      policy.conditions.filter((c) => Array.isArray(c) && c[0] === 'starts-with').length,
      0,
      'no prefix conditions',
    );

    assert.equal(upload.expiresAt, policy.expiration);
    const expiresAt = Date.parse(upload.expiresAt);
    assert.ok(
      expiresAt >= Math.floor(before / 1000) * 1000 + 300_000 && expiresAt <= Date.now() + 300_000,
      upload.expiresAt,
    );
    assert.equal(seen.length, 0, 'presigning makes no requests');
  });

  test('unusable policies are refused before signing', async () => {
    const { store } = client();
    const base = { key, contentType: 'application/pdf', minBytes: 1, maxBytes: 100, expiresInSeconds: 300 };
    for (const overrides of [
      { minBytes: 101 },
      { minBytes: -1 },
      { expiresInSeconds: 0 },
      { expiresInSeconds: 604_801 },
      { key: '' },
      { key: 'citizens/c-1/${filename}' },
      { contentType: 'application/pdf\r\nx-amz-acl: public-read' },
    ]) {
      await assert.rejects(store.presignUpload({ ...base, ...overrides }), RangeError, JSON.stringify(overrides));
    }
  });
});

describe('presigned GET', () => {
  test('the URL expires as asked and downloads as a named attachment', async () => {
    const { store, seen } = client();
    const key = 'citizens/c-1/documents/đăng ký kết hôn.pdf';
    const fileName = 'Đăng ký kết hôn (bản sao).pdf';
    const url = new URL(
      await store.presignDownload({ key, fileName, contentType: 'application/pdf', expiresInSeconds: 300 }),
    );

    assert.equal(url.origin, ENDPOINT);
    assert.equal(decodeURIComponent(url.pathname), `/${BUCKET}/${key}`);
    const q = url.searchParams;
    assert.equal(q.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    const expires = Number(q.get('X-Amz-Expires'));
    assert.ok(expires > 0 && expires <= 300, `X-Amz-Expires=${q.get('X-Amz-Expires')}`);
    assert.match(q.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(q.get('response-content-type'), 'application/pdf');

    const disposition = q.get('response-content-disposition') ?? '';
    assert.equal(disposition, attachmentDisposition(fileName));
    assert.match(disposition, /^attachment; filename="Dang ky ket hon \(ban sao\)\.pdf"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(disposition.split("filename*=UTF-8''")[1] ?? ''), fileName);
    assert.equal(seen.length, 0, 'presigning makes no requests');
  });

  test('a longer expiry is carried through', async () => {
    const { store } = client();
    const url = new URL(
      await store.presignDownload({
        key: 'a.pdf',
        fileName: 'a.pdf',
        contentType: 'application/pdf',
        expiresInSeconds: 900,
      }),
    );
    assert.equal(url.searchParams.get('X-Amz-Expires'), '900');
  });
});

describe('Content-Disposition', () => {
  test('RFC 5987 filename* keeps the Vietnamese name and an ASCII fallback', () => {
    assert.equal(
      attachmentDisposition('Giấy khai sinh (bản sao).pdf'),
      `attachment; filename="Giay khai sinh (ban sao).pdf"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh%20%28b%E1%BA%A3n%20sao%29.pdf`,
    );
    assert.equal(
      attachmentDisposition('Đơn "x";\\y.pdf'),
      `attachment; filename="Don _x___y.pdf"; filename*=UTF-8''%C4%90%C6%A1n%20%22x%22%3B_y.pdf`,
    );
    // Decomposed input (as some macOS files have) gives the same header as composed.
    assert.equal(attachmentDisposition('Hộ chiếu.pdf'.normalize('NFD')), attachmentDisposition('Hộ chiếu.pdf'));
  });
});

describe('server-side operations', () => {
  test('head maps NotFound to undefined and reads size and type', async () => {
    const missing = client(() => ({ statusCode: 404 }));
    assert.equal(await missing.store.head('citizens/c-1/none.pdf'), undefined);
    assert.equal(missing.seen[0]?.method, 'HEAD');
    assert.equal(missing.seen[0]?.path, `/${BUCKET}/citizens/c-1/none.pdf`);

    const present = client(() => ({
      statusCode: 200,
      headers: { 'content-length': '1234', 'content-type': 'image/jpeg' },
    }));
    assert.deepEqual(await present.store.head('citizens/c-1/a.jpg'), { size: 1234, contentType: 'image/jpeg' });

    const denied = client(() => ({ statusCode: 403 }));
    await assert.rejects(denied.store.head('citizens/c-1/a.jpg'), (error: Error) => error.name !== 'NotFound');
  });

  test('read returns the bytes and write sends them with the content type', async () => {
    const { store, seen } = client((request) =>
      request.method === 'GET'
        ? { statusCode: 200, headers: { 'content-length': '5' }, body: 'hello' }
        : { statusCode: 200 },
    );
    assert.deepEqual(await store.read('citizens/c-1/a.txt'), new TextEncoder().encode('hello'));
    await store.write('citizens/c-1/b.pdf', new Uint8Array([1, 2, 3]), 'application/pdf');
    const put = seen[1];
    assert.equal(put?.method, 'PUT');
    assert.equal(put?.path, `/${BUCKET}/citizens/c-1/b.pdf`);
    assert.equal(put?.headers['content-type'], 'application/pdf');
    assert.equal(put?.headers['content-length'], '3');
  });

  test('copy URL-encodes CopySource and delete issues DELETE', async () => {
    const { store, seen } = client((request) =>
      request.method === 'PUT'
        ? { statusCode: 200, body: '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>' }
        : { statusCode: 204 },
    );
    await store.copy('citizens/c-1/giấy tờ+1 (a).pdf', 'archive/c-1/x.pdf');
    assert.equal(seen[0]?.method, 'PUT');
    assert.equal(seen[0]?.path, `/${BUCKET}/archive/c-1/x.pdf`);
    assert.equal(
      seen[0]?.headers['x-amz-copy-source'],
      `${BUCKET}/citizens/c-1/gi%E1%BA%A5y%20t%E1%BB%9D%2B1%20(a).pdf`,
    );
    assert.equal(decodeURIComponent(copySource(BUCKET, 'a/b c/đ.pdf')), `${BUCKET}/a/b c/đ.pdf`);

    await store.delete('citizens/c-1/old.pdf');
    assert.equal(seen[1]?.method, 'DELETE');
    assert.equal(seen[1]?.path, `/${BUCKET}/citizens/c-1/old.pdf`);
  });
});
