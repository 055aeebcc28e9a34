import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import { PDFDocument } from 'pdf-lib';
import { createOnUploadHandler } from '../../../functions/digitize/handlers/on-upload.ts';
import { contentTypeOf, readFixture, type FixtureName } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import { startTestVault, type Folder, type TestVault, type Upload, type UploadTicket } from '../support/test-vault.ts';
import { folderDocuments } from '../support/vault-reads.ts';

let t: TestVault;
let token: string;
let onUpload: ReturnType<typeof createOnUploadHandler>;

before(async () => {
  t = await startTestVault();
  token = await t.token('citizen');
  onUpload = createOnUploadHandler(t.vault.deps);
});
after(async () => {
  await t.close();
});

async function newFolder(name: string): Promise<Folder> {
  const response = await t.api<Folder>('POST', '/v1/folders', { token, body: { name } });
  assert.equal(response.status, 201, response.text);
  return response.json;
}

async function requestUpload(
  fixture: FixtureName,
  body: Record<string, unknown> = {},
): Promise<{ ticket: UploadTicket; bytes: Uint8Array }> {
  const bytes = await readFixture(fixture);
  const response = await t.api<UploadTicket>('POST', '/v1/uploads', {
    token,
    body: { fileName: fixture, contentType: contentTypeOf(fixture), size: bytes.byteLength, ...body },
  });
  assert.equal(response.status, 201, response.text);
  return { ticket: response.json, bytes };
}

async function uploadStatus(uploadId: string): Promise<Upload> {
  const response = await t.api<Upload>('GET', `/v1/uploads/${uploadId}`, { token });
  assert.equal(response.status, 200, response.text);
  return response.json;
}

/** The S3 ObjectCreated event S3 (or the local store) sends for a key. */
function objectCreated(key: string, size: number): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'test' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'TEST', 'x-amz-id-2': 'TEST' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'test',
          bucket: {
            name: 'khoso-local-vault',
            ownerIdentity: { principalId: 'test' },
            arn: 'arn:aws:s3:::khoso-local-vault',
          },
          object: { key, size, eTag: 'etag', sequencer: '0' },
        },
      },
    ],
  };
}

const executionsOf = (uploadId: string) =>
  t.vault.workflow.stepFunctions.listExecutions('digitize').filter((execution) => execution.name === uploadId);

