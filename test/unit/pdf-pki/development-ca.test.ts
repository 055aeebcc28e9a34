import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { certificatePublicKey, describeCertificate } from '../../../functions/pdf-pki/certificates.ts';
import { verifyRawSignature } from '../../../functions/pdf-pki/cms.ts';
import { createRootCa, importPkcs8, issueCertificate, signWithKey } from '../../../functions/pdf-pki/development-ca.ts';

for (const algorithm of ['EC', 'RSA'] as const) {
  test(`an ${algorithm} root issues a certificate whose key signs verifiably, also after a PKCS#8 round trip`, async () => {
    const root = await createRootCa({ commonName: 'Khoso Dev Root', organization: 'Công an tỉnh Hà Nội', algorithm });
    const leaf = await issueCertificate({
      issuer: root,
      commonName: 'Văn phòng',
      subjectSerialNumber: 'MST:0101234567',
      algorithm,
    });
    const rootX509 = new X509Certificate(root.certificate);
    const leafX509 = new X509Certificate(leaf.certificate);
    assert.equal(rootX509.ca, true);
    assert.equal(leafX509.ca, false);
    assert.ok(leafX509.verify(rootX509.publicKey));
    assert.ok(leafX509.checkIssued(rootX509));
    assert.equal(describeCertificate(root.certificate).subject, 'CN=Khoso Dev Root, O=Công an tỉnh Hà Nội');

    const data = new TextEncoder().encode('signed attributes stand-in');
    const restored = await importPkcs8(leaf.privateKeyPkcs8, algorithm);
    for (const key of [leaf.privateKey, restored]) {
      const signature = await signWithKey(key, data);
      if (algorithm === 'EC') assert.equal(signature[0], 0x30, 'ECDSA signatures are DER Ecdsa-Sig-Value');
      assert.equal(
        await verifyRawSignature({ signedAttributes: data, signature, certificate: leaf.certificate }),
        true,
      );
    }
  });
}

test('a certificate can be issued for a public key held elsewhere (e.g. KMS)', async () => {
  const root = await createRootCa({ commonName: 'Khoso Dev Root' });
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const issued = await issueCertificate({ issuer: root, commonName: 'Agency seal', publicKey: spki });
  assert.equal(issued.privateKey, undefined);
  assert.equal(issued.privateKeyPkcs8, undefined);
  assert.deepEqual(certificatePublicKey(issued.certificate), spki);
});
