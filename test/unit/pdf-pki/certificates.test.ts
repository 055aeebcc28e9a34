import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import {
  certificatePublicKey,
  checkCertificateChain,
  describeCertificate,
  InvalidCertificateError,
  parseCertificates,
  toPem,
} from '../../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate, type IssuedCredential } from '../../../functions/pdf-pki/development-ca.ts';

describe('certificates', () => {
  let root: IssuedCredential;
  let leaf: IssuedCredential;
  before(async () => {
    root = await createRootCa({ commonName: 'Khoso Test Root', organization: 'Bộ Công an' });
    leaf = await issueCertificate({
      issuer: root,
      commonName: 'Nguyễn Văn A',
      organization: 'Công an tỉnh Hà Nội',
      subjectSerialNumber: 'CCCD:001234567890',
    });
  });

  test('a PEM bundle parses to its certificates, in order', () => {
    const bundle = `# agency chain\n${toPem(leaf.certificate)}\n${toPem(root.certificate)}`;
    assert.deepEqual(parseCertificates(bundle), [leaf.certificate, root.certificate]);
  });

  test('a single base64 DER certificate parses', () => {
    const base64 = Buffer.from(leaf.certificate)
      .toString('base64')
      .replace(/(.{60})/g, '$1\n');
    assert.deepEqual(parseCertificates(base64), [leaf.certificate]);
  });

  test('garbage and non-certificates are refused with InvalidCertificateError', () => {
    assert.throws(() => parseCertificates('not a certificate!'), InvalidCertificateError);
    assert.throws(() => parseCertificates(Buffer.from('hello world').toString('base64')), InvalidCertificateError);
    assert.throws(
      () => parseCertificates('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
      InvalidCertificateError,
    );
    assert.throws(() => parseCertificates(''), InvalidCertificateError);
  });

  test('the summary agrees with what Node reads from the certificate, Vietnamese names intact', () => {
    const summary = describeCertificate(leaf.certificate);
    const node = new X509Certificate(leaf.certificate);
    assert.equal(summary.subject, 'CN=Nguyễn Văn A, O=Công an tỉnh Hà Nội, serialNumber=CCCD:001234567890');
    assert.equal(summary.issuer, 'CN=Khoso Test Root, O=Bộ Công an');
    assert.equal(summary.serialNumber, node.serialNumber.toLowerCase());
    assert.equal(summary.notBefore, new Date(node.validFrom).toISOString());
    assert.equal(summary.notAfter, new Date(node.validTo).toISOString());
    assert.equal(summary.sha256, createHash('sha256').update(leaf.certificate).digest('hex'));
  });

  test('the public key is the certificate SubjectPublicKeyInfo', () => {
    const expected = new X509Certificate(leaf.certificate).publicKey.export({ type: 'spki', format: 'der' });
    assert.deepEqual(Buffer.from(certificatePublicKey(leaf.certificate)), expected);
  });

  test('a leaf issued by the anchor is trusted and valid now', async () => {
    for (const chain of [[leaf.certificate], [leaf.certificate, root.certificate]]) {
      const check = await checkCertificateChain({ chain, trustAnchors: [root.certificate], at: new Date() });
      assert.equal(check.trusted, true);
      assert.equal(check.validAtTime, true);
      assert.equal(check.reason, undefined);
      assert.equal(check.anchor?.subject, 'CN=Khoso Test Root, O=Bộ Công an');
    }
  });

  test('a chain to another root is not trusted', async () => {
    const otherRoot = await createRootCa({ commonName: 'Some Other Root' });
    const check = await checkCertificateChain({
      chain: [leaf.certificate, root.certificate],
      trustAnchors: [otherRoot.certificate],
      at: new Date(),
    });
    assert.equal(check.trusted, false);
    assert.equal(check.validAtTime, true);
    assert.match(check.reason ?? '', /trusted root/);
    assert.equal(check.anchor, undefined);
  });

  test('a root with the same name but another key does not vouch for the leaf', async () => {
    const impostor = await createRootCa({ commonName: 'Khoso Test Root', organization: 'Bộ Công an' });
    const forged = await issueCertificate({ issuer: impostor, commonName: 'Nguyễn Văn A' });
    const check = await checkCertificateChain({
      chain: [forged.certificate],
      trustAnchors: [root.certificate],
      at: new Date(),
    });
    assert.equal(check.trusted, false);
  });

  test('an expired leaf is trusted but not valid now, and valid at a time inside its validity', async () => {
    const oldRoot = await createRootCa({ commonName: 'Khoso 2023 Root', validFrom: new Date('2023-01-01T00:00:00Z') });
    const expired = await issueCertificate({
      issuer: oldRoot,
      commonName: 'Old Signer',
      validFrom: new Date('2024-01-01T00:00:00Z'),
      validDays: 30,
    });
    const input = { chain: [expired.certificate], trustAnchors: [oldRoot.certificate] };
    const now = await checkCertificateChain({ ...input, at: new Date() });
    assert.equal(now.trusted, true);
    assert.equal(now.validAtTime, false);
    assert.match(now.reason ?? '', /"CN=Old Signer" was not valid/);
    const then = await checkCertificateChain({ ...input, at: new Date('2024-01-15T00:00:00Z') });
    assert.equal(then.trusted, true);
    assert.equal(then.validAtTime, true);
  });

  test('an empty chain is not trusted', async () => {
    const check = await checkCertificateChain({ chain: [], trustAnchors: [root.certificate], at: new Date() });
    assert.equal(check.trusted, false);
    assert.equal(check.validAtTime, false);
  });
});
