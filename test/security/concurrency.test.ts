import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signWithKey } from '../../functions/pdf-pki/development-ca.ts';
import { linkIdOf } from '../../functions/sharing/core/link-secrets.ts';
import type { ApiResponse } from '../integration/support/http-client.ts';
import type { Folder } from '../integration/support/test-vault.ts';
import { makePdf } from '../integration/support/fixtures.ts';
import { attempt, linkTo, ownerA, shareWith, startWorld, type SecurityWorld } from './support.ts';

/**
 * Races an attacker can start: revoking while someone reads, spending a use-limited link
 * many times at once, completing one signature twice, restoring or creating twice. After
 * the decisive write returns, the loser is refused every time; no race ends in a 5xx or in
 * more than was allowed.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld();
});
after(async () => {
  await w?.t.close();
});

const statuses = (responses: ApiResponse[]) => responses.map((response) => response.status);
const noServerErrors = (responses: ApiResponse[], label: string) =>
  assert.ok(
    responses.every((response) => response.status > 0 && response.status < 500),
    `${label}: ${statuses(responses).join(',')} ${responses.find((r) => r.status >= 500 || r.status === 0)?.text ?? ''}`,
  );

describe('concurrency', () => {
  test('revoke vs access (share): reads racing the revoke succeed or are 404; every read after it is 404', async () => {
    const share = await shareWith(w, { resourceType: 'document', resourceId: w.ids.document });
    const path = `/v1/shares/${share}/documents/${w.ids.document}`;
    assert.equal((await w.t.api('GET', path, { token: w.b })).status, 200, 'control');
    const racing = Array.from({ length: 12 }, () => attempt(w.t, 'GET', path, { token: w.b }));
    const revoked = await w.t.api('DELETE', `/v1/shares/${share}`, { token: w.a });
    assert.equal(revoked.status, 204, revoked.text);
    const after = await Promise.all(Array.from({ length: 6 }, () => attempt(w.t, 'GET', path, { token: w.b })));
    const during = await Promise.all(racing);
    noServerErrors([...during, ...after], 'share race');
    assert.ok(
      during.every((response) => response.status === 200 || response.status === 404),
      statuses(during).join(','),
    );
    assert.deepEqual(statuses(after), Array(6).fill(404), 'after the revoke returned, nothing gets through');
    // Every read that got through is in A's history, and no more.
    const history = (await w.t.vault.deps.repository.listHistory(ownerA, w.ids.document, { limit: 1000 })).items;
    const reads = history.filter(
      (entry) => entry.action === 'document.grantee-read' && entry.detail?.shareId === share,
    );
    assert.equal(reads.length, 1 + during.filter((response) => response.status === 200).length);
  });

  test('revoke vs access (link): opens racing the revoke succeed or are 404; every open after it is 404', async () => {
    const { token, id } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document });
    const racing = Array.from({ length: 12 }, () => attempt(w.t, 'GET', `/v1/shared-links/${token}`));
    assert.equal((await w.t.api('DELETE', `/v1/links/${id}`, { token: w.a })).status, 204);
    const after = await Promise.all(Array.from({ length: 6 }, () => attempt(w.t, 'GET', `/v1/shared-links/${token}`)));
    const during = await Promise.all(racing);
    noServerErrors([...during, ...after], 'link race');
    assert.ok(
      during.every((response) => [200, 404, 409].includes(response.status)),
      statuses(during).join(','),
    );
    assert.deepEqual(statuses(after), Array(6).fill(404));
    const record = await w.t.vault.deps.repository.getLink(id);
    assert.equal(
      record?.uses,
      during.filter((response) => response.status === 200).length,
      'uses counted = opens answered',
    );
  });

  test('a use-limited link spent 15 times at once is never used more than its limit', async () => {
    const { token } = await linkTo(w, { resourceType: 'document', resourceId: w.ids.document, maxUses: 3 });
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => attempt(w.t, 'GET', `/v1/shared-links/${token}`)),
    );
    noServerErrors(answers, 'maxUses race');
    const ok = answers.filter((response) => response.status === 200).length;
    assert.ok(ok >= 1 && ok <= 3, `${ok} opens of a 3-use link: ${statuses(answers).join(',')}`);
    assert.ok(
      answers.every((response) => [200, 404, 409].includes(response.status)),
      statuses(answers).join(','),
    );
    const record = await w.t.vault.deps.repository.getLink(linkIdOf(token));
    assert.equal(record?.uses, ok);
    // Whatever the race left, the limit holds afterwards.
    for (let more = ok; more < 3; more += 1)
      assert.equal((await attempt(w.t, 'GET', `/v1/shared-links/${token}`)).status, 200);
    assert.equal((await attempt(w.t, 'GET', `/v1/shared-links/${token}`)).status, 404);
  });

  test('one signature completed five times at once: one 200, the rest 409, one new version', async () => {
    const requested = await w.t.api('POST', `/v1/documents/${w.ids.document}/signatures`, {
      token: w.a,
      body: { provider: 'ca-token', certificateChain: w.chainPem },
    });
    assert.equal(requested.status, 201, requested.text);
    const { signature, challenge } = requested.json;
    const value = Buffer.from(
      await signWithKey(w.signerKey!, new Uint8Array(Buffer.from(challenge.signedAttributes, 'base64'))),
    ).toString('base64');
    const before = (await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a })).json
      .versionCount as number;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        attempt(w.t, 'POST', `/v1/documents/${w.ids.document}/signatures/${signature.id}/complete`, {
          token: w.a,
          body: { signature: value },
        }),
      ),
    );
    noServerErrors(answers, 'complete race');
    assert.deepEqual(statuses(answers).sort(), [200, 409, 409, 409, 409]);
    for (const loser of answers.filter((response) => response.status === 409))
      assert.equal(loser.json?.type, 'urn:khoso:problem:conflict');
    assert.equal(
      (await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a })).json.versionCount,
      before + 1,
    );
  });

  test('restoring one trashed document five times at once restores it once', async () => {
    const filed = await w.t.uploadFile(w.a, 'sample-result.pdf', {
      folderId: w.ids.subfolder,
      bytes: await makePdf('Khoi phuc'),
    });
    const documentId = filed.upload.documentId!;
    assert.equal((await w.t.api('DELETE', `/v1/documents/${documentId}`, { token: w.a })).status, 204);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => attempt(w.t, 'POST', `/v1/trash/${documentId}/restore`, { token: w.a })),
    );
    noServerErrors(answers, 'restore race');
    assert.equal(answers.filter((response) => response.status === 200).length, 1, statuses(answers).join(','));
    assert.ok(answers.every((response) => [200, 404, 409].includes(response.status)));
    const history = (await w.t.vault.deps.repository.listHistory(ownerA, documentId, { limit: 100 })).items;
    assert.equal(
      history.filter((entry) => entry.action === 'document.restore').length,
      1,
      'one restore in the history',
    );
    const trash = await w.t.api('GET', '/v1/trash', { token: w.a });
    assert.ok(!trash.text.includes(documentId), 'no longer in the trash');
  });

  test('eight creates of one folder name at once: one 201, the rest 409 name-taken', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        attempt(w.t, 'POST', '/v1/folders', { token: w.a, body: { name: 'Đua nhau', parentId: w.ids.subfolder } }),
      ),
    );
    noServerErrors(answers, 'create race');
    assert.deepEqual(statuses(answers).sort(), [201, ...Array(7).fill(409)]);
    const items = await w.t.api('GET', `/v1/folders/${w.ids.subfolder}/items`, { token: w.a });
    assert.equal(items.json.folders.filter((folder: Folder) => folder.name === 'Đua nhau').length, 1);
  });
});
