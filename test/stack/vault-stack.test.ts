import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { generateKeyPair, SignJWT } from 'jose';
import { PDFDocument } from 'pdf-lib';
import {
  deployStacks,
  destroyStacks,
  emulatorAccount,
  emulatorRegion,
  startMiniStack,
  stopMiniStack,
  type RunningEmulator,
  type StackContext,
} from '../../localstack/emulator.ts';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
} from '../simulators/national-warehouse-simulator.ts';
import {
  startPopulationDatabaseSimulator,
  type PopulationDatabaseSimulator,
} from '../simulators/population-database-simulator.ts';
import { verifyPdfWithPdfsig } from '../support/signature-tools.ts';
import { certifySealKey } from './seal-certificate.ts';
import { startTestIssuer, type TestIssuer } from './test-issuer.ts';

/**
 * The deployed stacks on a LocalStack-compatible emulator (MiniStack unless AWS_ENDPOINT_URL
 * names a running one): the API through the emulator's API Gateway data plane, real files
 * POSTed to S3, the S3 event, the Step Functions workflow and its Lambdas, and the agency
 * seal signed by the emulator's KMS. One deployment serves every test (it is the slow part).
 */
const suiteTimeoutMs = 15 * 60_000;
const citizen = { sub: 'stack-test-citizen', role: 'citizen', ownerId: '001099012345' };
const officer = { sub: 'stack-test-officer', role: 'officer', unit: 'PC06' };
const admin = { sub: 'stack-test-admin', role: 'admin' };

let issuer: TestIssuer | undefined;
let emulator: RunningEmulator | undefined;
/** The national warehouse the stage pushes to: the deployed sync consumer calls it on 127.0.0.1. */
let warehouse: NationalWarehouseSimulator | undefined;
/** The Secrets Manager secret holding the warehouse's client secret, made in the emulator for this run. */
let warehouseSecretName = '';
/** The population database the deployed Extract step confirms owners against, on 127.0.0.1. */
let population: PopulationDatabaseSimulator | undefined;
/** The Secrets Manager secret holding its client secret. */
let populationSecretName = '';
let context: StackContext = {};
let apiId = '';
let apiBase = '';
let onUploadFunction = '';
let signingKeyArn = '';
/** The citizen's token, used unless a call names another. */
let token = '';

/** A raw request: any body, any headers; the citizen's token unless `bearer` names another (null: none). */
async function send(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string>; bearer?: string | null } = {},
) {
  const bearer = init.bearer === undefined ? token : init.bearer;
  const response = await fetch(`${apiBase}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    headers: response.headers,
    json,
    text,
  };
}

async function api(method: string, path: string, body?: unknown, bearer = token) {
  return send(method, path, { bearer, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/**
 * Uploads a fixture through the API's presigned POST and waits for the workflow to end or
 * to stop for review. Citizens name their folder, officers the owner they file for.
 */
async function uploadFixture(
  fixture: string,
  contentType: string,
  placement: { folderId?: string; ownerId?: string },
  bearer = token,
) {
  const bytes = await readFile(new URL(`../fixtures/${fixture}`, import.meta.url));
  const fileName = fixture.split('/').pop() ?? fixture;
  const ticket = await api('POST', '/v1/uploads', { fileName, contentType, size: bytes.length, ...placement }, bearer);
  assert.equal(ticket.status, 201, ticket.text);
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.json.upload.fields as Record<string, string>))
    form.append(name, value);
  form.append('file', new Blob([bytes], { type: contentType }), fileName);
  const posted = await fetch(ticket.json.upload.url, { method: 'POST', body: form });
  assert.ok(
    posted.status === 204 || posted.status === 201 || posted.status === 200,
    `S3 POST answered ${posted.status}: ${await posted.text()}`,
  );

  const uploadId: string = ticket.json.uploadId;
  return { uploadId, upload: await settledUpload(uploadId, bearer), bytes };
}

/** Polls an upload until the workflow ends (DONE, FAILED) or waits for a reviewer. */
async function settledUpload(uploadId: string, bearer = token) {
  const deadline = Date.now() + 120_000;
  let upload: any;
  do {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    upload = (await api('GET', `/v1/uploads/${uploadId}`, undefined, bearer)).json;
  } while (!['DONE', 'FAILED', 'REVIEW'].includes(upload?.status) && Date.now() < deadline);
  return upload;
}

async function fileFixture(folderId: string, fixture: string, contentType: string) {
  const { uploadId, upload, bytes } = await uploadFixture(fixture, contentType, { folderId });
  assert.equal(upload?.status, 'DONE', `upload ${uploadId} ended as ${JSON.stringify(upload)}`);
  return { uploadId, documentId: upload.documentId as string, bytes };
}

/** The administrator's part of sealing: trust the agency's root, then import the seal key's certificate chain. */
async function importSealCertificate(adminToken: string, rootPem: string, chainPem: string) {
  const anchors = await api('PUT', '/v1/signing/trust-anchors/agency-seal', { certificates: rootPem }, adminToken);
  assert.equal(anchors.status, 200, anchors.text);
  const imported = await api('PUT', '/v1/signing/seal-certificate', { certificateChain: chainPem }, adminToken);
  assert.equal(imported.status, 200, imported.text);
}

/** Emulators route by the credential scope; they do not check the signature. */
const emulatorAuthorization = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/${emulatorRegion}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/** Invokes a deployed function directly; fails the test if it reports a function error. */
async function invokeFunction(functionName: string, event: unknown): Promise<unknown> {
  const response = await fetch(`${emulator?.endpoint ?? ''}/2015-03-31/functions/${functionName}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: emulatorAuthorization('lambda') },
    body: JSON.stringify(event),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.equal(response.headers.get('x-amz-function-error'), null, `${functionName} failed: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A call to an AWS JSON-protocol API (EventBridge here) on the emulator. */
async function awsJson(service: string, target: string, body: unknown): Promise<any> {
  const response = await fetch(emulator?.endpoint ?? '', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization: emulatorAuthorization(service),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${target}: ${text}`);
  return JSON.parse(text);
}

