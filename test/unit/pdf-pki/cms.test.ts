import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import {
  assembleCms,
  buildSignedAttributes,
  inspectCms,
  InvalidSignatureFormatError,
  verifyRawSignature,
} from '../../../functions/pdf-pki/cms.ts';
import {
  createRootCa,
  issueCertificate,
  signWithKey,
  type IssuedCredential,
} from '../../../functions/pdf-pki/development-ca.ts';
import { verifyCmsWithOpenssl } from '../../support/signature-tools.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JSON_CONTENT = Buffer.from(JSON.stringify({ soHoSo: '000.00.00.H26-260101-0001', hoTen: 'Nguyễn Văn A' }));

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

async function signDetached(
  content: Uint8Array,
  signer: IssuedCredential,
  chain: Uint8Array[],
  signingKey = signer.privateKey,
) {
  const signedAttributes = buildSignedAttributes({
    contentDigest: sha256(content),
    signerCertificate: signer.certificate,
    signingTime: new Date('2026-01-02T03:04:05Z'),
  });
  const signature = await signWithKey(signingKey, signedAttributes);
  return { signedAttributes, signature, cms: assembleCms({ signedAttributes, signature, chain }) };
}

function tamper(content: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(content);
  copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0x01;
  return copy;
}

for (const algorithm of ['EC', 'RSA'] as const) {
  describe(`detached CMS with an ${algorithm} signer`, () => {
    let root: IssuedCredential;
    let signer: IssuedCredential;
    before(async () => {
      root = await createRootCa({ commonName: 'Khoso Test Root', organization: 'Công an tỉnh Hà Nội', algorithm });
      signer = await issueCertificate({
        issuer: root,
        commonName: 'Nguyễn Văn A',
        subjectSerialNumber: '001234567890',
        algorithm,
      });
    });

    for (const [label, content] of [
      ['PNG', PNG],
      ['JSON', JSON_CONTENT],
    ] as const) {
      test(`openssl and inspectCms accept it over ${label} and reject a tampered copy`, async () => {
        const { cms } = await signDetached(content, signer, [signer.certificate, root.certificate]);
        const accepted = await verifyCmsWithOpenssl(cms, content, [toPem(root.certificate)]);
        assert.ok(accepted.ok, accepted.output);
        const check = await inspectCms(cms, content);
        assert.equal(check.intact, true);
        assert.equal(check.signatureValid, true);
        assert.equal(check.reason, undefined);
        assert.equal(check.digestAlgorithm, 'SHA-256');
        assert.equal(check.contentDigest, Buffer.from(sha256(content)).toString('hex'));
        assert.equal(check.signingTime, '2026-01-02T03:04:05.000Z');
        assert.deepEqual(check.signerCertificate, signer.certificate);
        assert.deepEqual(check.certificates, [signer.certificate, root.certificate]);

        const tampered = tamper(content);
        const rejected = await verifyCmsWithOpenssl(cms, tampered, [toPem(root.certificate)]);
        assert.equal(rejected.ok, false, rejected.output);
        const tamperedCheck = await inspectCms(cms, tampered);
        assert.equal(tamperedCheck.intact, false);
        assert.equal(tamperedCheck.signatureValid, true);
        assert.match(tamperedCheck.reason ?? '', /modified/);
      });
    }

    test('inspectCms accepts the content digest instead of the bytes', async () => {
      const { cms } = await signDetached(JSON_CONTENT, signer, [signer.certificate]);
      const check = await inspectCms(cms, { sha256: sha256(JSON_CONTENT) });
      assert.equal(check.intact, true);
      assert.equal(check.signatureValid, true);
    });

    test('a signature by a key that does not match the certificate is invalid', async () => {
      const stranger = await issueCertificate({ issuer: root, commonName: 'Someone Else', algorithm });
      const { cms, signedAttributes, signature } = await signDetached(
        JSON_CONTENT,
        signer,
        [signer.certificate],
        stranger.privateKey,
      );
      const check = await inspectCms(cms, JSON_CONTENT);
      assert.equal(check.intact, true);
      assert.equal(check.signatureValid, false);
      assert.match(check.reason ?? '', /does not verify/);
      assert.equal(await verifyRawSignature({ signedAttributes, signature, certificate: signer.certificate }), false);
      assert.equal(await verifyRawSignature({ signedAttributes, signature, certificate: stranger.certificate }), true);
      const rejected = await verifyCmsWithOpenssl(cms, JSON_CONTENT, [toPem(root.certificate)]);
      assert.equal(rejected.ok, false, rejected.output);
    });

    test('a signature without signing time (PAdES style) still verifies', async () => {
      const signedAttributes = buildSignedAttributes({
        contentDigest: sha256(PNG),
        signerCertificate: signer.certificate,
      });
      const signature = await signWithKey(signer.privateKey, signedAttributes);
      const cms = assembleCms({ signedAttributes, signature, chain: [signer.certificate] });
      const check = await inspectCms(cms, PNG);
      assert.equal(check.signingTime, undefined);
      assert.equal(check.signatureValid, true);
      const accepted = await verifyCmsWithOpenssl(cms, PNG, [toPem(root.certificate)]);
      assert.ok(accepted.ok, accepted.output);
    });
  });
}

test('bytes that are not a CMS SignedData are refused', async () => {
  await assert.rejects(inspectCms(new Uint8Array([1, 2, 3]), PNG), InvalidSignatureFormatError);
  await assert.rejects(inspectCms(new Uint8Array(Buffer.from('MAMCAQE=', 'base64')), PNG), InvalidSignatureFormatError);
});
