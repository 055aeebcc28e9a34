import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lazyPopulationDatabase } from '../../../functions/composition/aws-population-database.ts';
import { identifyPageOwner } from '../../../functions/digitize/core/identify-owner.ts';
import type { Upload } from '../../../functions/digitize/core/upload-model.ts';
import { citizenId, createTestVault, organisationId, type TestVault } from '../../fakes/vault-test-deps.ts';

/** An officer's upload for the owner, as the Extract step sees it. */
function officerUpload(ownerId = citizenId, id = '00000000-0000-4000-8000-000000000001'): Upload {
  return {
    id,
    ownerId,
    createdBy: 'officer-pc06-0001',
    createdByRole: 'officer',
    createdByUnit: 'PC06',
    requestedFromIp: '203.0.113.7',
    folderId: 'results',
    source: 'issued',
    fileName: 'scan.png',
    contentType: 'image/png',
    declaredSize: 1000,
    blobKey: 'incoming/00000000-0000-4000-8000-000000000001',
    status: 'PROCESSING',
    step: 'extract',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
  };
}

/** The upload as the workflow stored it before the Extract step. */
async function stored(vault: TestVault, upload: Upload): Promise<Upload> {
  await vault.repository.commit({ ownerId: upload.ownerId, uploads: [{ next: upload }], audit: [] });
  return upload;
}

