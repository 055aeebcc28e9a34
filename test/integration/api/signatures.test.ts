import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import { assembleCms, buildSignedAttributes } from '../../../functions/pdf-pki/cms.ts';
import {
  createRootCa,
  issueCertificate,
  signWithKey,
  type IssuedCredential,
} from '../../../functions/pdf-pki/development-ca.ts';
import { startRemoteSigningSimulator, type RemoteSigningSimulator } from '../../simulators/remote-signing-simulator.ts';
import { verifyCmsWithOpenssl, verifyPdfWithPdfsig } from '../../support/signature-tools.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../support/test-vault.ts';

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const citizenId = personas.citizen.ownerId;

interface Signer {
  root: IssuedCredential;
  rootPem: string;
  signer: IssuedCredential;
  chainPem: string;
}

async function testCa(name: string, algorithm: 'EC' | 'RSA', subjectSerialNumber = citizenId): Promise<Signer> {
  const root = await createRootCa({ commonName: `${name} test root`, algorithm });
  const signer = await issueCertificate({ issuer: root, commonName: 'NGUYỄN VĂN AN', subjectSerialNumber, algorithm });
  return {
    root,
    rootPem: toPem(root.certificate),
    signer,
    chainPem: toPem(signer.certificate) + toPem(root.certificate),
  };
}

