import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmOwner, foldName, resolveLegacyId } from '../../../functions/identity/core/owner-identification.ts';
import { InMemoryPopulationDatabase } from '../../fakes/in-memory-population-database.ts';

describe('foldName', () => {
  test('case, spacing, Unicode composition, tone marks and Đ fold away', () => {
    assert.equal(foldName('  Nguyễn   Văn  An '), 'NGUYEN VAN AN');
    assert.equal(foldName('NGUYỄN VĂN AN'), foldName('nguyễn văn an'));
    // Decomposed (NFD) input as some OCR engines emit it.
    assert.equal(foldName('Nguye\u0303\u0302n'), 'NGUYEN');
    assert.equal(foldName('Đỗ Quang Huy'), 'DO QUANG HUY');
    // The stacked-mark misread the engine makes.
    assert.equal(foldName('NGUYÊN THỊ LAN'), foldName('Nguyễn Thị Lan'));
  });

  test('another letter, a missing or an extra word is another name', () => {
    assert.notEqual(foldName('Nguyễn Văn An'), foldName('Nguyễn Văn Anh'));
    assert.notEqual(foldName('Trần Thị Bình'), foldName('Trần Bình'));
    assert.notEqual(foldName('Lê Hoàng Phương Anh'), foldName('Lê Hoàng Phương Anh Thư'));
    assert.notEqual(foldName('Lưu Xuân Hiển'), foldName('Lưu Xuân Hiền Minh'));
  });
});

describe('confirmOwner', () => {
  test('the same name (exact or with diacritics misread) and date of birth confirm the owner, with the registered name', async () => {
    const database = new InMemoryPopulationDatabase();
    assert.deepEqual(
      await confirmOwner(database, { personalId: '079203001234', fullName: 'NGUYỄN VĂN AN', birthDate: '2003-02-14' }),
      { outcome: 'confirmed', personalId: '079203001234', nameFolded: false, registeredName: 'Nguyễn Văn An' },
    );
    assert.deepEqual(
      await confirmOwner(database, { personalId: '079203001234', fullName: 'NGUYÊN VAN AN', birthDate: '2003-02-14' }),
      { outcome: 'confirmed', personalId: '079203001234', nameFolded: true, registeredName: 'Nguyễn Văn An' },
    );
    assert.deepEqual(database.lookups, [{ personalId: '079203001234' }, { personalId: '079203001234' }]);
  });

  test('another name or date of birth is a mismatch that says which field', async () => {
    const database = new InMemoryPopulationDatabase();
    assert.deepEqual(
      await confirmOwner(database, { personalId: '079203001234', fullName: 'Trần Văn Minh', birthDate: '2003-02-14' }),
      { outcome: 'mismatch', personalId: '079203001234', fields: ['fullName'] },
    );
    assert.deepEqual(
      await confirmOwner(database, { personalId: '079203001234', fullName: 'Nguyễn Văn An', birthDate: '2003-02-15' }),
      { outcome: 'mismatch', personalId: '079203001234', fields: ['birthDate'] },
    );
    assert.deepEqual(
      await confirmOwner(database, { personalId: '079203001234', fullName: 'Trần Văn Minh', birthDate: '1985-11-02' }),
      { outcome: 'mismatch', personalId: '079203001234', fields: ['fullName', 'birthDate'] },
    );
  });

  test('an unknown ID is not found; a database that is down is unavailable, not an error', async () => {
    const database = new InMemoryPopulationDatabase();
    assert.deepEqual(await confirmOwner(database, { personalId: '001200099999', fullName: 'Ai Đó' }), {
      outcome: 'not-found',
    });
    database.down = true;
    assert.deepEqual(await confirmOwner(database, { personalId: '079203001234' }), {
      outcome: 'unavailable',
      reason: 'the test took it down',
    });
  });

  test('malformed identifiers are refused before any look-up', async () => {
    const database = new InMemoryPopulationDatabase();
    await assert.rejects(confirmOwner(database, { personalId: '12345' }), TypeError);
    await assert.rejects(
      resolveLegacyId(database, { legacyId: '0251234567', fullName: 'Nguyễn Văn An', birthDate: '2003-02-14' }),
      TypeError,
    );
    assert.deepEqual(database.lookups, []);
  });
});

describe('resolveLegacyId', () => {
  test('a 9-digit CMND with the holder’s name and date of birth resolves to the personal ID', async () => {
    const database = new InMemoryPopulationDatabase();
    assert.deepEqual(
      await resolveLegacyId(database, { legacyId: '171234567', fullName: 'LƯU XUÂN HIỂN', birthDate: '1964-07-17' }),
      { outcome: 'confirmed', personalId: '038064357769', nameFolded: false, registeredName: 'Lưu Xuân Hiển' },
    );
    // A card read without its marks still resolves; the outcome carries the database's spelling.
    assert.deepEqual(
      await resolveLegacyId(database, { legacyId: '171234567', fullName: 'LUU XUAN HIEN', birthDate: '1964-07-17' }),
      { outcome: 'confirmed', personalId: '038064357769', nameFolded: true, registeredName: 'Lưu Xuân Hiển' },
    );
    assert.deepEqual(database.lookups, [{ legacyId: '171234567' }, { legacyId: '171234567' }]);
  });

  test('a CMND registered to someone else is a mismatch naming the fields; an unknown one is not found', async () => {
    const database = new InMemoryPopulationDatabase();
    assert.deepEqual(
      await resolveLegacyId(database, { legacyId: '171234567', fullName: 'Nguyễn Văn An', birthDate: '2003-02-14' }),
      { outcome: 'mismatch', personalId: '038064357769', fields: ['fullName', 'birthDate'] },
    );
    assert.deepEqual(
      await resolveLegacyId(database, { legacyId: '999999999', fullName: 'Nguyễn Văn An', birthDate: '2003-02-14' }),
      { outcome: 'not-found' },
    );
  });
});
