import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenRoleError } from '../../../functions/platform/core/errors.ts';
import { createFolder, listFolderTree } from '../../../functions/vault/core/folders.ts';
import { requestUpload } from '../../../functions/digitize/core/uploads.ts';
import { ensureVault, systemFolderId, systemFolders } from '../../../functions/vault/core/vault-provisioning.ts';
import {
  admin,
  citizen,
  citizenId,
  commitBarrier,
  createTestVault,
  officer,
  officerSub,
  secondCitizenId,
} from '../../fakes/vault-test-deps.ts';

const defaultNames = ['Giấy tờ tùy thân', 'Kết quả thủ tục hành chính', 'Giấy tờ tự số hóa'];

describe('vault provisioning', () => {
  test('first use creates the three default folders, once', async () => {
    const vault = createTestVault();
    assert.equal(await vault.repository.isProvisioned(citizenId), false);
    const tree = await listFolderTree(vault, citizen());
    assert.equal(await vault.repository.isProvisioned(citizenId), true);
    assert.deepEqual(
      tree.map((node) => [node.id, node.name, node.system, node.parentId, node.children.length]).sort(),
      [
        ['sys-identity', 'Giấy tờ tùy thân', 'identity', null, 0],
        ['sys-results', 'Kết quả thủ tục hành chính', 'results', null, 0],
        ['sys-self', 'Giấy tờ tự số hóa', 'self', null, 0],
      ],
    );
    assert.deepEqual(
      systemFolders.map((f) => f.name),
      defaultNames,
    );
    assert.equal(systemFolderId('results'), 'sys-results');

    await listFolderTree(vault, citizen());
    await createFolder(vault, citizen(), { name: 'Nhà đất' });
    // A fresh repository instance over the same data (a cold start) must not provision again.
    const { folders } = await vault.repository.getFolderTree(citizenId);
    assert.equal(folders.filter((f) => f.system).length, 3);
    const provisions = vault.repository.auditOf(citizenId).filter((e) => e.action === 'vault.provision');
    assert.equal(provisions.length, 1);
    assert.equal(provisions[0]?.resourceId, citizenId);
    assert.equal(provisions[0]?.actor.sub, citizen().principal.sub);
    // Other vaults are untouched.
    assert.equal(await vault.repository.isProvisioned(secondCitizenId), false);
    assert.deepEqual((await vault.repository.getFolderTree(secondCitizenId)).folders, []);
  });

  test('an already provisioned vault is not provisioned again after a cold start', async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    // Another Lambda instance: a distinct repository object over the same table, so the
    // in-process cache is empty and only the vault marker can prevent a second provisioning.
    const coldStart = new Proxy(vault.repository, {});
    const before = vault.repository.snapshot();
    await ensureVault({ ...vault, repository: coldStart }, citizen(), citizenId);
    await listFolderTree({ ...vault, repository: coldStart }, citizen());
    assert.deepEqual(vault.repository.snapshot(), before);
  });

  test('concurrent first use provisions once and both requests succeed', async () => {
    const vault = createTestVault();
    const barrier = commitBarrier(vault.repository, 2, (changes) => changes.provisionVault === true);
    const [a, b] = await Promise.all([listFolderTree(vault, citizen()), listFolderTree(vault, citizen())]);
    assert.equal(barrier.arrived(), 2, 'both requests tried to provision');
    assert.equal(vault.repository.rejectedCommits.length, 1);
    assert.equal(a.length, 3);
    assert.deepEqual(a, b);
    const { folders } = await vault.repository.getFolderTree(citizenId);
    assert.equal(folders.length, 3);
    assert.equal(vault.repository.auditOf(citizenId).filter((e) => e.action === 'vault.provision').length, 1);
  });

  test('a failed provisioning is not remembered and succeeds on the next request', async () => {
    const vault = createTestVault();
    vault.repository.failNextCommit(new Error('table unavailable'));
    await assert.rejects(listFolderTree(vault, citizen()), /table unavailable/);
    assert.equal(await vault.repository.isProvisioned(citizenId), false);
    assert.deepEqual(vault.repository.snapshot().folders, []);
    const tree = await listFolderTree(vault, citizen());
    assert.equal(tree.length, 3);
  });

  test("an officer's upload provisions the owner's vault, audited as the officer", async () => {
    const vault = createTestVault();
    await requestUpload(vault, officer(), {
      ownerId: secondCitizenId,
      fileName: 'kq.pdf',
      contentType: 'application/pdf',
      size: 10,
    });
    assert.equal(await vault.repository.isProvisioned(secondCitizenId), true);
    const provision = vault.repository.auditOf(secondCitizenId).find((e) => e.action === 'vault.provision');
    assert.equal(provision?.actor.sub, officerSub);
    assert.equal(provision?.actor.unit, 'PC06');
    assert.equal(await vault.repository.isProvisioned(citizenId), false);
  });

  test('roles without a vault get no vault', async () => {
    const vault = createTestVault();
    await assert.rejects(listFolderTree(vault, admin()), ForbiddenRoleError);
    await assert.rejects(listFolderTree(vault, officer()), ForbiddenRoleError);
    assert.deepEqual(vault.repository.snapshot().provisioned, []);
  });
});
