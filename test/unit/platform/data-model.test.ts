import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { dataModelPath, renderDataModel, withGeneratedDataModel } from '../../../bin/data-model-doc.ts';
import { entities, indexes } from '../../../functions/platform/storage/schema.ts';

test('docs/data-model.md holds what npm run docs:data-model writes from the storage schema', async () => {
  const document = await readFile(dataModelPath, 'utf8');
  assert.equal(document, withGeneratedDataModel(document), 'run npm run docs:data-model and commit docs/data-model.md');
});

test('the generated part names every item kind and every index entry', () => {
  const generated = renderDataModel();
  for (const entity of Object.values(entities)) assert.ok(generated.includes(`| ${entity.title} |`), entity.title);
  const entries = Object.values(entities).flatMap((entity) =>
    Object.values('indexKeys' in entity ? entity.indexKeys : {}),
  );
  for (const entry of entries) {
    assert.ok(generated.includes(`| ${entry.serves} | \`${entry.pk.text}\` |`), entry.serves);
  }
  for (const index of Object.values(indexes)) assert.ok(generated.includes(`### Index \`${index.name}\``), index.name);
});

test('a document without its generated part is refused rather than silently left stale', () => {
  assert.throws(() => withGeneratedDataModel('# Data model\n'), /no generated part/);
});
