import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { PDFDocument } from 'pdf-lib';
import { readFixture } from '../support/fixtures.ts';
import { assertProblem } from '../support/http-client.ts';
import {
  personas,
  startTestVault,
  type TestVault,
  type UploadTicket,
  type VaultDocument,
} from '../support/test-vault.ts';
import { folderDocuments } from '../support/vault-reads.ts';

let t: TestVault;
let a08: string;
let citizen: string;
const owner = personas.citizen.ownerId;

interface ResultStatus {
  id: string;
  state: string;
  documentId?: string;
  versionNumber?: number;
  revoked: boolean;
  revocationReason?: string;
}
interface ResultReceipt {
  resultId: string;
  created: boolean;
  upload?: UploadTicket['upload'];
  status: ResultStatus;
}

export async function machineToken(
  vault: TestVault,
  clientId: string,
  scopes: string[],
  unit = 'A08',
): Promise<string> {
  const response = await vault.api<{ accessToken: string }>('POST', '/_local/token', {
    body: { sub: clientId, role: 'system', clientId, unit, scopes },
  });
  assert.equal(response.status, 200, response.text);
  return response.json.accessToken;
}

/** A small PDF that differs by its text, so each test has its own content hash. */
async function pdf(text: string): Promise<Uint8Array> {
  const document = await PDFDocument.load(await readFixture('sample-result.pdf'));
  document.setSubject(text);
  return new Uint8Array(await document.save());
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function resultBody(number: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
  return {
    ownerId: owner,
    resultType: 'KQ.G15.000031',
    number,
    issuer: { code: '000.00.01.H22', name: 'Phòng Cảnh sát quản lý hành chính' },
    procedureCode: '1.000046',
    caseNumber: `000.00.01.H22-241203-${number.replace(/\D/g, '').padStart(4, '0')}`,
    issueDate: '2024-12-03',
    expiryDate: '2034-12-03',
    summary: 'Giấy xác nhận thông tin cư trú',
    fields: { fullName: 'Nguyễn Văn An' },
    file: { contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256(bytes) },
    ...extra,
  };
}

async function fileAndWait(body: Record<string, unknown>, bytes: Uint8Array): Promise<ResultStatus> {
  const response = await t.api<ResultReceipt>('POST', '/v1/integration/results', { token: a08, body });
  assert.equal(response.status, 201, response.text);
  assert.ok(response.json.upload);
  const posted = await t.postForm(response.json.upload, bytes);
  assert.equal(posted.status, 204, posted.text);
  return waitFiled(response.json.resultId);
}

async function waitFiled(resultId: string): Promise<ResultStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await t.api<ResultStatus>('GET', `/v1/integration/results/${resultId}`, { token: a08 });
    assert.equal(status.status, 200, status.text);
    if (status.json.state === 'DONE' || status.json.state === 'FAILED') {
      await t.vault.workflow.idle();
      return status.json;
    }
    assert.ok(Date.now() < deadline, `result ${resultId} still ${status.json.state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function statesEntered(uploadId: string): string[] {
  const { stepFunctions } = t.vault.workflow;
  const run = stepFunctions.listExecutions('digitize').find((execution) => execution.name === uploadId);
  assert.ok(run, `no run for ${uploadId}`);
  return stepFunctions
    .getExecutionHistory(run.executionArn)
    .flatMap((event) => (event.type.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name ?? ''] : []));
}

before(async () => {
  t = await startTestVault();
  a08 = await machineToken(t, 'a08-business-system', ['results:write', 'results:read']);
  citizen = await t.token('citizen');
});
after(async () => {
  await t.close();
});

describe('results from business systems', () => {
  test('a result is filed without OCR or review in the issued folder, sealed, with its fields', async () => {
    const bytes = await pdf('first');
    const filed = await fileAndWait(resultBody('123/GXN-CAP', bytes), bytes);
    assert.equal(filed.state, 'DONE');
    assert.ok(filed.documentId);

    const document = await t.api<VaultDocument>('GET', `/v1/documents/${filed.documentId}`, { token: citizen });
    assert.equal(document.status, 200, document.text);
    assert.equal(document.json.source, 'issued');
    assert.equal(document.json.folderId, 'sys-results');
    assert.equal(document.json.type, 'KQ.G15.000031');
    assert.equal(document.json.number, '123/GXN-CAP');
    assert.equal(document.json.issueDate, '2024-12-03');
    assert.equal(document.json.expiryDate, '2034-12-03');
    assert.equal(document.json.fields?.fullName, 'Nguyễn Văn An');
    assert.equal(document.json.fields?.procedureCode, '1.000046');
    const listed = await folderDocuments(t.api, citizen, 'sys-results');
    assert.ok(listed.some((item) => item.id === filed.documentId));

    // The workflow skipped recognition: a new result's document takes its upload's id, which names the run.
    const steps = statesEntered(filed.documentId);
    assert.deepEqual(steps, ['Validate', 'FieldsGiven', 'UseGivenFields', 'NoReview', 'Seal', 'File', 'Done']);
    const history = await t.api('GET', `/v1/documents/${filed.documentId}/history`, { token: citizen });
    const actions = (history.json.items as { action: string; actor: { role: string; unit?: string } }[]).map(
      (entry) => entry.action,
    );
    assert.ok(actions.includes('document.filed'), actions.join());
    const filedEntry = (history.json.items as { action: string; actor: { role: string; unit?: string } }[]).find(
      (entry) => entry.action === 'document.filed',
    );
    assert.equal(filedEntry?.actor.role, 'system');
    assert.equal(filedEntry?.actor.unit, 'A08');

    const verification = await t.api('GET', `/v1/documents/${filed.documentId}/verification`, { token: citizen });
    assert.equal(verification.status, 200, verification.text);
    assert.equal(verification.json.valid, true);
    assert.equal(verification.json.signatures[0].trustedFor, 'agency-seal');
  });
});

describe('identity and idempotency', () => {
  test('the same result twice is one document; before its file arrives, the repeat gets a fresh POST', async () => {
    const bytes = await pdf('twice');
    const body = resultBody('200/GXN', bytes);
    const first = await t.api<ResultReceipt>('POST', '/v1/integration/results', { token: a08, body });
    assert.equal(first.status, 201, first.text);
    const again = await t.api<ResultReceipt>('POST', '/v1/integration/results', { token: a08, body });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.resultId, first.json.resultId);
    assert.equal(again.json.created, false);
    assert.ok(again.json.upload, 'the file never arrived, so the repeat carries a POST');
    const posted = await t.postForm(again.json.upload, bytes);
    assert.equal(posted.status, 204, posted.text);
    const filed = await waitFiled(first.json.resultId);
    assert.equal(filed.state, 'DONE');

    const third = await t.api<ResultReceipt>('POST', '/v1/integration/results', { token: a08, body });
    assert.equal(third.status, 200, third.text);
    assert.equal(third.json.upload, undefined);
    assert.equal(third.json.status.documentId, filed.documentId);
    const listed = await folderDocuments(t.api, citizen, 'sys-results');
    assert.equal(listed.filter((item) => item.number === '200/GXN').length, 1);
  });

  test('a burst of 5 identical requests files exactly one result', async () => {
    const bytes = await pdf('burst');
    const body = resultBody('300/GXN', bytes);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => t.api<ResultReceipt>('POST', '/v1/integration/results', { token: a08, body })),
    );
    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 201], responses.map((response) => response.text).join('\n'));
    assert.equal(new Set(responses.map((response) => response.json.resultId)).size, 1);
    const created = responses.find((response) => response.status === 201);
    assert.ok(created?.json.upload);
    assert.equal((await t.postForm(created.json.upload, bytes)).status, 204);
    const filed = await waitFiled(created.json.resultId);
    assert.equal(filed.state, 'DONE');
    const listed = await folderDocuments(t.api, citizen, 'sys-results');
    assert.equal(listed.filter((item) => item.number === '300/GXN').length, 1);
    const uploads = t.vault.workflow.stepFunctions.listExecutions('digitize');
    assert.equal(uploads.filter((run) => run.name === filed.documentId).length, 1);
  });

  test('the same identity with other content is a 409 problem, and nothing is filed', async () => {
    const bytes = await pdf('original');
    const filed = await fileAndWait(resultBody('400/GXN', bytes), bytes);
    const other = await pdf('other');
    const before = await folderDocuments(t.api, citizen, 'sys-results');
    const refused = await t.api('POST', '/v1/integration/results', { token: a08, body: resultBody('400/GXN', other) });
    assertProblem(refused, 409, 'conflict');
    assert.deepEqual(await folderDocuments(t.api, citizen, 'sys-results'), before);
    assert.ok(filed.documentId);
  });

  test('a result whose file failed the workflow can be sent again, and is filed the second time', async () => {
    const garbage = new TextEncoder().encode('this is not a PDF at all, only text posing as one');
    const failedReceipt = await t.api<ResultReceipt>('POST', '/v1/integration/results', {
      token: a08,
      body: resultBody('450/GXN', garbage),
    });
    assert.equal(failedReceipt.status, 201, failedReceipt.text);
    assert.ok(failedReceipt.json.upload);
    assert.equal((await t.postForm(failedReceipt.json.upload, garbage)).status, 204);
    const failed = await waitFiled(failedReceipt.json.resultId);
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.documentId, undefined);

    const bytes = await pdf('the right file');
    const second = await fileAndWait(resultBody('450/GXN', bytes), bytes);
    assert.equal(second.id, failed.id, 'the same identity, the same result id');
    assert.equal(second.state, 'DONE');
    const listed = await folderDocuments(t.api, citizen, 'sys-results');
    assert.equal(listed.filter((item) => item.number === '450/GXN').length, 1);
  });

  test('a file that is not the one declared (same size, other SHA-256) fails and is not filed', async () => {
    const declared = await pdf('declared file');
    const receipt = await t.api<ResultReceipt>('POST', '/v1/integration/results', {
      token: a08,
      body: resultBody('460/GXN', declared),
    });
    assert.equal(receipt.status, 201, receipt.text);
    assert.ok(receipt.json.upload);
    // Same size and still a PDF: one byte of the binary comment after the header changed.
    const swapped = new Uint8Array(declared);
    swapped[10] = swapped[10] === 0x81 ? 0x82 : 0x81;
    assert.equal((await t.postForm(receipt.json.upload, swapped)).status, 204);
    const status = await waitFiled(receipt.json.resultId);
    assert.equal(status.state, 'FAILED');
    assert.match(String((status as { failureReason?: string }).failureReason), /SHA-256/);
    assert.equal(status.documentId, undefined);
  });

  test('a replacement files a new version of the same document and keeps the old', async () => {
    const bytes = await pdf('v1');
    const original = await fileAndWait(resultBody('500/GXN', bytes), bytes);
    const replacementBytes = await pdf('v2');
    const replacement = await fileAndWait(
      resultBody('500a/GXN', replacementBytes, { replaces: original.id }),
      replacementBytes,
    );
    assert.equal(replacement.state, 'DONE');
    assert.equal(replacement.documentId, original.documentId);
    assert.equal(replacement.versionNumber, 2);
    const versions = await t.api('GET', `/v1/documents/${original.documentId}/versions`, { token: citizen });
    assert.equal(versions.status, 200, versions.text);
    assert.equal(versions.json.items.length, 2);
    const document = await t.api<VaultDocument>('GET', `/v1/documents/${original.documentId}`, { token: citizen });
    assert.equal(document.json.number, '500a/GXN');
    assert.equal(document.json.currentVersion, 2);
    // The replaced result names its successor and is no longer revoked on its own.
    const old = await t.api('GET', `/v1/integration/results/${original.id}`, { token: a08 });
    assert.equal(old.json.replacedBy, replacement.id);
    const refused = await t.api('POST', `/v1/integration/results/${original.id}/revocation`, {
      token: a08,
      body: { reason: 'cũ' },
    });
    assertProblem(refused, 409, 'conflict');
    const again = await t.api<VaultDocument>('GET', `/v1/documents/${original.documentId}`, { token: citizen });
    assert.equal(again.json.revoked, undefined);
  });

  test('a revocation marks the document revoked for its owner and in its verification', async () => {
    const bytes = await pdf('to revoke');
    const filed = await fileAndWait(resultBody('600/GXN', bytes), bytes);
    const revoked = await t.api<ResultStatus>('POST', `/v1/integration/results/${filed.id}/revocation`, {
      token: a08,
      body: { reason: 'Cấp sai thông tin' },
    });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.json.revoked, true);
    const document = await t.api<VaultDocument>('GET', `/v1/documents/${filed.documentId}`, { token: citizen });
    assert.equal(document.json.revoked?.reason, 'Cấp sai thông tin');
    assert.equal(document.json.revoked?.by, 'A08');
    assert.ok(document.json.revoked?.at);
    const verification = await t.api('GET', `/v1/documents/${filed.documentId}/verification`, { token: citizen });
    assert.equal(verification.json.revoked.reason, 'Cấp sai thông tin');
    const history = await t.api('GET', `/v1/documents/${filed.documentId}/history`, { token: citizen });
    assert.ok((history.json.items as { action: string }[]).some((entry) => entry.action === 'document.revoke'));
    // A grantee shown the paper sees the revocation too.
    const share = await t.api('POST', '/v1/shares', {
      token: citizen,
      body: {
        resourceType: 'document',
        resourceId: filed.documentId,
        grantee: { kind: 'citizen', id: personas.citizen2.ownerId },
        permissions: ['metadata'],
      },
    });
    assert.equal(share.status, 201, share.text);
    const shown = await t.api('GET', `/v1/shares/${share.json.id}/documents/${filed.documentId}`, {
      token: await t.token('citizen2'),
    });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.json.revoked.reason, 'Cấp sai thông tin');
    const status = await t.api<ResultStatus>('GET', `/v1/integration/results/${filed.id}`, { token: a08 });
    assert.equal(status.json.revoked, true);
    assert.equal(status.json.revocationReason, 'Cấp sai thông tin');
  });
});

describe('signing and machine credentials', () => {
  test('a PDF already carrying a trusted signature is filed as it came, without a second seal', async () => {
    const bytes = await pdf('signed elsewhere');
    const first = await fileAndWait(resultBody('700/GXN', bytes), bytes);
    // The sealed PDF chains to a configured trust anchor (the agency seal's): as if its issuer had signed it.
    const content = await t.api('GET', `/v1/documents/${first.documentId}/content`, { token: citizen });
    const signed = new Uint8Array(await (await fetch(String(content.headers.get('location')))).arrayBuffer());
    const again = await fileAndWait(resultBody('701/GXN', signed), signed);
    const document = await t.api<VaultDocument>('GET', `/v1/documents/${again.documentId}`, { token: citizen });
    assert.equal(document.json.sha256, sha256(signed), 'filed byte for byte');
    const verification = await t.api('GET', `/v1/documents/${again.documentId}/verification`, { token: citizen });
    assert.equal(verification.json.valid, true, verification.text);
    assert.equal(verification.json.signatures.length, 1);
    const signatures = await t.api('GET', `/v1/documents/${again.documentId}/signatures`, { token: citizen });
    assert.equal(signatures.json.items.length, 0, 'no seal record of ours');
  });

  test("a token from the embedded provider's client-credentials grant files a result", async () => {
    const provider = t.vault.identityProvider;
    const client = provider.clients.machines.find((candidate) => candidate.clientId === 'a08-business-system');
    assert.ok(client);
    const configuration = await oidc.discovery(
      new URL(provider.issuer),
      client.clientId,
      undefined,
      oidc.ClientSecretBasic(client.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(configuration, { scope: 'results:write results:read' });
    const bytes = await pdf('through the provider');
    const response = await t.api<ResultReceipt>('POST', '/v1/integration/results', {
      token: tokens.access_token,
      body: resultBody('800/GXN', bytes),
    });
    assert.equal(response.status, 201, response.text);
  });
});
