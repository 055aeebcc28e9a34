import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../../functions/pdf-pki/development-ca.ts';
import { sendToVettedAddress } from '../../../functions/sync/adapters/webhook-http.ts';

interface Seen {
  host: string | undefined;
  body: string;
}

/** A loopback server that answers `answer(req)` and keeps the Host header and body of each call. */
async function loopbackServer(answer: (req: IncomingMessage) => [number, Record<string, string>?]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ host: req.headers.host, body: Buffer.concat(chunks).toString('utf8') });
      const [status, headers] = answer(req);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const delivery = { headers: { 'content-type': 'application/json' }, body: '{"id":"x"}', timeoutMs: 2_000 };

describe('a delivery connects to the vetted address, never a fresh resolution', () => {
  test('a name that resolves nowhere reaches the vetted address, the Host header still the name', async () => {
    const server = await loopbackServer(() => [204]);
    try {
      // `.invalid` never resolves (RFC 6761): only the pinned address can have been used.
      const url = new URL(`http://hook.invalid:${server.port}/hook`);
      const status = await sendToVettedAddress({ ...delivery, url, addresses: ['127.0.0.1'] });
      assert.equal(status, 204);
      assert.deepEqual(server.seen, [{ host: `hook.invalid:${server.port}`, body: delivery.body }]);
    } finally {
      await server.close();
    }
  });

  test('a redirect is the answer, not followed: the place it points to is never called', async () => {
    const elsewhere = await loopbackServer(() => [204]);
    const redirecting = await loopbackServer(() => [
      307,
      { location: `http://127.0.0.1:${elsewhere.port}/latest/meta-data/` },
    ]);
    try {
      const url = new URL(`http://hook.invalid:${redirecting.port}/hook`);
      assert.equal(await sendToVettedAddress({ ...delivery, url, addresses: ['127.0.0.1'] }), 307);
      assert.equal(redirecting.seen.length, 1);
      assert.equal(elsewhere.seen.length, 0);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  test('a receiver that never answers fails the delivery at the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      await assert.rejects(
        sendToVettedAddress({
          ...delivery,
          timeoutMs: 300,
          url: new URL(`http://hook.invalid:${port}/`),
          addresses: ['127.0.0.1'],
        }),
      );
      assert.ok(Date.now() - started < 2_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('over HTTPS the certificate is checked against the name, not the pinned address', () => {
  const run = promisify(execFile);
  let dir: string;
  let rootFile: string;
  let port: number;
  let server: ReturnType<typeof createTlsServer>;
  const serverNames: (string | false | null)[] = [];

  before(async () => {
    const root = await createRootCa({ commonName: 'khoso webhook test root', validDays: 2 });
    const leaf = await issueCertificate({ issuer: root, commonName: 'hook.example.vn', validDays: 1 });
    dir = await mkdtemp(join(tmpdir(), 'khoso-webhook-tls-'));
    rootFile = join(dir, 'root.pem');
    await writeFile(rootFile, toPem(root.certificate));
    const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(leaf.privateKeyPkcs8).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    server = createTlsServer({ key, cert: toPem(leaf.certificate) }, (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    server.on('secureConnection', (socket: TLSSocket) => serverNames.push(socket.servername));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends from a child process that trusts the test root (the only way to add a trust anchor in Node 20). */
  async function sendTrusting(name: string): Promise<string> {
    const sender = new URL('../../../functions/sync/adapters/webhook-http.ts', import.meta.url).href;
    const script = `
      const { sendToVettedAddress } = await import(${JSON.stringify(sender)});
      try {
        const status = await sendToVettedAddress({
          url: new URL(${JSON.stringify(`https://${name}:${port}/hook`)}),
          addresses: ['127.0.0.1'], headers: {}, body: '{}', timeoutMs: 5000,
        });
        console.log('status ' + status);
      } catch (error) {
        console.log('error ' + (error.code ?? error.message));
      }`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: rootFile },
    });
    return stdout.trim();
  }

  test("the certificate's name matches: delivered, and the server saw the name as SNI", async () => {
    assert.equal(await sendTrusting('hook.example.vn'), 'status 204');
    assert.equal(serverNames.at(-1), 'hook.example.vn');
  });

  test('a trusted certificate for another name is refused, though the address is the same', async () => {
    assert.equal(await sendTrusting('other.example.vn'), 'error ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