/** SDK settings for the emulator (it checks no signature). */
const emulatorClientConfig = () => ({
  endpoint: emulator?.endpoint ?? '',
  region: emulatorRegion,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/**
 * The gateway's client secret goes where an operator puts it, Secrets Manager (docs/deployment.md);
 * the stage is then deployed with the gateway's other settings as context.
 */
async function createWarehouseSecret(simulator: NationalWarehouseSimulator): Promise<StackContext> {
  warehouseSecretName = `khoso-stack-test/national-warehouse-${randomUUID().slice(0, 8)}`;
  const secrets = new SecretsManagerClient(emulatorClientConfig());
  try {
    await secrets.send(
      new CreateSecretCommand({
        Name: warehouseSecretName,
        SecretString: JSON.stringify({ clientSecret: simulator.clientSecret }),
      }),
    );
  } finally {
    secrets.destroy();
  }
  const { authentication, ...gateway } = simulator.clientConfig('client-credentials');
  const { clientSecret: _inSecretsManager, ...publicAuthentication } = authentication as { clientSecret: string };
  return {
    nationalWarehouseGateway: JSON.stringify({ ...gateway, authentication: publicAuthentication }),
    nationalWarehouseCredentialsSecret: warehouseSecretName,
  };
}

/** The population database's gateway, configured the same way: its client secret in Secrets Manager. */
async function createPopulationSecret(simulator: PopulationDatabaseSimulator): Promise<StackContext> {
  populationSecretName = `khoso-stack-test/population-database-${randomUUID().slice(0, 8)}`;
  const { clientSecret, ...publicAuthentication } = simulator.authentication;
  const secrets = new SecretsManagerClient(emulatorClientConfig());
  try {
    await secrets.send(
      new CreateSecretCommand({ Name: populationSecretName, SecretString: JSON.stringify({ clientSecret }) }),
    );
  } finally {
    secrets.destroy();
  }
  return {
    populationDatabaseGateway: JSON.stringify({ ...simulator.clientConfig(), authentication: publicAuthentication }),
    populationDatabaseCredentialsSecret: populationSecretName,
  };
}

async function deleteSecrets(): Promise<void> {
  const secrets = new SecretsManagerClient(emulatorClientConfig());
  try {
    for (const name of [warehouseSecretName, populationSecretName].filter(Boolean))
      await secrets.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  } finally {
    secrets.destroy();
  }
}

/** The on-upload Lambda invoked directly with an S3 record, as a redelivered event would. */
async function redeliverS3Event(key: string, size: number) {
  const event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: emulatorRegion,
        eventName: 'ObjectCreated:Post',
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: `khoso-${context.stage}-vault-${emulatorAccount}-${emulatorRegion}` },
          object: { key, size },
        },
      },
    ],
  };
  await invokeFunction(onUploadFunction, event);
}