describe('upload status', () => {
  test('a requested upload is PENDING_UPLOAD with its declared facts, visible only to its owner', async () => {
    const { ticket, bytes } = await requestUpload('sample-scan.png');
    assert.match(ticket.uploadId, /^[0-9a-f-]{36}$/);
    assert.equal(ticket.status.status, 'PENDING_UPLOAD');
    assert.equal(ticket.status.declaredSize, bytes.byteLength);
    assert.equal(ticket.status.contentType, 'image/png');
    assert.equal(ticket.status.folderId, 'sys-self');
    assert.ok(Date.parse(ticket.upload.expiresAt) > Date.now());
    assert.match(ticket.upload.url, /^http:\/\/localhost:\d+\//);
    assert.ok(ticket.upload.fields.key && ticket.upload.fields.policy);
    assert.deepEqual(await uploadStatus(ticket.uploadId), ticket.status);
    assertProblem(
      await t.api('GET', `/v1/uploads/${ticket.uploadId}`, { token: await t.token('citizen2') }),
      404,
      'not-found',
    );
    assertProblem(
      await t.api('GET', `/v1/uploads/${ticket.uploadId}`, { token: await t.token('officer') }),
      404,
      'not-found',
    );
    assertProblem(await t.api('GET', `/v1/uploads/${randomUUID()}`, { token }), 404, 'not-found');
  });

  test('requests outside the policy are refused before any URL is handed out', async () => {
    const base = { fileName: 'scan.pdf', contentType: 'application/pdf', size: 1000 };
    const cases: [Record<string, unknown>, number, string][] = [
      // The published schema lists the scan types, so other types are refused as invalid requests.
      [{ contentType: 'text/html' }, 400, 'invalid-request'],
      [{ contentType: 'application/x-msdownload', fileName: 'scan.exe' }, 400, 'invalid-request'],
      [{ size: 20 * 1024 * 1024 + 1 }, 422, 'invalid-input'],
      [{ size: 0 }, 400, 'invalid-request'],
      [{ size: 1.5 }, 400, 'invalid-request'],
      [{ folderId: randomUUID() }, 404, 'not-found'],
    ];
    for (const [change, status, code] of cases) {
      assertProblem(
        await t.api('POST', '/v1/uploads', { token, body: { ...base, ...change } }),
        status,
        code,
        JSON.stringify(change),
      );
    }
    const ok = await t.api('POST', '/v1/uploads', { token, body: { ...base, size: 20 * 1024 * 1024 } });
    assert.equal(ok.status, 201, 'the default maximum (20 MB) itself is allowed');
  });
});

describe('duplicate object-created events', () => {
  test('the same event delivered three times at once starts one execution and files one document', async () => {
    const folder = await newFolder('Sự kiện trùng');
    const { ticket, bytes } = await requestUpload('sample-result.pdf', { folderId: folder.id });
    const key = ticket.upload.fields.key!;
    // The object lands without the store's own event; the test delivers the events itself.
    await t.vault.deps.blobs.write(key, bytes, 'application/pdf');
    const event = objectCreated(key, bytes.byteLength);
    await Promise.all([onUpload(event, {} as never), onUpload(event, {} as never), onUpload(event, {} as never)]);
    const upload = await t.waitForUpload(token, ticket.uploadId);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    assert.equal(executionsOf(ticket.uploadId).length, 1, 'one execution');
    const documents = await folderDocuments(t.api, token, folder.id);
    assert.deepEqual(
      documents.map((d) => d.id),
      [upload.documentId],
    );
    const versions = await t.api('GET', `/v1/documents/${upload.documentId}/versions`, { token });
    assert.equal(versions.json.items.length, 1);

    // A late duplicate, after filing, changes nothing either.
    await onUpload(event, {} as never);
    await t.vault.workflow.idle();
    assert.equal(executionsOf(ticket.uploadId).length, 1);
    assert.equal((await folderDocuments(t.api, token, folder.id)).length, 1);
    assert.deepEqual(await uploadStatus(ticket.uploadId), upload);
  });

  test('re-delivering the event of a real presigned POST while it is processed files one document', async () => {
    const folder = await newFolder('Sự kiện lặp');
    const { ticket, bytes } = await requestUpload('sample-scan.jpg', { folderId: folder.id });
    const posted = await t.postForm(ticket.upload, bytes);
    assert.equal(posted.status, 204, posted.text);
    const event = objectCreated(ticket.upload.fields.key!, bytes.byteLength);
    await Promise.all([onUpload(event, {} as never), onUpload(event, {} as never)]);
    const upload = await t.waitForUpload(token, ticket.uploadId);
    assert.equal(upload.status, 'DONE', upload.failureReason);
    assert.equal(executionsOf(ticket.uploadId).length, 1);
    assert.equal((await folderDocuments(t.api, token, folder.id)).length, 1);
    const history = await t.api('GET', `/v1/documents/${upload.documentId}/history`, { token });
    assert.equal(
      history.json.items.filter((e: { action: string }) => e.action === 'document.create').length,
      1,
      'filed (and audited) once',
    );
  });

  test('starting the workflow again after it finished is idempotent, as Step Functions is', async () => {
    // A duplicate event that read the upload as PROCESSING just before filing finished reaches
    // the starter after the execution ended; on AWS that is ExecutionAlreadyExists → alreadyStarted.
    const { upload, uploadId } = await t.uploadFile(token, 'sample-scan.png');
    assert.equal(upload.status, 'DONE', upload.failureReason);
    let outcome: unknown;
    try {
      outcome = await t.vault.deps.workflow.startDigitization({ uploadId });
    } catch (error) {
      outcome = `threw ${(error as Error).name}: ${(error as Error).message}`;
    }
    assert.deepEqual(outcome, { alreadyStarted: true });
    await t.vault.workflow.idle();
    assert.equal(executionsOf(uploadId).length, 1);
  });

  test('events for keys that are not uploads are ignored', async () => {
    const before = t.vault.workflow.stepFunctions.listExecutions('digitize').length;
    for (const key of [
      'incoming/not-an-upload',
      `incoming/${randomUUID()}`,
      'vault/079203001234/x/y',
      'elsewhere.pdf',
    ]) {
      await onUpload(objectCreated(key, 10), {} as never);
    }
    assert.equal(t.vault.workflow.stepFunctions.listExecutions('digitize').length, before);
  });
});

describe('files the workflow must reject', () => {
  const cases: { fixture: FixtureName; contentType?: string; reason: RegExp }[] = [
    { fixture: 'encrypted.pdf', reason: /password|encrypt/i },
    { fixture: 'truncated.pdf', reason: /damaged|incomplete|cannot be read/i },
    { fixture: 'bomb.png', reason: /too large|pixels/i },
    { fixture: 'not-a-pdf.pdf', reason: /declared as PDF/i },
    { fixture: 'sample-scan.png', contentType: 'image/jpeg', reason: /declared as JPEG.*PNG/i },
    { fixture: 'sample-scan.jpg', contentType: 'application/pdf', reason: /declared as PDF.*JPEG/i },
  ];
  for (const { fixture, contentType, reason } of cases) {
    test(`${fixture}${contentType ? ` declared as ${contentType}` : ''} fails with a clear reason and files nothing`, async () => {
      const folder = await newFolder(`Từ chối ${fixture} ${contentType ?? ''}`.trim().replace(/\//g, '-'));
      const trashBefore = (await t.api('GET', '/v1/trash', { token })).json;
      const { upload, uploadId } = await t.uploadFile(token, fixture, {
        folderId: folder.id,
        ...(contentType ? { contentType } : {}),
      });
      assert.equal(upload.status, 'FAILED');
      assert.match(upload.failureReason ?? '', reason);
      assert.doesNotMatch(
        upload.failureReason ?? '',
        /could not be processed; please try again/,
        'a specific reason, not the generic one',
      );
      assert.equal(upload.documentId, undefined);
      assert.deepEqual(await folderDocuments(t.api, token, folder.id), []);
      assertProblem(await t.api('GET', `/v1/documents/${uploadId}`, { token }), 404, 'not-found');
      assert.deepEqual((await t.api('GET', '/v1/trash', { token })).json, trashBefore);
      const [execution] = executionsOf(uploadId);
      assert.equal(execution?.status, 'FAILED', 'the execution ends in MarkFailed → Failed');
      assert.equal(await t.vault.deps.blobs.head(`incoming/${uploadId}`), undefined, 'the object left incoming/');
    });
  }

  /** Files made here: the bad inputs of issue 4 that no committed fixture holds. */
  const generated: { label: string; contentType: string; bytes: () => Promise<Uint8Array>; reason: RegExp }[] = [
    {
      label: 'a PDF with no page',
      contentType: 'application/pdf',
      reason: /no page|damaged|cannot be read/i,
      bytes: async () => (await PDFDocument.create()).save({ addDefaultPage: false }),
    },
    {
      label: 'a 10,000-page PDF',
      contentType: 'application/pdf',
      reason: /pages/i,
      bytes: async () => {
        const pdf = await PDFDocument.create();
        for (let page = 0; page < 10_000; page += 1) pdf.addPage([10, 10]);
        return pdf.save();
      },
    },
    {
      label: 'a ZIP archive declared as PDF',
      contentType: 'application/pdf',
      reason: /declared as PDF/i,
      bytes: async () =>
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...new TextEncoder().encode('word/document.xml')]),
    },
    {
      label: 'a PNG whose pixels are corrupt',
      contentType: 'image/png',
      reason: /could not be read|corrupt|unreadable/i,
      bytes: async () => {
        const png = await readFixture('sample-scan.png');
        const broken = new Uint8Array(png);
        broken.fill(0x42, 60, broken.length - 12);
        return broken;
      },
    },
  ];
  for (const { label, contentType, bytes, reason } of generated) {
    test(`${label} fails with a clear reason, files nothing, and leaves no worker hung`, async () => {
      const body = await bytes();
      const { upload, uploadId } = await t.uploadFile(token, 'sample-result.pdf', {
        contentType,
        bytes: body,
        size: body.length,
        fileName: 'scan.bin',
      });
      assert.equal(upload.status, 'FAILED', `${label}: ${JSON.stringify(upload)}`);
      assert.match(upload.failureReason ?? '', reason);
      assert.equal(upload.documentId, undefined);
      assert.equal(executionsOf(uploadId)[0]?.status, 'FAILED');
    });
  }

  test('the OCR worker still reads after the bad inputs', async () => {
    const { upload } = await t.uploadFile(token, 'sample-scan.png');
    assert.equal(upload.status, 'DONE', upload.failureReason);
  });

  test('a valid two-page TIFF passes the same checks', async () => {
    const { upload } = await t.uploadFile(token, 'sample-scan-2pages.tiff');
    assert.equal(upload.status, 'DONE', upload.failureReason);
  });
});

describe('presigned POST abuse', () => {
  /** The store must refuse the form, and the upload stays pending with nothing filed. */
  async function assertRefusedAndNothingFiled(
    posted: { status: number; text: string },
    uploadIds: string[],
    folderId: string,
    label: string,
  ) {
    assert.ok(posted.status >= 400 && posted.status < 500, `${label}: store answered ${posted.status} ${posted.text}`);
    assert.match(posted.text, /<Error><Code>\w+<\/Code>/, `${label}: an S3-style error`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.vault.workflow.idle();
    for (const id of uploadIds) {
      assert.equal((await uploadStatus(id)).status, 'PENDING_UPLOAD', `${label}: upload ${id} untouched`);
      assert.equal(executionsOf(id).length, 0, `${label}: no workflow for ${id}`);
    }
    assert.deepEqual(await folderDocuments(t.api, token, folderId), [], `${label}: nothing filed`);
  }

  let folder: Folder;
  before(async () => {
    folder = await newFolder('Lạm dụng URL');
  });

  test('a file larger than declared is refused', async () => {
    const { ticket, bytes } = await requestUpload('sample-result.pdf', { folderId: folder.id });
    const bigger = new Uint8Array(bytes.byteLength + 1);
    bigger.set(bytes);
    await assertRefusedAndNothingFiled(await t.postForm(ticket.upload, bigger), [ticket.uploadId], folder.id, 'larger');
  });

  test('a file smaller than declared is refused', async () => {
    const { ticket, bytes } = await requestUpload('sample-result.pdf', { folderId: folder.id });
    await assertRefusedAndNothingFiled(
      await t.postForm(ticket.upload, bytes.slice(0, -1)),
      [ticket.uploadId],
      folder.id,
      'smaller',
    );
  });

  test('a changed Content-Type field is refused', async () => {
    const { ticket, bytes } = await requestUpload('sample-result.pdf', { folderId: folder.id });
    for (const type of ['image/png', 'text/html', 'application/pdf; charset=utf-8']) {
      await assertRefusedAndNothingFiled(
        await t.postForm(ticket.upload, bytes, { fields: { 'Content-Type': type } }),
        [ticket.uploadId],
        folder.id,
        `Content-Type ${type}`,
      );
    }
    await assertRefusedAndNothingFiled(
      await t.postForm(ticket.upload, bytes, { fields: { 'Content-Type': undefined } }),
      [ticket.uploadId],
      folder.id,
      'no Content-Type',
    );
  });

  test("one upload's form pointed at another upload's key is refused", async () => {
    const a = await requestUpload('sample-result.pdf', { folderId: folder.id });
    const b = await requestUpload('sample-result.pdf', { folderId: folder.id });
    const posted = await t.postForm(a.ticket.upload, a.bytes, { fields: { key: b.ticket.upload.fields.key } });
    await assertRefusedAndNothingFiled(posted, [a.ticket.uploadId, b.ticket.uploadId], folder.id, 'key swap');
    assert.equal(
      await t.vault.deps.blobs.head(b.ticket.upload.fields.key!),
      undefined,
      "nothing was written under B's key",
    );
    const traversal = await t.postForm(a.ticket.upload, a.bytes, { fields: { key: '../../etc/passwd' } });
    await assertRefusedAndNothingFiled(traversal, [a.ticket.uploadId], folder.id, 'key traversal');
  });

  test('a forged signature, a missing policy, extra fields or the file before the fields are refused', async () => {
    const { ticket, bytes } = await requestUpload('sample-result.pdf', { folderId: folder.id });
    const signature = ticket.upload.fields['x-amz-signature']!;
    const forged = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    const cases: [string, Parameters<TestVault['postForm']>[2]][] = [
      ['forged signature', { fields: { 'x-amz-signature': forged } }],
      ['no policy', { fields: { policy: undefined } }],
      ['no signature', { fields: { 'x-amz-signature': undefined } }],
      ['extra field', { fields: { 'x-amz-meta-owner': '001099012345' } }],
    ];
    for (const [label, options] of cases) {
      await assertRefusedAndNothingFiled(
        await t.postForm(ticket.upload, bytes, options),
        [ticket.uploadId],
        folder.id,
        label,
      );
    }
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'scan.pdf');
    for (const [name, value] of Object.entries(ticket.upload.fields)) form.append(name, value);
    const fileFirst = await fetch(ticket.upload.url, { method: 'POST', body: form });
    await assertRefusedAndNothingFiled(
      { status: fileFirst.status, text: await fileFirst.text() },
      [ticket.uploadId],
      folder.id,
      'file first',
    );
  });

  // S3 cannot make a presigned POST single-use, so the store may accept the bytes (as S3 does
  // until the URL expires); what matters is that nothing is filed and no object is left behind.
  test('reusing a presigned POST after its upload completed files nothing and leaves no object', async () => {
    const reuseFolder = await newFolder('Dùng lại URL');
    const { upload, ticket, bytes } = await t.uploadFile(token, 'sample-scan.png', { folderId: reuseFolder.id });
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const posted = await t.postForm(ticket.upload, bytes);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.vault.workflow.idle();
    // Whatever the store answers, the vault must not change.
    assert.deepEqual(
      (await folderDocuments(t.api, token, reuseFolder.id)).map((d) => d.id),
      [upload.documentId],
    );
    assert.deepEqual(await uploadStatus(ticket.uploadId), upload);
    assert.equal(executionsOf(ticket.uploadId).length, 1);
    assert.equal((await t.api('GET', `/v1/documents/${upload.documentId}/versions`, { token })).json.items.length, 1);
    const orphan = await t.vault.deps.blobs.head(ticket.upload.fields.key!);
    assert.ok([204, 403].includes(posted.status), `store answered ${posted.status}`);
    assert.equal(orphan, undefined, 'a used upload URL must leave no object behind');
  });
});
