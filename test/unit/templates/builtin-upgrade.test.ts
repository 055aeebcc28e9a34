import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { ensureBuiltinTemplates } from '../../../functions/templates/core/manage-templates.ts';
import { templateAuditOwner } from '../../../functions/templates/core/template-repository.ts';
import type { RecognitionTemplate } from '../../../functions/templates/core/template-model.ts';
import { createTestVault, type TestVault } from '../../fakes/vault-test-deps.ts';

const current = builtinTemplates('2025-06-01T00:00:00.000Z');
const letterId = 'builtin-cong-van';

/** The letter template as an earlier release seeded it: the issuer only above 'Số:'. */
function earlierLetter(createdBy: string): RecognitionTemplate {
  const letter = structuredClone(current.find((template) => template.id === letterId));
  assert.ok(letter, 'the letter template');
  letter.fields = letter.fields.map((field) =>
    field.name === 'issuer'
      ? { name: 'issuer', labels: ['Số:'], valueAt: 'above', normaliser: 'text', required: true }
      : field,
  );
  return { ...letter, createdBy };
}

/** The same stored templates as another container sees them (its own seeding memo). */
function anotherContainer(vault: TestVault): TestVault {
  return { ...vault, templates: Object.create(vault.templates) as TestVault['templates'] };
}

describe('built-in templates from an earlier release', () => {
  test('an unedited seed is upgraded to the current rules as a new version, once', async () => {
    const vault = createTestVault();
    await vault.templates.saveTemplate(earlierLetter('system'), undefined, []);
    await ensureBuiltinTemplates(vault);
    await ensureBuiltinTemplates(anotherContainer(vault));
    const versions = await vault.templates.listTemplateVersions(letterId);
    assert.deepEqual(
      versions.map((version) => version.version),
      [1, 2],
    );
    assert.equal(versions[1]?.fields.find((field) => field.name === 'issuer')?.layout, 'issuing-agency');
    const history = await vault.repository.listHistory(templateAuditOwner, letterId, { limit: 10 });
    assert.deepEqual(
      history.items.map((entry) => entry.action),
      ['template.upgrade'],
    );
    // The other five were seeded fresh, as version 1.
    for (const template of await vault.templates.listTemplates()) {
      if (template.id !== letterId) assert.equal(template.version, 1, template.id);
    }
  });

  test('a residence template seeded before legacyId gains it as a new version', async () => {
    const vault = createTestVault();
    const residence = structuredClone(current.find((template) => template.id === 'builtin-xac-nhan-cu-tru'));
    assert.ok(residence, 'the residence template');
    residence.fields = residence.fields.filter((field) => field.name !== 'legacyId');
    await vault.templates.saveTemplate(residence, undefined, []);
    await ensureBuiltinTemplates(vault);
    const upgraded = await vault.templates.getTemplate(residence.id);
    assert.equal(upgraded?.version, 2);
    const legacyId = upgraded?.fields.find((field) => field.name === 'legacyId');
    assert.equal(legacyId?.normaliser, 'legacy-id');
    assert.equal(legacyId?.required, false);
  });

  test('a template an administrator edited is left as they made it', async () => {
    const vault = createTestVault();
    const edited = earlierLetter('admin-0001');
    await vault.templates.saveTemplate(edited, undefined, []);
    await ensureBuiltinTemplates(vault);
    assert.deepEqual(await vault.templates.getTemplate(letterId), edited);
  });
});