describe('khoso deployed on a LocalStack-compatible emulator', { timeout: suiteTimeoutMs }, () => {
  before(async () => {
    issuer = await startTestIssuer();
    warehouse = await startNationalWarehouseSimulator();
    population = await startPopulationDatabaseSimulator();
    emulator = await startMiniStack();
    // The test issuer is trusted as an administrator lists a provider: for access and logout tokens.
    // Issued results are pushed to the simulated national warehouse.
    context = {
      stage: 'dev',
      identityProviders: JSON.stringify([issuer.identityProvider]),
      ...(await createWarehouseSecret(warehouse)),
      ...(await createPopulationSecret(population)),
    };
    const started = Date.now();
    const outputs = await deployStacks({ context, quiet: true, timeoutMs: 8 * 60_000 });
    console.log(`# deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const stateless = outputs[`Khoso-${context.stage}-Stateless`] ?? {};
    assert.ok(stateless.ApiId, `no ApiId in ${JSON.stringify(outputs)}`);
    apiId = stateless.ApiId;
    apiBase = `${emulator.endpoint}/_aws/execute-api/${apiId}`;
    onUploadFunction = stateless.OnUploadFunctionName ?? '';
    signingKeyArn = outputs[`Khoso-${context.stage}-Stateful`]?.SigningKeyArn ?? '';
    token = await issuer.issueToken(citizen);
  });

  after(async () => {
    try {
      if (emulator) await destroyStacks({ context, quiet: true, timeoutMs: 3 * 60_000 });
      if (emulator) await deleteSecrets();
    } finally {
      if (emulator?.startedHere) await stopMiniStack();
      await issuer?.close();
      await warehouse?.close();
      await population?.close();
    }
  });

  test('public routes answer without a token; vault routes answer 401 problem+json', async () => {
    const health = await fetch(`${apiBase}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const anonymous = await fetch(`${apiBase}/v1/folders`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('content-type') ?? '', /application\/problem\+json/);
    const forged = await fetch(`${apiBase}/v1/folders`, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    assert.equal(forged.status, 401);
  });

  test('a citizen files a PDF and an image, reads them back, and a duplicate S3 event changes nothing', async () => {
    const tree = await api('GET', '/v1/folders');
    assert.equal(tree.status, 200, tree.text);
    const folder = await api('POST', '/v1/folders', { name: `Stack test ${randomUUID().slice(0, 8)}` });
    assert.equal(folder.status, 201, folder.text);
    const folderId: string = folder.json.id;

    const pdf = await fileFixture(folderId, 'sample-result.pdf', 'application/pdf');
    const image = await fileFixture(folderId, 'sample-scan.png', 'image/png');

    for (const filed of [pdf, image]) {
      const document = await api('GET', `/v1/documents/${filed.documentId}`);
      assert.equal(document.status, 200, document.text);
      assert.equal(document.json.folderId, folderId);
      assert.equal(document.json.sha256, createHash('sha256').update(filed.bytes).digest('hex'));
      const content = await api('GET', `/v1/documents/${filed.documentId}/content`);
      assert.equal(content.status, 302, content.text);
      const download = await fetch(content.headers.get('location') ?? '');
      assert.equal(download.status, 200);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), filed.bytes);
    }

    // The image was read by the deployed OCR function (Tesseract with the shipped Vietnamese model).
    const text = await api('GET', `/v1/documents/${image.documentId}/text`);
    assert.equal(text.status, 200, text.text);
    assert.match(text.text, /XÁC NHẬN/, 'Vietnamese capitals with their diacritics');
    assert.match(text.text, /Hà Nội/);

    await redeliverS3Event(`incoming/${pdf.uploadId}`, pdf.bytes.length);
    const upload = await api('GET', `/v1/uploads/${pdf.uploadId}`);
    assert.equal(upload.json.status, 'DONE');
    assert.equal(upload.json.documentId, pdf.documentId);
    const listing = await api('GET', `/v1/documents?folderId=${folderId}`);
    assert.equal(listing.status, 200, listing.text);
    assert.deepEqual(
      listing.json.items.map((d: { id: string }) => d.id).sort(),
      [pdf.documentId, image.documentId].sort(),
    );
  });

  test('a file that is not what it claims fails the workflow with a reason and files nothing', async () => {
    const folder = await api('POST', '/v1/folders', { name: `Rejected ${randomUUID().slice(0, 8)}` });
    assert.equal(folder.status, 201, folder.text);
    const { upload } = await uploadFixture('not-a-pdf.pdf', 'application/pdf', { folderId: folder.json.id });
    assert.equal(upload?.status, 'FAILED', JSON.stringify(upload));
    assert.ok(upload.failureReason, 'a failed upload says why');
    assert.equal(upload.documentId, undefined);
    const listing = await api('GET', `/v1/documents?folderId=${folder.json.id}`);
    assert.deepEqual(listing.json.items, []);
  });

  test("a fresh stage cannot issue: readiness says the seal is not configured, and an officer's upload is refused up front", async () => {
    const [adminToken, officerToken] = await Promise.all([issuer!.issueToken(admin), issuer!.issueToken(officer)]);
    const readiness = await api('GET', '/v1/admin/readiness', undefined, adminToken);
    assert.equal(readiness.status, 200, readiness.text);
    assert.equal(readiness.json.ready, false);
    assert.equal(readiness.json.seal.status, 'not-configured');
    assert.match(readiness.json.seal.action, /PUT \/v1\/signing\/seal-certificate/);
    const refused = await api(
      'POST',
      '/v1/uploads',
      { fileName: 'ket-qua.pdf', contentType: 'application/pdf', size: 1000, ownerId: citizen.ownerId },
      officerToken,
    );
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.contentType, /^application\/problem\+json/);
    assert.equal(refused.json.type, 'urn:khoso:problem:seal-not-configured');
    assert.match(refused.json.detail, /no certificate.*PUT \/v1\/signing\/seal-certificate/s);
  });

  test('a seal certificate that expires between the presign and the Seal step fails the upload with that reason', async () => {
    const [adminToken, officerToken] = await Promise.all([issuer!.issueToken(admin), issuer!.issueToken(officer)]);
    // Valid from a minute ago for 75 s: the presign is accepted, the Seal step comes too late.
    const validFrom = new Date(Date.now() - 60_000);
    const { rootPem, chainPem } = await certifySealKey(emulator!.endpoint, signingKeyArn, {
      validFrom,
      validDays: 75 / 86_400,
    });
    await importSealCertificate(adminToken, rootPem, chainPem);
    const bytes = await readFile(new URL('../fixtures/sample-result.pdf', import.meta.url));
    const ticket = await api(
      'POST',
      '/v1/uploads',
      { fileName: 'ket-qua.pdf', contentType: 'application/pdf', size: bytes.length, ownerId: citizen.ownerId },
      officerToken,
    );
    assert.equal(ticket.status, 201, ticket.text);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, validFrom.getTime() + 76_000 - Date.now())));
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.json.upload.fields as Record<string, string>))
      form.append(name, value);
    form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'ket-qua.pdf');
    const posted = await fetch(ticket.json.upload.url, { method: 'POST', body: form });
    assert.ok(posted.status < 300, `S3 POST answered ${posted.status}: ${await posted.text()}`);
    let settled = await settledUpload(ticket.json.uploadId, officerToken);
    if (settled?.status === 'REVIEW') {
      const review = await api('POST', `/v1/uploads/${ticket.json.uploadId}/review`, { approve: true }, officerToken);
      assert.equal(review.status, 200, review.text);
      settled = await settledUpload(ticket.json.uploadId, officerToken);
    }
    // The deployed (minified) seal function's error keeps its name, so the reason is the specific one.
    assert.equal(settled?.status, 'FAILED', JSON.stringify(settled));
    assert.match(settled.failureReason, /^The agency seal certificate expired at /, settled.failureReason);
    assert.equal(settled.documentId, undefined);
    const readiness = await api('GET', '/v1/admin/readiness', undefined, adminToken);
    assert.equal(readiness.json.seal.status, 'expired', readiness.text);
  });

  test('an officer files a result for a citizen: it carries the agency seal, signed in KMS, valid and trusted', async () => {
    const [adminToken, officerToken] = await Promise.all([issuer!.issueToken(admin), issuer!.issueToken(officer)]);
    // The administrator's part: trust the agency's root, then import the seal key's certificate.
    const { rootPem, chainPem } = await certifySealKey(emulator!.endpoint, signingKeyArn);
    await importSealCertificate(adminToken, rootPem, chainPem);
    const readiness = await api('GET', '/v1/admin/readiness', undefined, adminToken);
    assert.equal(readiness.json.ready, true, readiness.text);
    assert.equal(readiness.json.seal.status, 'configured');

    const { uploadId, upload } = await uploadFixture(
      'sample-result.pdf',
      'application/pdf',
      { ownerId: citizen.ownerId },
      officerToken,
    );
    let settled = upload;
    // An issued document that matches no template confidently waits for the officer's look.
    if (settled?.status === 'REVIEW') {
      const review = await api('POST', `/v1/uploads/${uploadId}/review`, { approve: true }, officerToken);
      assert.equal(review.status, 200, review.text);
      settled = await settledUpload(uploadId, officerToken);
    }
    assert.equal(settled?.status, 'DONE', `upload ${uploadId} ended as ${JSON.stringify(settled)}`);
    const documentId: string = settled.documentId;

    // The citizen's copy is the sealed PDF; poppler checks it against the test root alone.
    const content = await api('GET', `/v1/documents/${documentId}/content`);
    assert.equal(content.status, 302, content.text);
    const download = await fetch(content.headers.get('location') ?? '');
    assert.equal(download.status, 200);
    const sealed = new Uint8Array(await download.arrayBuffer());
    const pdfsig = await verifyPdfWithPdfsig(sealed, [rootPem]);
    assert.ok(pdfsig.ok, pdfsig.output);

    const signatures = await api('GET', `/v1/documents/${documentId}/signatures`);
    assert.equal(signatures.status, 200, signatures.text);
    assert.deepEqual(
      signatures.json.items.map((s: { provider: string; status: string; format: string }) => [
        s.provider,
        s.status,
        s.format,
      ]),
      [['agency-seal', 'completed', 'pades']],
    );
    assert.equal(signatures.json.items[0].requestedBy.role, 'officer');
    const verification = await api('GET', `/v1/documents/${documentId}/verification`);
    assert.equal(verification.status, 200, verification.text);
    assert.equal(verification.json.valid, true, verification.text);
    assert.deepEqual(
      verification.json.signatures.map((s: { trustedFor?: string; modifiedAfterSigning: boolean }) => [
        s.trustedFor,
        s.modifiedAfterSigning,
      ]),
      [['agency-seal', false]],
    );
  });

  /**
   * Issue 12 item 6: a result filed through the integration API reaches the national warehouse,
   * with nothing invoked by hand. MiniStack fires the EventBridge rule (`rate(1 minute)`, swept every
   * 10 s) that runs the dispatcher, and runs the consumer from the sync queue's event source mapping
   * (partial batch responses honoured); the consumer reads the gateway's client secret from Secrets
   * Manager and calls the simulator on 127.0.0.1, as it would the portal through its gateway.
   */
  describe('the push to the national warehouse', () => {
    const machineClient = { sub: 'a08-business-system', client_id: 'a08-business-system', unit: 'A08' };
    const caseNumber = `000.00.01.H22-${randomUUID().slice(0, 8)}`;
    let machineToken = '';
    let resultBody: Record<string, unknown> = {};
    let filed: { resultId: string; documentId: string; sealed: Uint8Array; rootPem: string; filedAt: number };

    /** Polls the result until the workflow ends for it. */
    async function settledResult(resultId: string) {
      const deadline = Date.now() + 120_000;
      let status: any;
      do {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        status = (await api('GET', `/v1/integration/results/${resultId}`, undefined, machineToken)).json;
      } while (!['DONE', 'FAILED'].includes(status?.state) && Date.now() < deadline);
      return status;
    }

    /** Waits for the sync queue to be empty: every message sent so far was consumed. */
    async function drainedSyncQueue(timeoutMs: number) {
      const sqs = new SQSClient(emulatorClientConfig());
      try {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `khoso-${context.stage}-sync` }));
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          if (
            Attributes.ApproximateNumberOfMessages === '0' &&
            Attributes.ApproximateNumberOfMessagesNotVisible === '0'
          )
            return;
          assert.ok(Date.now() < deadline, `the sync queue still holds messages: ${JSON.stringify(Attributes)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        sqs.destroy();
      }
    }

    /** The outcomes the deployed consumer logged for an event (MiniStack keeps Lambda logs in CloudWatch Logs). */
    async function consumerOutcomes(eventId: string): Promise<string[]> {
      const { events = [] } = await awsJson('logs', 'Logs_20140328.FilterLogEvents', {
        logGroupName: `/aws/lambda/khoso-${context.stage}-sync-consumer`,
      });
      return (events as { message: string }[]).flatMap(({ message }) => {
        try {
          const line = JSON.parse(message) as { message?: string; eventId?: string; outcome?: string };
          return line.message === 'sync message settled' && line.eventId === eventId ? [line.outcome ?? ''] : [];
        } catch {
          return [];
        }
      });
    }

    before(async () => {
      machineToken = await issuer!.issueToken({ ...machineClient, scope: 'results:write results:read' });
    });

    test('a result filed by a business system is sealed, filed, and pushed once by the scheduled dispatcher and the queue', async (t) => {
      const adminToken = await issuer!.issueToken(admin);
      // This run's own trust root, so the copy the portal downloads can be checked against it alone.
      const { rootPem, chainPem } = await certifySealKey(emulator!.endpoint, signingKeyArn);
      await importSealCertificate(adminToken, rootPem, chainPem);

      // A PDF of this run's own (its subject differs), so its hash is no other test's.
      const pdf = await PDFDocument.load(await readFile(new URL('../fixtures/sample-result.pdf', import.meta.url)));
      pdf.setSubject(caseNumber);
      const bytes = new Uint8Array(await pdf.save());
      resultBody = {
        ownerId: citizen.ownerId,
        resultType: 'KQ.G15.000031',
        number: `${caseNumber.slice(-8)}/GXN-CAP`,
        issuer: { code: '000.00.01.H22', name: 'Phòng Cảnh sát quản lý hành chính' },
        procedureCode: '1.000046',
        caseNumber,
        issueDate: '2026-12-03',
        summary: 'Giấy xác nhận thông tin cư trú',
        fields: { fullName: 'Nguyễn Văn An' },
        file: {
          contentType: 'application/pdf',
          size: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        },
      };
      const intakeAt = performance.now();
      const receipt = await api('POST', '/v1/integration/results', resultBody, machineToken);
      assert.equal(receipt.status, 201, receipt.text);
      const form = new FormData();
      for (const [name, value] of Object.entries(receipt.json.upload.fields as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'ket-qua.pdf');
      const posted = await fetch(receipt.json.upload.url, { method: 'POST', body: form });
      assert.ok(posted.status < 300, `S3 POST answered ${posted.status}: ${await posted.text()}`);

      const status = await settledResult(receipt.json.resultId);
      assert.equal(status?.state, 'DONE', JSON.stringify(status));
      const documentId: string = status.documentId;
      const content = await api('GET', `/v1/documents/${documentId}/content`);
      assert.equal(content.status, 302, content.text);
      const sealed = new Uint8Array(await (await fetch(content.headers.get('location') ?? '')).arrayBuffer());
      assert.notDeepEqual(sealed, bytes, 'the filed copy carries the seal');
      filed = { resultId: receipt.json.resultId, documentId, sealed, rootPem, filedAt: performance.now() };

      // No invocation here: the schedule runs the dispatcher within its minute, the queue the consumer.
      const deadline = Date.now() + 150_000;
      while (!warehouse!.dossier(caseNumber)) {
        assert.ok(Date.now() < deadline, `the dossier ${caseNumber} did not reach the warehouse`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const arrivedAt = performance.now();
      t.diagnostic(
        `intake to the national warehouse (MiniStack): ${((arrivedAt - intakeAt) / 1000).toFixed(1)} s, ` +
          `of which filed to pushed ${((arrivedAt - filed.filedAt) / 1000).toFixed(1)} s (the dispatcher runs once a minute)`,
      );

      const dossier = warehouse!.dossier(caseNumber)!;
      assert.equal(dossier.MaHoSo, caseNumber);
      assert.equal(dossier.DanhSachGiayToKetQua.length, 1);
      const [result] = dossier.DanhSachGiayToKetQua;
      assert.equal(result?.MaGiayToKetQua, 'KQ.G15.000031');
      assert.equal(result?.GiayToId, documentId);
      assert.equal(warehouse!.timesApplied(caseNumber, documentId), 1);

      // The portal downloads the paper through the link it was given, our API's portal-link route
      // (302 to a presigned GET): the sealed PDF, trusted under this run's root. The link names the
      // API's execute-api host, which MiniStack serves under /_aws/execute-api/{ApiId} instead.
      const link = new URL(String(result?.DuongDanTepTinKetQua));
      assert.equal(link.origin, `https://${apiId}.execute-api.${emulatorRegion}.amazonaws.com`);
      assert.match(link.pathname, /^\/v1\/portal-links\/[\w-]+$/);
      const download = await fetch(`${apiBase}${link.pathname}`);
      assert.equal(download.status, 200, await download.clone().text());
      const downloaded = new Uint8Array(await download.arrayBuffer());
      assert.deepEqual(downloaded, sealed);
      const pdfsig = await verifyPdfWithPdfsig(downloaded, [rootPem]);
      assert.ok(pdfsig.ok, pdfsig.output);
    });

    test('the same result filed again, and its sync message delivered twice, still make one dossier', async () => {
      assert.ok(filed, 'the first filing ran');
      // Other tests' issued results are pushed through the same queue: counts start once it is quiet.
      await drainedSyncQueue(60_000);
      const createsBefore = warehouse!.requestCount('createDossier');
      const updatesBefore = warehouse!.requestCount('updateDossier');

      const again = await api('POST', '/v1/integration/results', resultBody, machineToken);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.created, false);
      assert.equal(again.json.resultId, filed.resultId);
      assert.equal(again.json.upload, undefined, 'the file arrived, so no new POST');
      assert.equal(again.json.status.documentId, filed.documentId);

      // SQS delivers at least once: the dispatcher's message for this filing, sent a second time.
      const eventId = `document.filed:${filed.documentId}:1`;
      const sqs = new SQSClient(emulatorClientConfig());
      try {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `khoso-${context.stage}-sync` }));
        await sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: JSON.stringify({
              type: 'document.filed',
              ownerId: citizen.ownerId,
              documentId: filed.documentId,
              versionNumber: 1,
              eventId,
            }),
          }),
        );
      } finally {
        sqs.destroy();
      }
      await drainedSyncQueue(60_000);
      // The consumer received the duplicate and settled it without calling the portal: the record is synced.
      const deadline = Date.now() + 20_000;
      let outcomes = await consumerOutcomes(eventId);
      while (!outcomes.includes('skipped') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        outcomes = await consumerOutcomes(eventId);
      }
      assert.deepEqual(outcomes.sort(), ['skipped', 'synced']);

      assert.equal(warehouse!.timesApplied(caseNumber, filed.documentId), 1);
      assert.equal(warehouse!.dossier(caseNumber)?.DanhSachGiayToKetQua.length, 1);
      assert.equal(warehouse!.requestCount('createDossier'), createsBefore, 'no second create');
      assert.equal(warehouse!.requestCount('updateDossier'), updatesBefore, 'no update either: the record is synced');
    });
  });

  test("an officer's page naming a person: the deployed Extract step asks the population database through its gateway", async () => {
    // The driving licence fixture names LƯU XUÂN HIỂN, born 1964-07-17, whom the simulator holds.
    const holder = '038064357769';
    const officerToken = await issuer!.issueToken(officer);
    // Earlier tests' officer pages for the citizen were looked up too.
    const earlier = population!.lookups().length;
    const { uploadId, upload } = await uploadFixture(
      'ocr/types/giay-phep-lai-xe.png',
      'image/png',
      { ownerId: holder },
      officerToken,
    );
    assert.ok(['DONE', 'REVIEW'].includes(upload?.status), `upload ${uploadId} ended as ${JSON.stringify(upload)}`);
    // The Extract function read its secret, took the gateway's token and looked the owner up, once.
    assert.deepEqual(population!.lookups().slice(earlier), [{ personalId: holder }]);
    // It may wait for review on confidence, never on identity: the owner was confirmed.
    for (const reason of upload.proposed?.reasons ?? [])
      assert.doesNotMatch(reason, /population database|identity card|on the page differ/);
    if (upload.status === 'REVIEW') {
      const rejected = await api(
        'POST',
        `/v1/uploads/${uploadId}/review`,
        { approve: false, reason: 'stack test' },
        officerToken,
      );
      assert.equal(rejected.status, 200, rejected.text);
    }
  });
  test('a rule runs the remote signature checks every minute; a run with nothing due checks nothing', async () => {
    const name = `khoso-${context.stage}-check-remote-signatures`;
    const rule = await awsJson('events', 'AWSEvents.DescribeRule', { Name: name });
    assert.equal(rule.ScheduleExpression, 'rate(1 minute)');
    assert.equal(rule.State, 'ENABLED');
    const { Targets } = await awsJson('events', 'AWSEvents.ListTargetsByRule', { Rule: name });
    assert.deepEqual(
      Targets.map((target: { Arn: string }) => target.Arn.split(':').at(-1)),
      [name],
    );
    // The test ends before the first scheduled run, so run it as the rule would.
    const outcome = await invokeFunction(name, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    assert.deepEqual(outcome, { checked: 0, completed: 0, closed: 0 });
  });
  /**
   * A representative subset of test/security on the deployed stack: tokens, IDOR, mass
   * assignment, oversize and nested bodies, misleading names, injection, presigned POST abuse
   * and a revoked link, each a 4xx problem+json that changes nothing.
   */
  describe('hostile input on the deployed stack', () => {
    const other = { sub: 'stack-test-citizen-2', role: 'citizen', ownerId: '079203001234' };
    let otherToken = '';
    let folderId = '';
    let documentId = '';
    let uploadId = '';

    function assertProblem(
      response: Awaited<ReturnType<typeof send>>,
      status: number,
      code: string | string[],
      label = '',
    ) {
      const codes = typeof code === 'string' ? [code] : code;
      assert.equal(response.status, status, `${label} ${response.status} ${response.text.slice(0, 300)}`);
      assert.match(response.contentType, /^application\/problem\+json/, `${label} ${response.contentType}`);
      assert.ok(
        codes.map((c) => `urn:khoso:problem:${c}`).includes(response.json?.type),
        `${label} ${response.text.slice(0, 300)}`,
      );
    }

    /** The citizen's folder listing and document: what an attack must not change. */
    async function state() {
      const items = await api('GET', `/v1/folders/${folderId}/items`);
      const document = await api('GET', `/v1/documents/${documentId}`);
      const versions = await api('GET', `/v1/documents/${documentId}/versions`);
      const tree = await api('GET', '/v1/folders');
      return { items: items.json, document: document.json, versions: versions.json, tree: tree.json };
    }

    async function unchanged(attack: () => Promise<void>) {
      const before = await state();
      await attack();
      assert.deepEqual(await state(), before, 'nothing changed');
    }

    before(async () => {
      otherToken = await issuer!.issueToken(other);
      const folder = await api('POST', '/v1/folders', { name: `Tấn công ${randomUUID().slice(0, 8)}` });
      assert.equal(folder.status, 201, folder.text);
      folderId = folder.json.id;
      const filed = await fileFixture(folderId, 'sample-result.pdf', 'application/pdf');
      documentId = filed.documentId;
      uploadId = filed.uploadId;
    });

    /** Tokens an attacker can make without the issuer's key. */
    async function forgedTokens() {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = { ...citizen, iss: issuer!.issuer, aud: issuer!.audience, iat: now - 10, exp: now + 600 };
      const jwks = await (await fetch(issuer!.jwksUrl)).text();
      const { privateKey } = await generateKeyPair('ES256');
      const [header, , signature] = otherToken.split('.');
      return {
        none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
        hs256: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: 'stack-test' })
          .sign(new TextEncoder().encode(jwks)),
        foreign: await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'stack-test' }).sign(privateKey),
        swapped: `${header}.${b64(claims)}.${signature}`,
      };
    }

    async function assertTokensRefused(tokens: Record<string, string>) {
      await unchanged(async () => {
        for (const [label, forged] of Object.entries(tokens)) {
          assertProblem(
            await send('GET', `/v1/documents/${documentId}`, { bearer: forged }),
            401,
            'unauthenticated',
            label,
          );
          assertProblem(
            await send('POST', '/v1/folders', { bearer: forged, body: JSON.stringify({ name: label }) }),
            401,
            'unauthenticated',
            label,
          );
        }
      });
    }

    test('forged tokens: alg none, and HS256 signed with the JWKS as the secret', async () => {
      const { none, hs256 } = await forgedTokens();
      await assertTokensRefused({ none, hs256 });
    });

    test("forged tokens: a foreign key under the issuer's kid, and another citizen's signature over a swapped payload", async () => {
      const { foreign, swapped } = await forgedTokens();
      await assertTokensRefused({ foreign, swapped });
    });

    test("IDOR: another citizen gets the same 404 for the citizen's folder, document, upload and content as for a missing id", async () => {
      await unchanged(async () => {
        for (const path of [
          `/v1/documents/${documentId}`,
          `/v1/documents/${documentId}/content`,
          `/v1/folders/${folderId}/items`,
          `/v1/uploads/${uploadId}`,
          `/v1/documents/${documentId}/versions`,
        ]) {
          const probe = await send('GET', path, { bearer: otherToken });
          const missing = await send('GET', path.replace(/[0-9a-f-]{36}/, randomUUID()), { bearer: otherToken });
          assertProblem(probe, 404, 'not-found', path);
          assert.deepEqual({ ...probe.json, instance: undefined }, { ...missing.json, instance: undefined }, path);
        }
        assertProblem(
          await send('PATCH', `/v1/documents/${documentId}`, {
            bearer: otherToken,
            body: JSON.stringify({ title: 'Chiếm' }),
          }),
          404,
          'not-found',
        );
        assertProblem(await send('DELETE', `/v1/folders/${folderId}`, { bearer: otherToken }), 404, 'not-found');
      });
    });

    test('mass assignment and prototype pollution are 400', async () => {
      await unchanged(async () => {
        assertProblem(
          await send('POST', '/v1/folders', {
            body: JSON.stringify({ name: 'x', parentId: folderId, ownerId: other.ownerId }),
          }),
          400,
          'invalid-request',
          'ownerId',
        );
        assertProblem(
          await send('PATCH', `/v1/documents/${documentId}`, { body: JSON.stringify({ source: 'issued' }) }),
          400,
          'invalid-request',
          'source',
        );
        assertProblem(
          await send('POST', '/v1/folders', {
            body: `{"name": "x", "parentId": "${folderId}", "__proto__": {"role": "admin"}}`,
          }),
          400,
          'invalid-request',
          '__proto__',
        );
        assertProblem(
          await send('PATCH', `/v1/documents/${documentId}`, {
            body: '{"title": "x", "constructor": {"prototype": {"polluted": true}}}',
          }),
          400,
          'invalid-request',
          'constructor',
        );
      });
    });

    test("a body over the route's 64 KiB limit is 413 problem+json", async () => {
      await unchanged(async () => {
        const big = await send('POST', '/v1/folders', {
          body: JSON.stringify({ name: 'x', parentId: folderId, padding: 'x'.repeat(70 * 1024) }),
        });
        assertProblem(big, 413, 'payload-too-large');
      });
    });

    test('20,000 nested arrays are 400, not a crash of the function', async () => {
      await unchanged(async () => {
        assertProblem(
          await send('POST', '/v1/folders', { body: `{"name": ${'['.repeat(20_000)}${']'.repeat(20_000)}}` }),
          400,
          'invalid-request',
          'nested',
        );
      });
      assert.equal((await api('GET', `/v1/documents/${documentId}`)).status, 200, 'the function still answers');
    });

    test('path traversal and bidi characters in names are refused by the published schema (400); NFC/NFD twins are 409', async () => {
      const nfc = 'Giấy tờ nhà đất'.normalize('NFC');
      const created = await api('POST', '/v1/folders', { name: nfc, parentId: folderId });
      assert.equal(created.status, 201, created.text);
      await unchanged(async () => {
        for (const name of ['../../etc/passwd', 'hoa-don\u202Efdp.exe', 'a\u0000b']) {
          assertProblem(
            await send('POST', '/v1/folders', { body: JSON.stringify({ name, parentId: folderId }) }),
            400,
            'invalid-request',
            JSON.stringify(name),
          );
        }
        assertProblem(
          await send('POST', '/v1/folders', {
            body: JSON.stringify({ name: nfc.normalize('NFD'), parentId: folderId }),
          }),
          409,
          'name-taken',
          'NFD',
        );
      });
    });

    test('injection strings are stored and returned verbatim in DynamoDB', async () => {
      const strings = [
        "' OR '1'='1' --",
        '#pk = :pk OR attribute_exists(pk)',
        '<script>alert(1)</script>',
        '${7*7} {{7*7}} %s%n',
      ];
      for (const text of strings) {
        const updated = await api('PATCH', `/v1/documents/${documentId}`, { summary: text, issuer: text });
        assert.equal(updated.status, 200, updated.text);
        const read = await api('GET', `/v1/documents/${documentId}`);
        assert.equal(read.json.summary, text);
        assert.equal(read.json.issuer, text);
      }
      const search = await send('GET', `/v1/documents?q=${encodeURIComponent("' OR '1'='1")}`, { bearer: otherToken });
      assert.equal(search.status, 200, search.text);
      assert.ok(
        !search.json.items.some((item: { id: string }) => item.id === documentId),
        "another vault's search finds nothing of it",
      );
    });

    test('presigned POST abuse on S3: a larger file than declared is never filed', async () => {
      const bytes = await readFile(new URL('../fixtures/sample-result.pdf', import.meta.url));
      const ticket = await api('POST', '/v1/uploads', {
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: bytes.length,
        folderId,
      });
      assert.equal(ticket.status, 201, ticket.text);
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.json.upload.fields as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([Buffer.concat([bytes, Buffer.alloc(4096)])], { type: 'application/pdf' }), 'x.pdf');
      const posted = await fetch(ticket.json.upload.url, { method: 'POST', body: form });
      await posted.arrayBuffer();
      if (posted.status >= 400) {
        // S3 enforced the policy: the upload stays pending.
        assert.equal((await api('GET', `/v1/uploads/${ticket.json.uploadId}`)).json.status, 'PENDING_UPLOAD');
      } else {
        // The emulator took it: the workflow's size check must still refuse to file it.
        const settled = await settledUpload(ticket.json.uploadId);
        assert.equal(settled?.status, 'FAILED', JSON.stringify(settled));
        assert.equal(settled.documentId, undefined);
      }
      const listing = await api('GET', `/v1/documents?folderId=${folderId}`);
      assert.deepEqual(
        listing.json.items.map((item: { id: string }) => item.id),
        [documentId],
        'nothing new was filed',
      );
    });

    test('a revoked link is 404 problem+json at once', async () => {
      const created = await api('POST', '/v1/links', {
        resourceType: 'document',
        resourceId: documentId,
        permissions: ['metadata'],
      });
      assert.equal(created.status, 201, created.text);
      const opened = await send('GET', `/v1/shared-links/${created.json.token}`, { bearer: null });
      assert.equal(opened.status, 200, opened.text);
      assert.equal((await api('DELETE', `/v1/links/${created.json.link.id}`)).status, 204);
      await unchanged(async () => {
        assertProblem(
          await send('GET', `/v1/shared-links/${created.json.token}`, { bearer: null }),
          404,
          'not-found',
          'revoked',
        );
        assertProblem(
          await send('DELETE', `/v1/links/${created.json.link.id}`, { bearer: otherToken }),
          404,
          'not-found',
          'another citizen revoking',
        );
      });
    });
  });

  /**
   * Single logout reaching bearer tokens on the deployed stack. The logout handler and the
   * authorizer are different Lambdas: the authorizer's deny-list cache (4 s per container) is the
   * bound on how late a logout is seen, and that is what is measured here.
   */
  describe('single logout on the deployed stack', () => {
    const ssoCitizen = { sub: 'stack-test-sso-citizen', role: 'citizen', ownerId: citizen.ownerId };
    const session = (sid: string) => issuer!.issueToken({ ...ssoCitizen, sid });
    const readFolders = (bearer: string) => send('GET', '/v1/folders', { bearer });

    function backChannel(logoutToken: string) {
      return send('POST', '/auth/backchannel-logout', {
        bearer: null,
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }

    /** Polls with the token until it is refused; the time from `since` to the first refusal (ms). */
    async function timeToRefusal(bearer: string, since: number): Promise<number> {
      for (;;) {
        const response = await readFolders(bearer);
        const elapsed = performance.now() - since;
        if (response.status === 401) {
          assert.match(response.contentType, /^application\/problem\+json/);
          assert.equal(response.json?.type, 'urn:khoso:problem:unauthenticated');
          return elapsed;
        }
        assert.equal(response.status, 200, response.text);
        assert.ok(elapsed < 15_000, `still accepted ${elapsed.toFixed(0)} ms after the logout`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** Tokens of untouched sessions stay accepted: a refused logout revokes nothing. */
    async function assertAccepted(tokens: Record<string, string>) {
      for (const [label, bearer] of Object.entries(tokens)) {
        const response = await readFolders(bearer);
        assert.equal(response.status, 200, `${label}: ${response.status} ${response.text.slice(0, 200)}`);
      }
    }

    /** Waits past the current second: token times are whole seconds, and a logout's own second counts as before it. */
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));

    let replayable = '';
    let laterLogin = '';

    test('back-channel logout: 200 no-store, the session is refused within 5 s, and a later login still works', async (t) => {
      const sid = `sid-${randomUUID()}`;
      const bearer = await session(sid);
      // Also warms the authorizer's cache with "not logged out" for this session, the worst case.
      await assertAccepted({ session: bearer });
      replayable = await issuer!.issueLogoutToken({ sid });
      const logout = await backChannel(replayable);
      const loggedOutAt = performance.now();
      assert.equal(logout.status, 200, logout.text);
      assert.equal(logout.headers.get('cache-control'), 'no-store');
      const elapsed = await timeToRefusal(bearer, loggedOutAt);
      t.diagnostic(`back-channel logout to first refused request (MiniStack): ${elapsed.toFixed(0)} ms`);
      assert.ok(elapsed <= 5_000, `${elapsed.toFixed(0)} ms`);

      await nextSecond();
      laterLogin = await session(sid);
      await assertAccepted({ 'a later login of the same session id': laterLogin });
    });

    test('a replayed logout token (same jti) is 400 with an OAuth error, and nothing else is revoked', async () => {
      assert.ok(replayable, 'the back-channel test ran first');
      const other = await session(`sid-${randomUUID()}`);
      await assertAccepted({ other });
      const replay = await backChannel(replayable);
      assert.equal(replay.status, 400, replay.text);
      assert.equal(replay.json?.error, 'invalid_request');
      assert.match(replay.json?.error_description, /already used/);
      assert.equal(replay.headers.get('cache-control'), 'no-store');
      // Past the authorizer's cache bound, a wrongful revocation would show.
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      await assertAccepted({ other, 'the later login': laterLogin });
    });

    test('a logout token for our API audience instead of our client id, or with alg none, is 400 and revokes nothing', async () => {
      const sid = `sid-${randomUUID()}`;
      const bearer = await session(sid);
      await assertAccepted({ session: bearer });
      const wrongAudience = await issuer!.issueLogoutToken({ sid, aud: issuer!.audience });
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const [, payload] = (await issuer!.issueLogoutToken({ sid })).split('.');
      const unsigned = `${b64({ alg: 'none', typ: 'logout+jwt' })}.${payload}.`;
      for (const [label, logoutToken] of Object.entries({ 'wrong aud': wrongAudience, 'alg none': unsigned })) {
        const refused = await backChannel(logoutToken);
        assert.equal(refused.status, 400, `${label}: ${refused.text}`);
        assert.equal(refused.json?.error, 'invalid_request', label);
      }
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      await assertAccepted({ session: bearer });
    });

    test("front-channel logout of a session: 200 no-store, and that session's token is refused", async (t) => {
      const sid = `sid-${randomUUID()}`;
      const bearer = await session(sid);
      const untouched = await session(`sid-${randomUUID()}`);
      await assertAccepted({ session: bearer, untouched });
      const query = new URLSearchParams({ iss: issuer!.issuer, sid }).toString();
      const logout = await send('GET', `/auth/frontchannel-logout?${query}`, { bearer: null });
      const loggedOutAt = performance.now();
      assert.equal(logout.status, 200, logout.text);
      assert.equal(logout.headers.get('cache-control'), 'no-store');
      assert.match(logout.contentType, /^text\/html/);
      const elapsed = await timeToRefusal(bearer, loggedOutAt);
      t.diagnostic(`front-channel logout to first refused request (MiniStack): ${elapsed.toFixed(0)} ms`);
      assert.ok(elapsed <= 5_000, `${elapsed.toFixed(0)} ms`);
      await assertAccepted({ untouched });
    });
  });
});