describe('digital signatures', () => {
  let vault: TestVault;
  let simulator: RemoteSigningSimulator;
  let caToken: Signer;
  let banCoYeu: Signer;
  let untrusted: Signer;
  let developmentRootPem: string;
  let citizen: string;
  let citizen2: string;
  let admin: string;
  let officer: string;

  before(async () => {
    simulator = await startRemoteSigningSimulator({ keyAlgorithm: 'EC' });
    const remote = { endpoint: simulator.url, apiKey: simulator.apiKey, requestTimeoutMs: 10_000 };
    vault = await startTestVault({
      remoteSigning: {
        sim: { ...remote, endpoint: `${simulator.url}/sim` },
        smartca: { ...remote, endpoint: `${simulator.url}/smartca` },
      },
      signaturePollMs: 50,
      policy: { remoteSignatureFirstCheckSeconds: 0.05, remoteSignatureMaxCheckIntervalSeconds: 0.2 },
    });
    [caToken, banCoYeu, untrusted] = await Promise.all([
      testCa('CA token', 'EC'),
      testCa('Ban Co yeu', 'RSA'),
      testCa('Unknown', 'EC'),
    ]);
    developmentRootPem = await readFile(join(vault.dataDir, 'signing', 'root-ca.pem'), 'utf8');
    citizen = await vault.token('citizen');
    citizen2 = await vault.token('citizen2');
    admin = await vault.token('admin');
    officer = await vault.token('officer');
    const anchors = {
      'ca-token': caToken.rootPem,
      'ban-co-yeu': banCoYeu.rootPem,
      sim: simulator.rootCertificatePem,
      smartca: simulator.rootCertificatePem,
    };
    for (const [provider, certificates] of Object.entries(anchors)) {
      const response = await vault.api('PUT', `/v1/signing/trust-anchors/${provider}`, {
        token: admin,
        body: { certificates },
      });
      assert.equal(response.status, 200, response.text);
    }
  });

  after(async () => {
    await vault?.close();
    await simulator?.close();
  });

  /** A citizen's own PDF or PNG, filed without a seal. */
  async function citizenDocument(fixture: 'sample-result.pdf' | 'sample-scan.png'): Promise<string> {
    const outcome = await vault.uploadFile(citizen, fixture);
    assert.equal(outcome.upload.status, 'DONE', outcome.upload.failureReason);
    return outcome.upload.documentId as string;
  }

  async function content(documentId: string, version?: number): Promise<Uint8Array> {
    const redirect = await vault.api(
      'GET',
      `/v1/documents/${documentId}/content${version ? `?version=${version}` : ''}`,
      { token: citizen },
    );
    assert.equal(redirect.status, 302, redirect.text);
    return new Uint8Array(await (await fetch(redirect.headers.get('location') as string)).arrayBuffer());
  }

  async function versionCount(documentId: string, token = citizen): Promise<number> {
    const response = await vault.api('GET', `/v1/documents/${documentId}`, { token });
    return response.json.versionCount as number;
  }

  async function request(documentId: string, body: Record<string, unknown>, token = citizen) {
    return vault.api('POST', `/v1/documents/${documentId}/signatures`, { token, body });
  }

  async function signWithToken(documentId: string, signer: Signer, provider: 'ca-token' | 'ban-co-yeu') {
    const requested = await request(documentId, { provider, certificateChain: signer.chainPem });
    assert.equal(requested.status, 201, requested.text);
    const { signature, challenge } = requested.json;
    const value = await signWithKey(signer.signer.privateKey, fromBase64(challenge.signedAttributes));
    return vault.api('POST', `/v1/documents/${documentId}/signatures/${signature.id}/complete`, {
      token: citizen,
      body: { signature: toBase64(value) },
    });
  }

  async function waitForSignature(documentId: string, signatureId: string, status: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await vault.api('GET', `/v1/documents/${documentId}/signatures/${signatureId}`, {
        token: citizen,
      });
      assert.equal(response.status, 200, response.text);
      if (response.json.status !== 'pending') {
        assert.equal(response.json.status, status, JSON.stringify(response.json));
        return response.json;
      }
      assert.ok(Date.now() < deadline, `signature ${signatureId} still pending`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function deniedAuditOf(ownerId: string, documentId: string, action: string) {
    const history = await vault.vault.deps.repository.listHistory(ownerId, documentId, { limit: 100 });
    return history.items.filter((entry) => entry.action === action && entry.outcome === 'denied');
  }

  describe('agency seal on what officers file', () => {
    async function fileAsOfficer(fixture: 'sample-result.pdf' | 'sample-scan.png'): Promise<string> {
      let { upload } = await vault.uploadFile(officer, fixture, { ownerId: citizenId });
      if (upload.status === 'REVIEW') {
        const reviewed = await vault.api('POST', `/v1/uploads/${upload.id}/review`, {
          token: officer,
          body: { approve: true },
        });
        assert.equal(reviewed.status, 200, reviewed.text);
        upload = await vault.waitForUpload(officer, upload.id);
      }
      assert.equal(upload.status, 'DONE', upload.failureReason);
      return upload.documentId as string;
    }

    test('a PDF is filed sealed (PAdES), and pdfsig trusts the seal', async () => {
      const documentId = await fileAsOfficer('sample-result.pdf');
      const sealed = await content(documentId);
      const pdfsig = await verifyPdfWithPdfsig(sealed, [developmentRootPem]);
      assert.ok(pdfsig.ok, pdfsig.output);
      const history = await vault.api('GET', `/v1/documents/${documentId}/signatures`, { token: citizen });
      assert.equal(history.json.items.length, 1);
      const [seal] = history.json.items;
      assert.equal(seal.provider, 'agency-seal');
      assert.equal(seal.status, 'completed');
      assert.equal(seal.format, 'pades');
      assert.equal(seal.requestedBy.role, 'officer');
      assert.match(seal.certificate.subject, /CN=Cơ quan cấp kết quả/);
      const verification = await vault.api('GET', `/v1/documents/${documentId}/verification`, { token: citizen });
      assert.equal(verification.json.valid, true, verification.text);
      assert.equal(verification.json.signatures[0].trustedFor, 'agency-seal');
    });

    test('an image keeps its bytes and gets a detached CAdES seal that openssl verifies', async () => {
      const documentId = await fileAsOfficer('sample-scan.png');
      const image = await content(documentId);
      const [seal] = (await vault.api('GET', `/v1/documents/${documentId}/signatures`, { token: citizen })).json.items;
      assert.equal(seal.format, 'cades-detached');
      const redirect = await vault.api('GET', `/v1/documents/${documentId}/signatures/${seal.id}/content`, {
        token: citizen,
      });
      assert.equal(redirect.status, 302, redirect.text);
      const p7s = new Uint8Array(await (await fetch(redirect.headers.get('location') as string)).arrayBuffer());
      const openssl = await verifyCmsWithOpenssl(p7s, image, [developmentRootPem]);
      assert.ok(openssl.ok, openssl.output);
      const tampered = Uint8Array.from(image);
      tampered[100] = (tampered[100] ?? 0) ^ 0xff;
      assert.equal((await verifyCmsWithOpenssl(p7s, tampered, [developmentRootPem])).ok, false);
    });
  });

  describe('CA token and Ban Cơ yếu (deferred)', () => {
    test('two signatures on a PDF: each a new version, both valid in pdfsig (incremental update)', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const first = await signWithToken(documentId, caToken, 'ca-token');
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.status, 'completed');
      assert.equal(first.json.signedVersionNumber, 2);
      const second = await signWithToken(documentId, banCoYeu, 'ban-co-yeu');
      assert.equal(second.status, 200, second.text);
      assert.equal(second.json.signedVersionNumber, 3);
      const signed = await content(documentId);
      const pdfsig = await verifyPdfWithPdfsig(signed, [caToken.rootPem, banCoYeu.rootPem]);
      assert.ok(pdfsig.ok, pdfsig.output);
      assert.equal((pdfsig.output.match(/Signature is Valid/g) ?? []).length, 2, pdfsig.output);
      const verification = await vault.api('GET', `/v1/documents/${documentId}/verification`, { token: citizen });
      assert.equal(verification.json.valid, true, verification.text);
      assert.deepEqual(
        verification.json.signatures.map((signature: { trustedFor: string }) => signature.trustedFor),
        ['ca-token', 'ban-co-yeu'],
      );
      // Version 2 stays as it was: one signature, covering that whole version.
      const earlier = await vault.api('GET', `/v1/documents/${documentId}/verification?version=2`, { token: citizen });
      assert.equal(earlier.json.signatures.length, 1);
      assert.equal(earlier.json.signatures[0].coversWholeDocument, true);
    });

    test('a client-built CMS over the content digest is accepted', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const requested = await request(documentId, { provider: 'ca-token', certificateChain: caToken.chainPem });
      const { signature, challenge } = requested.json;
      const signedAttributes = buildSignedAttributes({
        contentDigest: new Uint8Array(Buffer.from(challenge.contentDigest, 'hex')),
        signerCertificate: caToken.signer.certificate,
      });
      const value = await signWithKey(caToken.signer.privateKey, signedAttributes);
      const cms = assembleCms({
        signedAttributes,
        signature: value,
        chain: [caToken.signer.certificate, caToken.root.certificate],
      });
      const completed = await vault.api('POST', `/v1/documents/${documentId}/signatures/${signature.id}/complete`, {
        token: citizen,
        body: { cms: toBase64(cms) },
      });
      assert.equal(completed.status, 200, completed.text);
      assert.ok((await verifyPdfWithPdfsig(await content(documentId), [caToken.rootPem])).ok);
    });

    test('an image gets a detached signature, no new version', async () => {
      const documentId = await citizenDocument('sample-scan.png');
      const completed = await signWithToken(documentId, banCoYeu, 'ban-co-yeu');
      assert.equal(completed.status, 200, completed.text);
      assert.equal(completed.json.format, 'cades-detached');
      assert.equal(await versionCount(documentId), 1);
      const redirect = await vault.api('GET', `/v1/documents/${documentId}/signatures/${completed.json.id}/content`, {
        token: citizen,
      });
      const p7s = new Uint8Array(await (await fetch(redirect.headers.get('location') as string)).arrayBuffer());
      assert.ok((await verifyCmsWithOpenssl(p7s, await content(documentId), [banCoYeu.rootPem])).ok);
    });

    test('a signature made with another key is refused, ends the request and is audited', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const requested = await request(documentId, { provider: 'ca-token', certificateChain: caToken.chainPem });
      const { signature, challenge } = requested.json;
      const wrongKey = await signWithKey(untrusted.signer.privateKey, fromBase64(challenge.signedAttributes));
      const completion = await vault.api('POST', `/v1/documents/${documentId}/signatures/${signature.id}/complete`, {
        token: citizen,
        body: { signature: toBase64(wrongKey) },
      });
      assertProblem(completion, 422, 'signature-rejected');
      assert.equal(await versionCount(documentId), 1);
      const after = await vault.api('GET', `/v1/documents/${documentId}/signatures/${signature.id}`, {
        token: citizen,
      });
      assert.equal(after.json.status, 'failed');
      assert.equal((await deniedAuditOf(citizenId, documentId, 'signature.complete')).length, 1);
    });

    test('a signature over another digest is refused', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const { signature } = (await request(documentId, { provider: 'ca-token', certificateChain: caToken.chainPem }))
        .json;
      const overOther = await signWithKey(caToken.signer.privateKey, new TextEncoder().encode('something else'));
      const completion = await vault.api('POST', `/v1/documents/${documentId}/signatures/${signature.id}/complete`, {
        token: citizen,
        body: { signature: toBase64(overOther) },
      });
      assertProblem(completion, 422, 'signature-rejected');
      assert.equal(await versionCount(documentId), 1);
    });

    test('an untrusted or expired certificate is refused at the request', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      assertProblem(
        await request(documentId, { provider: 'ca-token', certificateChain: untrusted.chainPem }),
        422,
        'signature-rejected',
      );
      const expired = await issueCertificate({
        issuer: caToken.root,
        commonName: 'NGUYỄN VĂN AN',
        validFrom: new Date(Date.now() - 10 * 86_400_000),
        validDays: 2,
      });
      const response = await request(documentId, {
        provider: 'ca-token',
        certificateChain: toPem(expired.certificate) + caToken.rootPem,
      });
      assertProblem(response, 422, 'signature-rejected');
      assert.match(response.json.detail, /not valid now/);
      assert.equal((await deniedAuditOf(citizenId, documentId, 'signature.request')).length, 2);
      const history = await vault.api('GET', `/v1/documents/${documentId}/signatures`, { token: citizen });
      assert.equal(history.json.items.length, 0);
    });

    test('a replayed completion gets 409 and changes nothing', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const requested = await request(documentId, { provider: 'ca-token', certificateChain: caToken.chainPem });
      const { signature, challenge } = requested.json;
      const value = toBase64(await signWithKey(caToken.signer.privateKey, fromBase64(challenge.signedAttributes)));
      const path = `/v1/documents/${documentId}/signatures/${signature.id}/complete`;
      assert.equal((await vault.api('POST', path, { token: citizen, body: { signature: value } })).status, 200);
      assertProblem(await vault.api('POST', path, { token: citizen, body: { signature: value } }), 409, 'conflict');
      assert.equal(await versionCount(documentId), 2);
    });

    test("another citizen cannot complete someone else's request: 404, audited under the caller", async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      const { signature, challenge } = (
        await request(documentId, { provider: 'ca-token', certificateChain: caToken.chainPem })
      ).json;
      const value = toBase64(await signWithKey(caToken.signer.privateKey, fromBase64(challenge.signedAttributes)));
      const response = await vault.api('POST', `/v1/documents/${documentId}/signatures/${signature.id}/complete`, {
        token: citizen2,
        body: { signature: value },
      });
      assertProblem(response, 404, 'not-found');
      assert.equal((await deniedAuditOf(personas.citizen2.ownerId, documentId, 'signature.complete')).length, 1);
      assert.equal(await versionCount(documentId), 1);
      const still = await vault.api('GET', `/v1/documents/${documentId}/signatures/${signature.id}`, {
        token: citizen,
      });
      assert.equal(still.json.status, 'pending');
    });

    test('citizens cannot ask for the agency seal', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      // The published schema leaves the seal out of the providers one can request.
      assertProblem(await request(documentId, { provider: 'agency-seal' }), 400, 'invalid-request');
    });
  });

  describe('SIM and SmartCA (remote)', () => {
    test('SIM: pending until the signer confirms, then a new signed version', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      simulator.setBehaviour('84912345678', { kind: 'approve', afterMs: 200 });
      const requested = await request(documentId, { provider: 'sim', account: '0912345678' });
      assert.equal(requested.status, 201, requested.text);
      assert.equal(requested.json.signature.status, 'pending');
      const done = await waitForSignature(documentId, requested.json.signature.id, 'completed');
      assert.equal(done.signedVersionNumber, 2);
      const pdfsig = await verifyPdfWithPdfsig(await content(documentId), [simulator.rootCertificatePem]);
      assert.ok(pdfsig.ok, pdfsig.output);
    });

    test('SmartCA: an image gets a detached signature', async () => {
      const documentId = await citizenDocument('sample-scan.png');
      simulator.setBehaviour(citizenId, { kind: 'approve', afterMs: 50 });
      const requested = await request(documentId, { provider: 'smartca', account: citizenId });
      assert.equal(requested.status, 201, requested.text);
      const done = await waitForSignature(documentId, requested.json.signature.id, 'completed');
      assert.equal(done.format, 'cades-detached');
      const verification = await vault.api('GET', `/v1/documents/${documentId}/verification`, { token: citizen });
      assert.equal(verification.json.valid, true, verification.text);
    });

    test('a refusal on the phone fails the request; a provider signing with the wrong key too', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      simulator.setBehaviour('84900000001', { kind: 'refuse', afterMs: 50 });
      const refused = await request(documentId, { provider: 'sim', account: '0900000001' });
      const failed = await waitForSignature(documentId, refused.json.signature.id, 'failed');
      assert.match(failed.failureReason, /refused/);
      simulator.setBehaviour('84900000002', { kind: 'wrong-key' });
      const wrong = await request(documentId, { provider: 'sim', account: '0900000002' });
      const wrongOutcome = await waitForSignature(documentId, wrong.json.signature.id, 'failed');
      assert.match(wrongOutcome.failureReason, /does not verify/);
      assert.equal(await versionCount(documentId), 1);
    });
  });

  describe('verification detects tampering', () => {
    test('a changed byte in a signed PDF breaks integrity, for us and for pdfsig', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      assert.equal((await signWithToken(documentId, caToken, 'ca-token')).status, 200);
      const version = await vault.vault.deps.repository.getVersion(citizenId, documentId, 2);
      const file = join(vault.dataDir, 'objects', version?.blobKey as string);
      const signed = new Uint8Array(await readFile(file));
      const tampered = Uint8Array.from(signed);
      const at = signed.indexOf(0x2f, 40); // a byte inside the first signed range
      tampered[at] = 0x20;
      assert.equal((await verifyPdfWithPdfsig(tampered, [caToken.rootPem])).ok, false);
      await writeFile(file, tampered);
      const verification = await vault.api('GET', `/v1/documents/${documentId}/verification`, { token: citizen });
      assert.equal(verification.json.valid, false);
      assert.equal(verification.json.signatures[0].integrity, false);
    });

    test('bytes appended after the signature are reported as a later modification', async () => {
      const documentId = await citizenDocument('sample-result.pdf');
      assert.equal((await signWithToken(documentId, caToken, 'ca-token')).status, 200);
      const version = await vault.vault.deps.repository.getVersion(citizenId, documentId, 2);
      const file = join(vault.dataDir, 'objects', version?.blobKey as string);
      const signed = await readFile(file);
      await writeFile(file, Buffer.concat([signed, Buffer.from('\n% appended\n')]));
      const verification = await vault.api('GET', `/v1/documents/${documentId}/verification`, { token: citizen });
      assert.equal(verification.json.signatures[0].coversWholeDocument, false);
      assert.equal(verification.json.signatures[0].modifiedAfterSigning, true);
      assert.equal(verification.json.valid, false);
    });
  });

  describe('administration', () => {
    test('only administrators see or change signing settings; changes are audited', async () => {
      assertProblem(await vault.api('GET', '/v1/signing/settings', { token: citizen }), 403, 'forbidden-role');
      assertProblem(
        await vault.api('PUT', '/v1/signing/trust-anchors/ca-token', {
          token: officer,
          body: { certificates: caToken.rootPem },
        }),
        403,
        'forbidden-role',
      );
      const settings = await vault.api('GET', '/v1/signing/settings', { token: admin });
      assert.equal(settings.json.seal.configured, true);
      const caTokenSettings = settings.json.providers.find(
        (provider: { name: string }) => provider.name === 'ca-token',
      );
      assert.equal(caTokenSettings.trustAnchors.length, 1);
    });

    test('a seal certificate for another key is refused', async () => {
      const other = await issueCertificate({ issuer: caToken.root, commonName: 'Not the seal' });
      const response = await vault.api('PUT', '/v1/signing/seal-certificate', {
        token: admin,
        body: { certificateChain: toPem(other.certificate) + caToken.rootPem },
      });
      assertProblem(response, 422, 'signature-rejected');
    });
  });
});

