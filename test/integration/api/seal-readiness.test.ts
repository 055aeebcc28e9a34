import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../../functions/pdf-pki/development-ca.ts';
import { entities } from '../../../functions/platform/storage/schema.ts';
import { loadDevelopmentSeal } from '../../../lib/local/development-seal.ts';
import { readFixture } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault, type Upload, type UploadTicket } from '../support/test-vault.ts';

/**
 * A stage whose seal key has no certificate yet (a fresh deployment): officers' uploads, which
 * are sealed, are refused before any work is done, readiness says what to import, and once the
 * administrator has imported the certificate the same upload goes through, sealed.
 */
let t: TestVault;
let admin: string;
let officer: string;
let citizen: string;
const ownerId = personas.citizen.ownerId;

const readiness = async (token = admin) => t.api<any>('GET', '/v1/admin/readiness', { token });
const sealSettings = async () => (await t.api<any>('GET', '/v1/signing/settings', { token: admin })).json.seal;

async function officerPresign() {
  const bytes = await readFixture('sample-result.pdf');
  const response = await t.api<UploadTicket>('POST', '/v1/uploads', {
    token: officer,
    body: { fileName: 'ket-qua.pdf', contentType: 'application/pdf', size: bytes.byteLength, ownerId },
  });
  return { response, bytes };
}

/** Every upload record in the table: a refused presign must leave none. */
async function storedUploads(): Promise<number> {
  const { Items = [] } = await t.vault.table.client.send(
    new ScanCommand({
      TableName: t.vault.table.name,
      FilterExpression: 'entity = :upload',
      ExpressionAttributeValues: { ':upload': entities.upload.entity },
    }),
  );
  return Items.length;
}

async function importSeal(rootPem: string, chainPem: string) {
  const anchors = await t.api('PUT', '/v1/signing/trust-anchors/agency-seal', {
    token: admin,
    body: { certificates: rootPem },
  });
  assert.equal(anchors.status, 200, anchors.text);
  const imported = await t.api('PUT', '/v1/signing/seal-certificate', {
    token: admin,
    body: { certificateChain: chainPem },
  });
  assert.equal(imported.status, 200, imported.text);
}

/** Files as the officer: review (if asked) approved, then the upload as the workflow left it. */
async function settle(upload: Upload): Promise<Upload> {
  if (upload.status !== 'REVIEW') return upload;
  const reviewed = await t.api('POST', `/v1/uploads/${upload.id}/review`, { token: officer, body: { approve: true } });
  assert.equal(reviewed.status, 200, reviewed.text);
  return t.waitForUpload(officer, upload.id);
}

before(async () => {
  t = await startTestVault({ installDevelopmentSeal: false });
  [admin, officer, citizen] = await Promise.all([t.token('admin'), t.token('officer'), t.token('citizen')]);
});
after(async () => {
  await t.close();
});

