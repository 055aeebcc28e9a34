import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dossierDefaultsFrom, standardDossierDefaults } from '../../../functions/sync/core/dossier-defaults.ts';

describe('dossier defaults at run time (DOSSIER_DEFAULTS, the embedded runtime)', () => {
  test('unset means the standard ones; given fields replace theirs only', () => {
    assert.deepEqual(dossierDefaultsFrom(undefined), standardDossierDefaults);
    assert.deepEqual(dossierDefaultsFrom({ processingUnit: '000.00.15.H56' }), {
      ...standardDossierDefaults,
      processingUnit: '000.00.15.H56',
    });
  });

  test('a bad value throws, naming the field', () => {
    assert.throws(
      () => dossierDefaultsFrom({ resultTypeCode: 'KQ G15' }),
      /^Error: Invalid dossier defaults: dossierDefaults\.resultTypeCode: letters, digits/,
    );
    assert.throws(() => dossierDefaultsFrom({ procedureCode: '' }), /dossierDefaults\.procedureCode/);
    assert.throws(() => dossierDefaultsFrom({ extra: 1 }), /dossierDefaults: .*extra/);
  });
});