describe('signing limits', () => {
  let vault: TestVault;
  before(async () => {
    vault = await startTestVault({ policy: { signatureRequestTtlSeconds: 1, pdfSignatureBytes: 1_024 } });
  });
  after(async () => vault?.close());

  test('an expired request gets 410; a signature too big for the placeholder gets 422; no version either way', async () => {
    const [citizen, admin] = [await vault.token('citizen'), await vault.token('admin')];
    const ca = await testCa('CA token', 'RSA');
    assert.equal(
      (
        await vault.api('PUT', '/v1/signing/trust-anchors/ca-token', {
          token: admin,
          body: { certificates: ca.rootPem },
        })
      ).status,
      200,
    );
    const outcome = await vault.uploadFile(citizen, 'sample-result.pdf');
    const documentId = outcome.upload.documentId as string;
    const ask = () =>
      vault.api('POST', `/v1/documents/${documentId}/signatures`, {
        token: citizen,
        body: { provider: 'ca-token', certificateChain: ca.chainPem },
      });

    const tooBig = (await ask()).json;
    const value = await signWithKey(ca.signer.privateKey, fromBase64(tooBig.challenge.signedAttributes));
    const response = await vault.api('POST', `/v1/documents/${documentId}/signatures/${tooBig.signature.id}/complete`, {
      token: citizen,
      body: { signature: toBase64(value) },
    });
    assertProblem(response, 422, ['invalid-input', 'signature-rejected']);

    const late = (await ask()).json;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const lateValue = await signWithKey(ca.signer.privateKey, fromBase64(late.challenge.signedAttributes));
    assertProblem(
      await vault.api('POST', `/v1/documents/${documentId}/signatures/${late.signature.id}/complete`, {
        token: citizen,
        body: { signature: toBase64(lateValue) },
      }),
      410,
      'expired',
    );

    const document = await vault.api('GET', `/v1/documents/${documentId}`, { token: citizen });
    assert.equal(document.json.versionCount, 1);
  });
});
