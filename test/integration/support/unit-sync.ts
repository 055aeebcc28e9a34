import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';
import { readFixture } from './fixtures.ts';
import { personas, startTestVault, type TestVault, type UploadTicket } from './test-vault.ts';

/** A unit system's token from the embedded runtime. */
export async function systemToken(vault: TestVault, clientId: string, unit: string, scopes: string[]) {
  const response = await vault.api<{ accessToken: string }>('POST', '/_local/token', {
    body: { sub: clientId, role: 'system', clientId, unit, scopes },
  });
  assert.equal(response.status, 200, response.text);
  return response.json.accessToken;
}

/**
 * A vault where unit A08's issued results are shared with unit C06's system (never pushed), with
 * C06's reader token (`sync:read`) and A08's business-system token (`results:write`).
 */
export async function startSharingVault(unitSync: NonNullable<Parameters<typeof startTestVault>[0]>['unitSync']) {
  const vault = await startTestVault({ unitSync });
  const put = await vault.api('PUT', '/v1/admin/sync/policies/A08/*', {
    token: await vault.token('admin'),
    body: { push: 'never', shareWith: ['C06'], retention: 'keep' },
  });
  assert.equal(put.status, 200, put.text);
  const reader = await systemToken(vault, 'c06-unit-system', 'C06', ['sync:read']);
  const a08 = await systemToken(vault, 'a08-business-system', 'A08', ['results:write', 'results:read']);
  return { vault, reader, a08 };
}

/**
 * Files an issued result through the intake API as a business system of `token`'s unit and
 * waits until it is filed; answers the result id and the document id.
 */
export async function fileIssuedResult(vault: TestVault, token: string, number: string, resultType = 'KQ.G15.000031') {
  const document = await PDFDocument.load(await readFixture('sample-result.pdf'));
  document.setSubject(`${resultType} ${number}`);
  const bytes = new Uint8Array(await document.save());
  const response = await vault.api<{ resultId: string; upload: UploadTicket['upload'] }>(
    'POST',
    '/v1/integration/results',
    {
      token,
      body: {
        ownerId: personas.citizen.ownerId,
        resultType,
        number,
        issuer: { code: '000.00.01.H22', name: 'Phòng Cảnh sát quản lý hành chính' },
        procedureCode: '1.000046',
        caseNumber: `000.00.01.H22-241203-${number.replace(/\D/g, '').padStart(4, '0')}`,
        issueDate: '2024-12-03',
        file: {
          contentType: 'application/pdf',
          size: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        },
      },
    },
  );
  assert.equal(response.status, 201, response.text);
  const posted = await vault.postForm(response.json.upload, bytes);
  assert.equal(posted.status, 204, posted.text);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await vault.api<{ state: string; documentId?: string }>(
      'GET',
      `/v1/integration/results/${response.json.resultId}`,
      { token },
    );
    if (status.json.state === 'DONE') return { resultId: response.json.resultId, documentId: status.json.documentId! };
    assert.notEqual(status.json.state, 'FAILED', status.text);
    assert.ok(Date.now() < deadline, `result still ${status.json.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ReceivedCall {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on loopback that answers `status()` to each call and keeps what it received. */
export async function startReceiver(status: () => number = () => 204) {
  const calls: ReceivedCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
