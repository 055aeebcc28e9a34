import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PdfPkiInputError } from '../../../functions/pdf-pki/errors.ts';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import { assembleCms, buildSignedAttributes, inspectCms } from '../../../functions/pdf-pki/cms.ts';
import {
  createRootCa,
  issueCertificate,
  signWithKey,
  type IssuedCredential,
} from '../../../functions/pdf-pki/development-ca.ts';
import {
  embedPdfSignature,
  preparePdfSignature,
  readPdfSignatures,
  SignaturePlaceholderTooSmallError,
} from '../../../functions/pdf-pki/pades.ts';
import { checkPdfWithQpdf, runTool, verifyPdfWithPdfsig, withTempDir } from '../../support/signature-tools.ts';

const SIGNING_TIME = new Date('2026-03-04T05:06:07Z');

async function makePdf(options: { useObjectStreams: boolean; withTextField?: boolean }): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const page = document.addPage([595, 842]);
  page.drawText('Khoso signing test', {
    x: 50,
    y: 780,
    size: 14,
    font: await document.embedFont(StandardFonts.Helvetica),
  });
  document.addPage([595, 842]);
  if (options.withTextField) document.getForm().createTextField('applicant').addToPage(page, { x: 50, y: 700 });
  return document.save({ useObjectStreams: options.useObjectStreams });
}

async function signPdf(pdf: Uint8Array, signer: IssuedCredential, chain: Uint8Array[]) {
  const prepared = await preparePdfSignature(pdf, {
    signingTime: SIGNING_TIME,
    signerName: 'Nguyễn Văn A',
    reason: 'Xác thực bản số hoá',
    location: 'Hà Nội',
  });
  const signedAttributes = buildSignedAttributes({
    contentDigest: prepared.contentDigest,
    signerCertificate: signer.certificate,
  });
  const cms = assembleCms({
    signedAttributes,
    signature: await signWithKey(signer.privateKey, signedAttributes),
    chain,
  });
  return { prepared, cms, signed: embedPdfSignature(prepared.bytes, cms) };
}

function flipByte(pdf: Uint8Array, offset: number): Uint8Array {
  const copy = Uint8Array.from(pdf);
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}