describe('seal readiness', () => {
  test('readiness reports the seal as not configured and names the import; only administrators may ask', async () => {
    const report = await readiness();
    assert.equal(report.status, 200, report.text);
    assert.equal(report.json.ready, false);
    assert.equal(report.json.seal.status, 'not-configured');
    assert.match(report.json.seal.action, /PUT \/v1\/signing\/seal-certificate/);
    assert.doesNotMatch(report.text, /PRIVATE|BEGIN/, 'no key or certificate material');
    const settings = await sealSettings();
    assert.deepEqual([settings.configured, settings.status, settings.certificates], [false, 'not-configured', []]);
    assert.match(settings.reason, /no certificate yet/);
    for (const persona of ['citizen', 'officer'] as const) {
      assertProblem(await readiness(await t.token(persona)), 403, 'forbidden-role', persona);
    }
  });

  test("an officer's upload is refused up front with 409 seal-not-configured, and nothing is stored", async () => {
    const before = await storedUploads();
    const { response } = await officerPresign();
    const problem = assertProblem(response, 409, 'seal-not-configured');
    assert.match(problem.detail ?? '', /no certificate/);
    assert.match(problem.detail ?? '', /PUT \/v1\/signing\/seal-certificate/);
    assert.equal(await storedUploads(), before);
  });

  test("a citizen's own upload is not sealed, so it is not blocked", async () => {
    const { upload } = await t.uploadFile(citizen, 'sample-result.pdf');
    assert.equal(upload.status, 'DONE', upload.failureReason);
    const signatures = await t.api<any>('GET', `/v1/documents/${upload.documentId}/signatures`, { token: citizen });
    assert.deepEqual(signatures.json.items, []);
  });

  test("once the administrator imports the seal certificate, readiness is configured and the officer's upload is filed sealed", async () => {
    const seal = await loadDevelopmentSeal(join(t.dataDir, 'signing'));
    await importSeal(seal.rootPem, seal.chainPem);
    const report = await readiness();
    assert.equal(report.json.ready, true, report.text);
    assert.equal(report.json.seal.status, 'configured');
    assert.match(report.json.seal.subject, /CN=Cơ quan cấp kết quả/);
    assert.equal(report.json.seal.action, undefined);
    const settings = await sealSettings();
    assert.deepEqual([settings.configured, settings.status, settings.reason], [true, 'configured', undefined]);
    assert.equal(settings.certificates[0].subject, report.json.seal.subject);

    const { upload } = await t.uploadFile(officer, 'sample-result.pdf', { ownerId });
    const filed = await settle(upload);
    assert.equal(filed.status, 'DONE', filed.failureReason);
    const signatures = await t.api<any>('GET', `/v1/documents/${filed.documentId}/signatures`, { token: citizen });
    assert.deepEqual(
      signatures.json.items.map((s: { provider: string; status: string }) => [s.provider, s.status]),
      [['agency-seal', 'completed']],
    );
  });

  test('a certificate that expires between the presign and the Seal step fails the upload with that reason', async () => {
    const sealKey = t.vault.deps.signing.sealKey;
    assert.ok(sealKey);
    const root = await createRootCa({ commonName: 'khoso seal-readiness test root', organization: 'khoso tests' });
    // Valid from a minute ago until about three seconds from now (certificate times are whole seconds).
    const validFrom = new Date(Date.now() - 60_000);
    const agency = await issueCertificate({
      issuer: root,
      commonName: 'Cơ quan thử nghiệm (chứng thư ngắn hạn)',
      organization: 'khoso tests',
      publicKey: await sealKey.publicKey(),
      validFrom,
      validDays: 63 / 86_400,
    });
    const rootPem = toPem(root.certificate);
    await importSeal(rootPem, toPem(agency.certificate) + rootPem);

    const { response, bytes } = await officerPresign();
    assert.equal(response.status, 201, response.text);
    const notAfter = validFrom.getTime() + 63_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, notAfter - Date.now()) + 1_500));

    const posted = await t.postForm(response.json.upload, bytes);
    assert.equal(posted.status, 204, posted.text);
    const failed = await settle(await t.waitForUpload(officer, response.json.uploadId));
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.failureReason ?? '', /^The agency seal certificate expired at /);
    assert.match(failed.failureReason ?? '', /PUT \/v1\/signing\/seal-certificate/);
    assert.equal(failed.documentId, undefined);

    const report = await readiness();
    assert.equal(report.json.ready, false);
    assert.equal(report.json.seal.status, 'expired');
    // The settings judge the seal as readiness does: the expired certificate is listed, not configured.
    const settings = await sealSettings();
    assert.equal(settings.configured, false);
    assert.equal(settings.status, 'expired');
    assert.equal(
      settings.reason,
      `The agency seal certificate expired at ${report.json.seal.notAfter}, so results cannot be issued`,
    );
    assert.equal(settings.certificates.length, 2);
    assert.match(settings.certificates[0].subject, /chứng thư ngắn hạn/);
    assertProblem((await officerPresign()).response, 409, 'seal-not-configured', 'expired seal');
  });
});
