/**
 * The national warehouse's download links on the embedded runtime: an officer's issued result is
 * pushed to the built-in simulator with a link on our own API; following it (the portal's fetch,
 * redirect and all) gives the exact bytes of the version it names; a new version is pushed with a
 * fresh link while the old one keeps serving its own version; unknown, expired and revoked links
 * answer the same 404; every fetch and every refusal of a known link is in the owner's access log.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DynamoTable } from '../../../functions/platform/storage/dynamo-table.ts';
import { linkIdOf, newLinkToken } from '../../../functions/sharing/core/link-secrets.ts';
import { createDynamoPortalLinkStore } from '../../../functions/sync/adapters/dynamo-portal-link-store.ts';
import { paperPdf } from '../../../lib/local/local-national-warehouse.ts';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type AuditEntry, type TestVault, type Upload } from '../support/test-vault.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('portal links on the embedded runtime', () => {
  let t: TestVault;
  let citizen: string;
  let officer: string;
  let documentId: string;
  /** The link pushed with version 1, and the bytes the owner reads as version 1. */
  let firstLink: string;
  let firstBytes: Uint8Array;

  before(async () => {
    t = await startTestVault();
    citizen = await t.token('citizen');
    officer = await t.token('officer');
  });
  after(async () => {
    await t.close();
  });

  /** Approves a run the classifier sent to review, as the uploader. */
  const settled = async (token: string, uploadId: string, upload: Upload) => {
    if (upload.status !== 'REVIEW') return upload;
    const approved = await t.api('POST', `/v1/uploads/${uploadId}/review`, { token, body: { approve: true } });
    assert.equal(approved.status, 200, approved.text);
    return t.waitForUpload(token, uploadId);
  };

  /** The link the simulator holds for the document, once it differs from `previous`. */
  const pushedLink = async (previous?: string) => {
    const simulator = t.vault.nationalWarehouse.simulator!;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const link = simulator.dossier(documentId)?.DanhSachGiayToKetQua[0]?.DuongDanTepTinKetQua;
      if (link && link !== previous) return String(link);
      assert.ok(Date.now() < deadline, 'the dossier was not pushed with a new link');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** What the owner downloads as the current version. */
  const ownerBytes = async () => {
    const content = await t.api('GET', `/v1/documents/${documentId}/content`, { token: citizen });
    assert.equal(content.status, 302, content.text);
    return new Uint8Array(await (await fetch(content.headers.get('location')!)).arrayBuffer());
  };

  /** The portal's fetch: our 302, then the presigned GET it names. */
  const portalFetch = async (link: string) => {
    const redirect = await fetch(link, { redirect: 'manual' });
    assert.equal(redirect.status, 302, await redirect.clone().text());
    assert.equal(redirect.headers.get('cache-control'), 'no-store');
    const target = new URL(redirect.headers.get('location')!);
    // A short-lived presigned GET, never the link itself again.
    assert.ok(!target.pathname.startsWith('/v1/portal-links/'));
    const followed = await fetch(link);
    assert.equal(followed.status, 200);
    return new Uint8Array(await followed.arrayBuffer());
  };

  const accessLog = async () =>
    (await t.api<{ items: AuditEntry[] }>('GET', '/v1/access-log?limit=200', { token: citizen })).json.items;

  test("an issued result's dossier carries a link on our API whose fetch returns the sealed bytes, audited", async () => {
    const filed = await t.uploadFile(officer, 'sample-result.pdf', { ownerId: personas.citizen.ownerId });
    const upload = await settled(officer, filed.uploadId, filed.upload);
    assert.equal(upload.status, 'DONE');
    documentId = upload.documentId!;

    firstLink = await pushedLink();
    assert.match(firstLink, new RegExp(`^${t.url}/v1/portal-links/[A-Za-z0-9_-]{43}$`));
    firstBytes = await ownerBytes();
    const fetched = await portalFetch(firstLink);
    assert.equal(sha256(fetched), sha256(firstBytes));
    assert.equal(Buffer.from(fetched.subarray(0, 5)).toString(), '%PDF-');

    const fetches = (await accessLog()).filter((entry) => entry.action === 'document.portal-fetch');
    assert.ok(fetches.length >= 1);
    assert.deepEqual(fetches[0]!.actor, { sub: 'national-warehouse', role: 'system' });
    assert.equal(fetches[0]!.resourceId, documentId);
    assert.equal(fetches[0]!.outcome, 'success');
    assert.equal(fetches[0]!.detail?.version, 1);
    assert.equal(fetches[0]!.detail?.linkId, linkIdOf(firstLink.split('/').at(-1)!));
  });

  test('a new version is pushed with a fresh link; the old link keeps serving the version it named', async () => {
    const bytes = await paperPdf(['Version 2 of the result']);
    const filed = await t.uploadFile(citizen, 'sample-result.pdf', { documentId, bytes });
    assert.equal((await settled(citizen, filed.uploadId, filed.upload)).status, 'DONE');

    const secondLink = await pushedLink(firstLink);
    const secondBytes = await ownerBytes();
    assert.notEqual(sha256(secondBytes), sha256(firstBytes));
    assert.equal(sha256(await portalFetch(secondLink)), sha256(secondBytes));
    assert.equal(sha256(await portalFetch(firstLink)), sha256(firstBytes), 'the old link still names version 1');
    const versions = (await accessLog())
      .filter((entry) => entry.action === 'document.portal-fetch')
      .map((entry) => entry.detail?.version);
    assert.ok(versions.includes(1) && versions.includes(2));
  });

  test('unknown and expired links get the same 404 problem; the expired one is audited as refused', async () => {
    const unknown = await t.api('GET', `/v1/portal-links/${newLinkToken()}`);
    assertProblem(unknown, 404, 'not-found');

    const token = newLinkToken();
    const store = createDynamoPortalLinkStore(new DynamoTable(t.vault.table.client, t.vault.table.name));
    const pushedAt = new Date(Date.now() - 73 * 3600 * 1000);
    await store.putPortalLink({
      id: linkIdOf(token),
      ownerId: personas.citizen.ownerId,
      documentId,
      versionNumber: 1,
      createdAt: pushedAt.toISOString(),
      expiresAt: new Date(pushedAt.getTime() + 72 * 3600 * 1000).toISOString(),
    });
    const expired = await t.api('GET', `/v1/portal-links/${token}`);
    assertProblem(expired, 404, 'not-found');
    const body = (response: typeof unknown) => ({ ...response.json, instance: undefined });
    assert.deepEqual(body(expired), body(unknown), 'nothing tells an expired link from an unknown one');

    const refused = (await accessLog()).find(
      (entry) => entry.action === 'document.portal-fetch-denied' && entry.detail?.linkId === linkIdOf(token),
    );
    assert.equal(refused?.outcome, 'denied');
    assert.equal(refused?.detail?.reason, 'expired');
    assert.deepEqual(refused?.actor, { sub: 'national-warehouse', role: 'system' });

    assertProblem(await t.api('GET', '/v1/portal-links/too-short'), 400, 'invalid-request');
  });

  test('a revoked result is refused with the same 404, audited', async () => {
    const link = await pushedLink();
    // The integration's revocation, as its unit of work writes it on the document.
    const { repository } = t.vault.deps;
    const document = (await repository.getDocument(personas.citizen.ownerId, documentId))!;
    await repository.commit({
      ownerId: document.ownerId,
      documents: [
        {
          next: {
            ...document,
            revoked: { at: new Date().toISOString(), reason: 'cấp nhầm', by: 'PC06', resultId: 'r-1' },
          },
          previous: document,
        },
      ],
      audit: [],
    });
    assertProblem(await t.api('GET', new URL(link).pathname), 404, 'not-found');
    const refused = (await accessLog()).find(
      (entry) => entry.action === 'document.portal-fetch-denied' && entry.detail?.reason === 'revoked',
    );
    assert.equal(refused?.resourceId, documentId);
  });
});