describe('PAdES', () => {
  let root: IssuedCredential;
  let ecSigner: IssuedCredential;
  let rsaSigner: IssuedCredential;
  let rootsPem: string[];
  before(async () => {
    root = await createRootCa({ commonName: 'Khoso Test Root', organization: 'Công an tỉnh Hà Nội' });
    ecSigner = await issueCertificate({ issuer: root, commonName: 'Công an tỉnh Hà Nội — con dấu' });
    rsaSigner = await issueCertificate({ issuer: root, commonName: 'Nguyễn Văn A', algorithm: 'RSA' });
    rootsPem = [toPem(root.certificate)];
  });

  for (const useObjectStreams of [true, false]) {
    const kind = useObjectStreams ? 'object streams' : 'a classic xref table';
    describe(`a PDF with ${kind}`, () => {
      let once: Uint8Array;
      let onceCms: Uint8Array;
      before(async () => {
        const result = await signPdf(await makePdf({ useObjectStreams }), ecSigner, [
          ecSigner.certificate,
          root.certificate,
        ]);
        once = result.signed;
        onceCms = result.cms;
        assert.deepEqual(result.prepared.byteRange, readPdfSignatures(once)[0]?.byteRange);
      });

      test('pdfsig finds the signature valid and trusted, qpdf finds no error', async () => {
        const verdict = await verifyPdfWithPdfsig(once, rootsPem);
        assert.ok(verdict.ok, verdict.output);
        assert.match(verdict.output, /Signature Type: ETSI\.CAdES\.detached/);
        const check = await checkPdfWithQpdf(once);
        assert.ok(check.ok, check.output);
      });

      test('readPdfSignatures returns it and inspectCms finds it intact and valid', async () => {
        const [signature, ...others] = readPdfSignatures(once);
        assert.ok(signature);
        assert.equal(others.length, 0);
        assert.equal(signature.fieldName, 'Signature1');
        assert.equal(signature.rangeValid, true);
        assert.equal(signature.coversWholeDocument, true);
        assert.equal(signature.revisionEnd, once.length);
        assert.equal(signature.subFilter, 'ETSI.CAdES.detached');
        assert.equal(signature.signingTime, SIGNING_TIME.toISOString());
        assert.deepEqual(signature.cms, onceCms);
        const check = await inspectCms(signature.cms, { sha256: signature.contentDigest });
        assert.equal(check.intact, true);
        assert.equal(check.signatureValid, true);
        assert.equal(check.signingTime, undefined, 'PAdES carries the time in /M, not in a signing-time attribute');
      });

      test('a second signature leaves both valid (incremental update)', async () => {
        const { signed: twice } = await signPdf(once, rsaSigner, [rsaSigner.certificate, root.certificate]);
        assert.deepEqual(twice.subarray(0, once.length), once);
        const verdict = await verifyPdfWithPdfsig(twice, rootsPem);
        assert.ok(verdict.ok, verdict.output);
        assert.equal(verdict.output.match(/Signature is Valid\./g)?.length, 2, verdict.output);
        const check = await checkPdfWithQpdf(twice);
        assert.ok(check.ok, check.output);

        const signatures = readPdfSignatures(twice);
        assert.deepEqual(
          signatures.map((item) => item.fieldName),
          ['Signature1', 'Signature2'],
        );
        assert.deepEqual(
          signatures.map((item) => item.coversWholeDocument),
          [false, true],
        );
        assert.equal(signatures[0]?.revisionEnd, once.length);
        for (const signature of signatures) {
          const cms = await inspectCms(signature.cms, { sha256: signature.contentDigest });
          assert.equal(cms.intact && cms.signatureValid, true);
        }
      });

      test('a flipped byte inside the signed range is detected by pdfsig and by us', async () => {
        const tampered = flipByte(once, 10); // inside the header's binary comment: the file still parses
        const verdict = await verifyPdfWithPdfsig(tampered, rootsPem);
        assert.equal(verdict.ok, false, verdict.output);
        assert.doesNotMatch(verdict.output, /Signature is Valid/);
        const [signature] = readPdfSignatures(tampered);
        assert.ok(signature);
        const check = await inspectCms(signature.cms, { sha256: signature.contentDigest });
        assert.equal(check.intact, false);
      });

      test('bytes appended after the signature: still intact, no longer the whole document', async () => {
        const appended = Buffer.concat([once, Buffer.from('\n% appended after signing\n')]);
        const [signature] = readPdfSignatures(appended);
        assert.ok(signature);
        assert.equal(signature.coversWholeDocument, false);
        assert.equal(signature.rangeValid, true);
        const check = await inspectCms(signature.cms, { sha256: signature.contentDigest });
        assert.equal(check.intact, true);
      });
    });
  }

  test('an existing AcroForm keeps its fields', async () => {
    const { signed } = await signPdf(await makePdf({ useObjectStreams: true, withTextField: true }), ecSigner, [
      ecSigner.certificate,
    ]);
    const document = await PDFDocument.load(signed);
    assert.deepEqual(
      document
        .getForm()
        .getFields()
        .map((field) => field.getName())
        .sort(),
      ['Signature1', 'applicant'],
    );
    const verdict = await verifyPdfWithPdfsig(signed, rootsPem);
    assert.ok(verdict.ok, verdict.output);
  });

  test('a CMS larger than the placeholder is refused', async () => {
    const prepared = await preparePdfSignature(await makePdf({ useObjectStreams: true }), {
      signingTime: SIGNING_TIME,
      contentsBytes: 64,
    });
    const signedAttributes = buildSignedAttributes({
      contentDigest: prepared.contentDigest,
      signerCertificate: ecSigner.certificate,
    });
    const cms = assembleCms({
      signedAttributes,
      signature: await signWithKey(ecSigner.privateKey, signedAttributes),
      chain: [ecSigner.certificate],
    });
    assert.throws(() => embedPdfSignature(prepared.bytes, cms), SignaturePlaceholderTooSmallError);
  });

  test('a PDF without signatures has none; bytes that are not a PDF are refused', async () => {
    assert.deepEqual(readPdfSignatures(await makePdf({ useObjectStreams: false })), []);
    assert.throws(() => readPdfSignatures(new TextEncoder().encode('hello')), PdfPkiInputError);
    await assert.rejects(
      preparePdfSignature(new TextEncoder().encode('hello'), { signingTime: SIGNING_TIME }),
      PdfPkiInputError,
    );
  });

  test('an encrypted PDF is refused', async () => {
    const encrypted = await withTempDir(async (dir) => {
      const [plain, locked] = [join(dir, 'plain.pdf'), join(dir, 'locked.pdf')];
      await writeFile(plain, await makePdf({ useObjectStreams: false }));
      const result = await runTool('qpdf', ['--encrypt', 'user', 'owner', '256', '--', plain, locked]);
      assert.equal(result.code, 0, result.output);
      return new Uint8Array(await readFile(locked));
    });
    await assert.rejects(preparePdfSignature(encrypted, { signingTime: SIGNING_TIME }), PdfPkiInputError);
  });
});
