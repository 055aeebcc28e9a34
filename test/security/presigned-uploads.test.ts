import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFixture } from '../integration/support/fixtures.ts';
import { assertProblem } from '../integration/support/http-client.ts';
import type { UploadTicket } from '../integration/support/test-vault.ts';
import { expectEach, eventually, ownerA, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Abuse of the presigned POST (uploads) and GET (downloads) URLs. The object store answers
 * in S3's XML; what matters is that it refuses, stores nothing, files nothing, and that the
 * vault API refuses requests for uploads it must not hand out.
 */
let w: SecurityWorld;
let pdf: Uint8Array;

before(async () => {
  w = await startWorld({ signature: false });
  pdf = await readFixture('sample-result.pdf');
});
after(async () => {
  await w?.t.close();
});

async function ticketFor(token: string, body: Record<string, unknown> = {}): Promise<UploadTicket> {
  const response = await w.t.api<UploadTicket>('POST', '/v1/uploads', {
    token,
    body: { fileName: 'scan.pdf', contentType: 'application/pdf', size: pdf.byteLength, ...body },
  });
  assert.equal(response.status, 201, response.text);
  return response.json;
}

/**
 * The store's refusal: an S3 error with the given code; the upload is still pending and nothing is stored under the
 * key.
 */
async function assertStoreRefused(posted: { status: number; text: string }, code: RegExp, tickets: UploadTicket[]) {
  assert.ok(posted.status >= 400 && posted.status < 500, `store answered ${posted.status} ${posted.text}`);
  assert.match(posted.text, new RegExp(`<Error><Code>${code.source}</Code>`), posted.text);
  await w.t.vault.workflow.idle();
  for (const ticket of tickets) {
    assert.equal((await w.t.vault.deps.repository.getUpload(ticket.uploadId))?.status, 'PENDING_UPLOAD');
    assert.equal(await w.t.vault.deps.blobs.head(ticket.upload.fields.key!), undefined, 'nothing stored under the key');
  }
}

describe('presigned POST abuse', () => {
  test('wrong content type: a PDF ticket used to send text/html', async () => {
    const ticket = await ticketFor(w.a, { folderId: w.ids.folder });
    await unchanged(w, async () => {
      const html = new TextEncoder().encode('<html><script>alert(1)</script></html>'.padEnd(pdf.byteLength, ' '));
      await assertStoreRefused(
        await w.t.postForm(ticket.upload, html, {
          fields: { 'Content-Type': 'text/html' },
          fileContentType: 'text/html',
        }),
        /AccessDenied/,
        [ticket],
      );
    });
  });

  test('larger than declared: one byte more, and 5 MB more, are cut off', async () => {
    const ticket = await ticketFor(w.a, { folderId: w.ids.folder });
    await unchanged(w, async () => {
      const plusOne = new Uint8Array(pdf.byteLength + 1);
      plusOne.set(pdf);
      await assertStoreRefused(await w.t.postForm(ticket.upload, plusOne), /EntityTooLarge/, [ticket]);
      const huge = new Uint8Array(pdf.byteLength + 5 * 1024 * 1024);
      await assertStoreRefused(await w.t.postForm(ticket.upload, huge), /EntityTooLarge/, [ticket]);
    });
  });

  test('a forged policy widening the size range, with the original signature, is refused', async () => {
    const ticket = await ticketFor(w.a, { folderId: w.ids.folder });
    const policy = JSON.parse(Buffer.from(ticket.upload.fields.policy!, 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    policy.conditions = policy.conditions.map((condition) =>
      Array.isArray(condition) && condition[0] === 'content-length-range'
        ? ['content-length-range', 1, 1e9]
        : condition,
    );
    const widened = Buffer.from(JSON.stringify(policy)).toString('base64');
    await unchanged(w, async () => {
      const big = new Uint8Array(pdf.byteLength * 2);
      await assertStoreRefused(
        await w.t.postForm(ticket.upload, big, { fields: { policy: widened } }),
        /AccessDenied/,
        [ticket],
      );
    });
  });

  test("upload to another key: B's ticket aimed at A's pending upload, at A's vault, or outside incoming/", async () => {
    const victim = await ticketFor(w.a, { folderId: w.ids.folder });
    const attacker = await ticketFor(w.b);
    const versionKeys = [
      `vault/${ownerA}/${w.ids.document}/${w.ids.upload}`,
      `incoming/${victim.uploadId}`,
      'incoming/../vault/x',
      `quarantine/${victim.uploadId}`,
    ];
    await unchanged(w, async () => {
      for (const key of versionKeys) {
        const posted = await w.t.postForm(attacker.upload, pdf, { fields: { key } });
        await assertStoreRefused(posted, /AccessDenied|InvalidArgument/, [victim, attacker]);
      }
    });
    // A's filed bytes are intact.
    const stored = await w.t.vault.deps.blobs.read(`vault/${ownerA}/${w.ids.document}/${w.ids.upload}`);
    assert.deepEqual(Buffer.from(stored), Buffer.from(pdf));
  });

  test('reuse after completion: posting again files nothing, changes no version, and leaves no object', async () => {
    const outcome = await w.t.uploadFile(w.a, 'sample-result.pdf', { folderId: w.ids.subfolder });
    assert.equal(outcome.upload.status, 'DONE', outcome.upload.failureReason);
    const documentId = outcome.upload.documentId!;
    const versionsBefore = await w.t.vault.deps.repository.listVersions(ownerA, documentId);
    await unchanged(w, async () => {
      const replaced = new TextEncoder().encode('%PDF-1.7 forged'.padEnd(outcome.bytes.byteLength, ' '));
      const posted = await w.t.postForm(outcome.ticket.upload, replaced);
      // S3 cannot make a presigned POST single-use: the store may take the bytes, the vault must drop them.
      assert.ok(
        posted.status === 204 || (posted.status >= 400 && posted.status < 500),
        `${posted.status} ${posted.text}`,
      );
      await eventually('the reposted object to be removed', async () =>
        (await w.t.vault.deps.blobs.head(outcome.ticket.upload.fields.key!)) === undefined ? true : undefined,
      );
      await w.t.vault.workflow.idle();
    });
    assert.deepEqual(await w.t.vault.deps.repository.listVersions(ownerA, documentId), versionsBefore);
    const upload = await w.t.vault.deps.repository.getUpload(outcome.uploadId);
    assert.equal(upload?.status, 'DONE');
    assert.equal(upload?.documentId, documentId);
  });

  test('content that lies about its type (HTML declared as PNG, exact size) fails and files nothing', async () => {
    const html = new TextEncoder().encode(`<!doctype html><script>fetch('/v1/folders')</script>${' '.repeat(200)}`);
    const outcome = await w.t.uploadFile(w.a, 'sample-scan.png', {
      bytes: html,
      contentType: 'image/png',
      fileName: 'anh.png',
      folderId: w.ids.subfolder,
    });
    assert.equal(outcome.upload.status, 'FAILED');
    assert.ok(outcome.upload.failureReason, 'a reason');
    assert.equal(outcome.upload.documentId, undefined);
    assert.equal(
      await w.t.vault.deps.blobs.head(`incoming/${outcome.uploadId}`),
      undefined,
      'not left where it could be filed',
    );
  });

  test('the API refuses to presign types that could run in a browser, and sizes outside the policy', async () => {
    await unchanged(w, async () => {
      await expectEach(
        w.t,
        [
          'text/html',
          'image/svg+xml',
          'application/x-msdownload',
          'application/javascript',
          'application/pdf; charset=utf-8',
          'APPLICATION/PDF',
        ].map((contentType) => ({
          method: 'POST',
          path: '/v1/uploads',
          options: { token: w.a, body: { fileName: 'x.pdf', contentType, size: 100 } },
        })),
        // The published schema lists the scan types, so anything else is an invalid request.
        400,
        'invalid-request',
      );
      // So is an empty content type.
      assertProblem(
        await w.t.api('POST', '/v1/uploads', { token: w.a, body: { fileName: 'x.pdf', contentType: '', size: 100 } }),
        400,
        'invalid-request',
      );
      const sized = (size: number) => ({
        method: 'POST',
        path: '/v1/uploads',
        options: { token: w.a, body: { fileName: 'x.pdf', contentType: 'application/pdf', size } },
      });
      await expectEach(w.t, [0, -1].map(sized), 400, 'invalid-request');
      await expectEach(w.t, [20 * 1024 * 1024 + 1].map(sized), 422, 'invalid-input');
    });
  });
});

describe('presigned GET abuse', () => {
  async function downloadUrl(): Promise<URL> {
    const redirect = await w.t.api('GET', `/v1/documents/${w.ids.document}/content`, { token: w.a });
    assert.equal(redirect.status, 302, redirect.text);
    return new URL(redirect.headers.get('location')!);
  }

  test("a download URL re-aimed at another owner's object, re-typed as HTML, or extended is refused", async () => {
    const url = await downloadUrl();
    const ok = await fetch(url);
    assert.equal(ok.status, 200, 'control: the URL as given works');
    await ok.arrayBuffer();
    const variants: [string, URL][] = [];
    const [otherVersion] = await w.t.vault.deps.repository.listVersions('001099012345', w.ids.otherDocument);
    assert.ok(otherVersion?.blobKey.startsWith('vault/001099012345/'), "B's real object");
    assert.ok(await w.t.vault.deps.blobs.head(otherVersion!.blobKey), 'it exists');
    const other = new URL(url);
    other.pathname = url.pathname.replace(/vault\/.*$/, otherVersion!.blobKey);
    variants.push(["another owner's key", other]);
    const html = new URL(url);
    html.searchParams.set('X-Khoso-Content-Type', 'text/html');
    variants.push(['content type html', html]);
    const later = new URL(url);
    later.searchParams.set('X-Khoso-Expires', String(Number(url.searchParams.get('X-Khoso-Expires')) + 86_400));
    variants.push(['expiry extended', later]);
    const inline = new URL(url);
    inline.searchParams.set('X-Khoso-Disposition', 'inline');
    variants.push(['inline disposition', inline]);
    const twice = new URL(url);
    twice.searchParams.append('X-Khoso-Signature', 'a'.repeat(64));
    variants.push(['a second signature', twice]);
    for (const [label, variant] of variants) {
      const response = await fetch(variant);
      const body = await response.text();
      assert.equal(response.status, 403, `${label}: ${response.status} ${body}`);
      assert.match(body, /<Code>AccessDenied<\/Code>/, label);
    }
  });
});
