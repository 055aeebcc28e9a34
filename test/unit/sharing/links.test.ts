import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFolder, listFolderTree } from '../../../functions/vault/core/folders.ts';
import { anonymousPrincipal, type RequestContext } from '../../../functions/platform/core/principal.ts';
import { linkIdOf } from '../../../functions/sharing/core/link-secrets.ts';
import {
  createLink,
  getLinkContentUrl,
  listLinks,
  openLink,
  revokeLink,
  type LinkRequest,
} from '../../../functions/sharing/core/links.ts';
import {
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  secondCitizen,
  seedDocument,
  withCode,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const anonymous = (sourceIp = '198.51.100.9'): RequestContext => ({
  principal: anonymousPrincipal,
  sourceIp,
  requestId: 'req-link',
});
const page = { limit: 10 };

async function vaultWithDocument() {
  const vault = createTestVault();
  await listFolderTree(vault, citizen());
  const folder = await createFolder(vault, citizen(), { name: 'Giấy tờ' });
  const document = await seedDocument(vault, citizenId, folder.id, { title: 'Giấy khai sinh' });
  const other = await seedDocument(vault, citizenId, folder.id, { title: 'Khác' });
  return { vault, folder, document, other };
}

function link(vault: TestVault, resourceId: string, request: Partial<LinkRequest> = {}) {
  return createLink(vault, citizen(), { resourceType: 'document', resourceId, permissions: ['download'], ...request });
}

const denials = (vault: TestVault) =>
  vault.repository
    .auditOf(citizenId)
    .filter((entry) => entry.action === 'link.access-denied')
    .map((entry) => entry.detail?.reason);

describe('links', () => {
  test('the token is shown once and only its hash is stored; the link shows the document and nothing else', async () => {
    const { vault, document, other } = await vaultWithDocument();
    const { token, link: created } = await link(vault, document.id);
    assert.ok(Buffer.from(token, 'base64url').length >= 16, 'at least 128 bits');
    assert.equal(created.id, linkIdOf(token));
    assert.doesNotMatch(JSON.stringify(vault.repository.snapshot()), new RegExp(token));

    const { view } = await openLink(vault, anonymous(), { token }, { page });
    assert.ok('document' in view && view.document.id === document.id);
    assert.match(await getLinkContentUrl(vault, anonymous(), { token }), /^https?:/);
    await assert.rejects(getLinkContentUrl(vault, anonymous(), { token }, other.id), withCode('not-found'));
    const uses = vault.repository.auditOf(citizenId).filter((entry) => entry.action === 'link.open');
    assert.deepEqual(
      uses.map((entry) => entry.detail?.use),
      [1, 2],
    );
    assert.deepEqual(denials(vault), ['outside-link']);
  });

  test('expired, revoked and used-up links are 404 and audited; unknown tokens are rate-limited per IP', async () => {
    const { vault, document } = await vaultWithDocument();
    const expiring = await link(vault, document.id, {
      expiresAt: new Date(vault.clock.now().getTime() + 1000).toISOString(),
    });
    const revoked = await link(vault, document.id);
    const once = await link(vault, document.id, { maxUses: 1 });
    await openLink(vault, anonymous(), { token: once.token }, { page });
    await revokeLink(vault, citizen(), revoked.link.id);
    await assert.rejects(revokeLink(vault, secondCitizen(), once.link.id), withCode('not-found'));
    vault.clock.advance(1000);
    for (const { token } of [expiring, revoked, once]) {
      await assert.rejects(openLink(vault, anonymous(), { token }, { page }), withCode('not-found'));
    }
    assert.deepEqual(denials(vault), ['expired', 'revoked', 'used-up']);
    assert.deepEqual(
      (await listLinks(vault, citizen(), page)).items.map((item) => item.id).sort(),
      [expiring.link.id, once.link.id].sort(),
    );

    for (let i = 0; i < vault.policy.linkMissesPerMinute; i += 1) {
      await assert.rejects(
        openLink(vault, anonymous(), { token: `guess-${i}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` }, { page }),
        withCode('not-found'),
      );
    }
    const limited = await openLink(vault, anonymous(), { token: once.token }, { page }).catch(
      (error: unknown) => error,
    );
    assert.equal((limited as { code?: string }).code, 'rate-limited');
    assert.ok((limited as { retryAfterSeconds: number }).retryAfterSeconds > 0);
    await assert.rejects(
      openLink(vault, anonymous('198.51.100.10'), { token: once.token }, { page }),
      withCode('not-found'),
      'another IP has its own budget',
    );
    vault.clock.advance(60_000);
    await assert.rejects(
      openLink(vault, anonymous(), { token: 'x'.repeat(43) }, { page }),
      withCode('not-found'),
      'the next minute starts afresh',
    );
  });

  test('concurrent uses never exceed maxUses', async () => {
    const { vault, document } = await vaultWithDocument();
    const { token } = await link(vault, document.id, { maxUses: 3 });
    commitBarrier(vault.repository, 6, (changes) => (changes.links?.length ?? 0) > 0);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => getLinkContentUrl(vault, anonymous(), { token })),
    );
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 3);
    const stored = await vault.repository.getLink(linkIdOf(token));
    assert.equal(stored?.uses, 3);
    assert.equal(vault.repository.auditOf(citizenId).filter((entry) => entry.action === 'link.open').length, 3);
  });

  test('a PIN is required, wrong PINs lock the link for a while, and the right one then works again', async () => {
    const { vault, document } = await vaultWithDocument();
    const { token } = await link(vault, document.id, { pin: '246810' });
    assert.doesNotMatch(JSON.stringify(await vault.repository.getLink(linkIdOf(token))), /246810/);
    await assert.rejects(openLink(vault, anonymous(), { token }, { page }), withCode('pin-required'));
    for (let attempt = 1; attempt < vault.policy.linkPinAttempts; attempt += 1) {
      await assert.rejects(openLink(vault, anonymous(), { token, pin: '0000' }, { page }), withCode('pin-required'));
    }
    await assert.rejects(openLink(vault, anonymous(), { token, pin: '0000' }, { page }), withCode('rate-limited'));
    await assert.rejects(
      openLink(vault, anonymous(), { token, pin: '246810' }, { page }),
      withCode('rate-limited'),
      'locked even for the right PIN',
    );
    assert.deepEqual(denials(vault), [...Array(vault.policy.linkPinAttempts).fill('wrong-pin'), 'locked']);

    vault.clock.advance(vault.policy.linkLockSeconds * 1000);
    const { view } = await openLink(vault, anonymous(), { token, pin: '246810' }, { page });
    assert.ok('document' in view);
  });

  test('a folder link lists inside the folder, and downloads need the download permission', async () => {
    const { vault, folder, document } = await vaultWithDocument();
    const child = await createFolder(vault, citizen(), { name: 'Con', parentId: folder.id });
    const { token } = await createLink(vault, citizen(), {
      resourceType: 'folder',
      resourceId: folder.id,
      permissions: ['metadata'],
    });
    const { view } = await openLink(vault, anonymous(), { token }, { page });
    assert.ok('folders' in view);
    assert.deepEqual(
      view.folders.map((f) => f.id),
      [child.id],
    );
    assert.equal(view.documents.items.length, 2);
    await assert.rejects(getLinkContentUrl(vault, anonymous(), { token }, document.id), withCode('permission-denied'));
  });
});