describe("identifying an officer's page owner", () => {
  test('a page naming the owner is confirmed: no reason, one audited look-up without the name or date', async () => {
    const vault = createTestVault();
    // The database spells it Nguyễn Văn An: the same name exactly, so nothing to correct.
    const identification = await identifyPageOwner(vault, await stored(vault, officerUpload()), {
      fullName: 'NGUYỄN VĂN AN',
      dateOfBirth: '2003-02-14',
    });
    assert.deepEqual(identification, { reasons: [] });
    const [entry, ...more] = vault.repository.auditOf(citizenId).filter((e) => e.action === 'identity.lookup');
    assert.equal(more.length, 0);
    assert.equal(entry?.resourceId, officerUpload().id);
    assert.deepEqual(entry?.actor, { sub: 'officer-pc06-0001', role: 'officer', unit: 'PC06' });
    assert.deepEqual(entry?.detail, {
      uploadId: officerUpload().id,
      by: 'personal-id',
      result: 'confirmed',
      nameFolded: false,
      ownerConfirmed: true,
    });
    assert.doesNotMatch(JSON.stringify(entry), /NGUY|2003-02-14/);
  });

  test("a name whose marks were misread is confirmed and takes the database's spelling; the audit keeps no name", async () => {
    const vault = createTestVault();
    const upload = await stored(vault, officerUpload());
    const identification = await identifyPageOwner(vault, upload, {
      fullName: 'NGUYÊN VĂN AN',
      dateOfBirth: '2003-02-14',
    });
    assert.deepEqual(identification, { reasons: [], nameAsRegistered: 'NGUYỄN VĂN AN' });
    assert.deepEqual((await vault.repository.getUpload(upload.id))?.ownerIdentification, identification);
    const [entry, ...more] = vault.repository.auditOf(citizenId).filter((e) => e.action === 'identity.lookup');
    assert.equal(more.length, 0);
    assert.deepEqual(entry?.detail, {
      uploadId: upload.id,
      by: 'personal-id',
      result: 'confirmed',
      nameFolded: true,
      ownerConfirmed: true,
    });
    assert.doesNotMatch(JSON.stringify(entry), /NGUY|Nguy|2003-02-14/);
  });

  test('a page naming another person goes to review saying which field differs', async () => {
    const vault = createTestVault();
    const identification = await identifyPageOwner(vault, await stored(vault, officerUpload()), {
      fullName: 'TRẦN VĂN MINH',
      dateOfBirth: '2003-02-14',
    });
    assert.deepEqual(identification, {
      reasons: [`the name on the page differs from the population database's record of the owner ${citizenId}`],
    });
    const entry = vault.repository.auditOf(citizenId).find((e) => e.action === 'identity.lookup');
    assert.equal(entry?.detail?.result, 'mismatch');
    assert.equal(entry?.detail?.differs, 'fullName');
  });

  test('a legacy CMND resolving to the owner confirms; one resolving to another person goes to review', async () => {
    const vault = createTestVault();
    const hien = await stored(vault, officerUpload('038064357769'));
    // A card read without its marks: the owner's name takes the database's spelling.
    assert.deepEqual(
      await identifyPageOwner(vault, hien, {
        legacyId: '171234567',
        fullName: 'LUU XUAN HIEN',
        dateOfBirth: '1964-07-17',
      }),
      { reasons: [], nameAsRegistered: 'LƯU XUÂN HIỂN' },
    );
    // The CMND and its holder's name and date are right, but the officer named another owner:
    // the holder's name is not the owner's, so nothing is corrected.
    assert.deepEqual(
      await identifyPageOwner(
        vault,
        await stored(vault, officerUpload(citizenId, '00000000-0000-4000-8000-000000000003')),
        {
          legacyId: '171234567',
          fullName: 'LUU XUAN HIEN',
          dateOfBirth: '1964-07-17',
        },
      ),
      {
        reasons: [
          `the identity card number on the page belongs to personal ID 038064357769, not the owner ${citizenId}`,
        ],
      },
    );
    const lookups = vault.repository.auditOf(citizenId).filter((e) => e.action === 'identity.lookup');
    assert.equal(lookups.length, 1);
    assert.equal(lookups[0]?.detail?.by, 'legacy-id');
    assert.equal(lookups[0]?.detail?.ownerConfirmed, false);
    assert.doesNotMatch(JSON.stringify(lookups), /171234567/);
  });

  test('a retried Extract step reuses the stored look-up: the database is asked and the look-up audited once', async () => {
    const vault = createTestVault();
    const upload = await stored(vault, officerUpload());
    const page = { fullName: 'TRẦN VĂN MINH', dateOfBirth: '2003-02-14' };
    const first = await identifyPageOwner(vault, upload, page);
    assert.equal(first.reasons.length, 1);
    const kept = await vault.repository.getUpload(upload.id);
    assert.deepEqual(kept?.ownerIdentification, first);
    // The retry finds the database down, yet answers as the first run did, without asking it.
    vault.population.down = true;
    assert.deepEqual(await identifyPageOwner(vault, kept!, page), first);
    assert.equal(vault.population.lookups.length, 1);
    assert.equal(vault.repository.auditOf(citizenId).filter((e) => e.action === 'identity.lookup').length, 1);
    // A run that raced the first (it still holds the upload without the result) stores nothing twice.
    vault.population.down = false;
    await assert.rejects(identifyPageOwner(vault, upload, page), { name: 'ConcurrentUpdateError' });
    assert.equal(vault.repository.auditOf(citizenId).filter((e) => e.action === 'identity.lookup').length, 1);
  });

  test("a retried Extract step applies the database's spelling it kept, without a second look-up", async () => {
    const vault = createTestVault();
    const page = { fullName: 'NGUYÊN VĂN AN', dateOfBirth: '2003-02-14' };
    const first = await identifyPageOwner(vault, await stored(vault, officerUpload()), page);
    assert.equal(first.nameAsRegistered, 'NGUYỄN VĂN AN');
    const kept = await vault.repository.getUpload(officerUpload().id);
    vault.population.down = true;
    assert.deepEqual(await identifyPageOwner(vault, kept!, page), first);
    assert.equal(vault.population.lookups.length, 1);
  });

  test('a legacy CMND without the name and date of birth cannot be resolved: review, no look-up', async () => {
    const vault = createTestVault();
    const identification = await identifyPageOwner(vault, await stored(vault, officerUpload()), {
      legacyId: '025123456',
      fullName: 'Nguyễn Văn An',
    });
    assert.deepEqual(identification, {
      reasons: ['the identity card number cannot be resolved without the name and date of birth on the page'],
    });
    assert.deepEqual(vault.population.lookups, []);
  });

  test('the database down sends the page to review and the failed look-up is audited', async () => {
    const vault = createTestVault();
    vault.population.down = true;
    const identification = await identifyPageOwner(vault, await stored(vault, officerUpload()), {
      fullName: 'Nguyễn Văn An',
    });
    assert.deepEqual(identification, {
      reasons: ['the population database could not confirm the owner (the test took it down)'],
    });
    const entry = vault.repository.auditOf(citizenId).find((e) => e.action === 'identity.lookup');
    assert.equal(entry?.outcome, 'failed');
    assert.equal(entry?.detail?.result, 'unavailable');
  });

  test('a stage without a population database confirms nobody: review saying none is configured', async () => {
    const vault = createTestVault();
    const identification = await identifyPageOwner(
      { ...vault, population: lazyPopulationDatabase(undefined, undefined) },
      await stored(vault, officerUpload()),
      { fullName: 'Nguyễn Văn An', dateOfBirth: '2003-02-14' },
    );
    assert.deepEqual(identification, {
      reasons: [
        'the population database could not confirm the owner (no population database is configured for this stage)',
      ],
    });
    const entry = vault.repository.auditOf(citizenId).find((e) => e.action === 'identity.lookup');
    assert.equal(entry?.outcome, 'failed');
  });

  test('pages naming nobody, and organisations, need no look-up', async () => {
    const vault = createTestVault();
    assert.deepEqual(await identifyPageOwner(vault, await stored(vault, officerUpload()), { licenseClass: 'B2' }), {
      reasons: [],
    });
    assert.deepEqual(
      await identifyPageOwner(
        vault,
        await stored(vault, officerUpload(organisationId, '00000000-0000-4000-8000-000000000002')),
        { fullName: 'Công ty' },
      ),
      { reasons: [] },
    );
    assert.deepEqual(vault.population.lookups, []);
  });
});
