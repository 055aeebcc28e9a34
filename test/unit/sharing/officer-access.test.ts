import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getHistory } from '../../../functions/audit/core/history.ts';
import { createFolder, listFolderTree } from '../../../functions/vault/core/folders.ts';
import { getAccessLog } from '../../../functions/sharing/core/access-log.ts';
import {
  getDocumentContentForProcedure,
  getDocumentForProcedure,
} from '../../../functions/sharing/core/officer-access.ts';
import { grantShare, revokeShare } from '../../../functions/sharing/core/shares.ts';
import { systemFolderId } from '../../../functions/vault/core/vault-provisioning.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  fileDocument,
  officer,
  secondCitizen,
  seedDocument,
  withCode,
} from '../../fakes/vault-test-deps.ts';

const purpose = { procedureCode: '1.004227', caseNumber: 'HS-2025/0042' };

describe('officer access with consent', () => {
  test("a consent to the unit allows reads for a purpose, each in the citizen's history and access log", async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    const folder = await createFolder(vault, citizen(), { name: 'Cho công an' });
    const document = await seedDocument(vault, citizenId, folder.id);

    await assert.rejects(
      getDocumentForProcedure(vault, officer(), citizenId, document.id, purpose),
      withCode('not-found'),
    );
    const consent = await grantShare(vault, citizen(), {
      resourceType: 'folder',
      resourceId: folder.id,
      grantee: { kind: 'unit', id: 'PC06' },
      permissions: ['metadata'],
    });
    assert.equal((await getDocumentForProcedure(vault, officer(), citizenId, document.id, purpose)).id, document.id);
    await assert.rejects(
      getDocumentContentForProcedure(vault, officer(), citizenId, document.id, purpose),
      withCode('not-found'),
      'the consent does not allow downloads',
    );
    await assert.rejects(
      getDocumentForProcedure(vault, officer('PC08', 'officer-pc08'), citizenId, document.id, purpose),
      withCode('not-found'),
      'another unit',
    );
    await assert.rejects(
      getDocumentForProcedure(vault, secondCitizen(), citizenId, document.id, purpose),
      withCode('forbidden-role'),
    );

    const history = await getHistory(vault, citizen(), { type: 'document', id: document.id }, { limit: 20 });
    const read = history.items.find((entry) => entry.action === 'document.officer-read');
    assert.deepEqual(read?.detail, { ...purpose, unit: 'PC06', part: 'metadata', basis: `consent:${consent.id}` });
    assert.equal(history.items.filter((entry) => entry.action === 'document.officer-read-denied').length, 3);

    await revokeShare(vault, citizen(), consent.id);
    await assert.rejects(
      getDocumentForProcedure(vault, officer(), citizenId, document.id, purpose),
      withCode('not-found'),
    );
    const log = await getAccessLog(vault, citizen(), { limit: 20 });
    assert.deepEqual(
      log.items.map((entry) => entry.outcome),
      ['denied', 'denied', 'denied', 'success', 'denied'],
    );
  });

  test('the issuing unit reads what it filed for the citizen, without a consent', async () => {
    const vault = createTestVault();
    await listFolderTree(vault, citizen());
    const { document } = await fileDocument(vault, officer(), { ownerId: citizenId });
    assert.equal(document.issuingUnit, 'PC06');
    assert.match(await getDocumentContentForProcedure(vault, officer(), citizenId, document.id, purpose), /^https?:/);
    await assert.rejects(
      getDocumentForProcedure(vault, officer('PC08', 'officer-pc08'), citizenId, document.id, purpose),
      withCode('not-found'),
    );
    const own = await seedDocument(vault, citizenId, systemFolderId('self'));
    await assert.rejects(getDocumentForProcedure(vault, officer(), citizenId, own.id, purpose), withCode('not-found'));
  });
});
