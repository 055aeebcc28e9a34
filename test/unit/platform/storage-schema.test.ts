import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  attributes,
  entities,
  indexAttributes,
  indexes,
  keyAttributes,
  objectKeys,
  primaryKey,
} from '../../../functions/platform/storage/schema.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schemaFile = 'functions/platform/storage/schema.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return /\.(ts|json)$/.test(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
}

/** The literal words keys start with, e.g. `OWNER#`, `SHARED-WITH#`, taken from the schema itself. */
const keyPrefixes = [
  ...new Set(
    Object.values(entities).flatMap((entity) => {
      const entries = Object.values('indexKeys' in entity ? entity.indexKeys : {});
      const texts = [entity.pk.text, entity.sk.text, ...entries.flatMap((entry) => [entry.pk.text, entry.sk.text])];
      return texts.flatMap((text) => text.match(/[A-Z][A-Z-]*#/g) ?? []);
    }),
  ),
];

describe('one storage schema', () => {
  test('no file of functions/ or lib/ but the schema names an index or writes a key prefix', async () => {
    const indexWords = Object.values(indexes).flatMap((index) => [index.name, index.partitionKey, index.sortKey]);
    const files = [...(await sourceFiles('functions')), ...(await sourceFiles('lib'))].filter(
      (file) => relative(root, join(root, file)) !== schemaFile,
    );
    assert.ok(files.length > 50, 'the sources were found');
    assert.ok(keyPrefixes.includes('OWNER#') && keyPrefixes.includes('SHARED-BY#'), 'the prefixes were found');
    const offences: string[] = [];
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8');
      for (const word of indexWords) if (new RegExp(`\\b${word}\\b`).test(text)) offences.push(`${file}: ${word}`);
      for (const prefix of keyPrefixes)
        if (new RegExp(`['"\`]${prefix}`).test(text)) offences.push(`${file}: ${prefix}`);
    }
    assert.deepEqual(offences, []);
  });

  test('keys are built from their templates, numbers zero-padded so they sort', () => {
    assert.deepEqual(primaryKey(entities.version, { ownerId: 'o1', documentId: 'd1', number: 7 }), {
      pk: 'OWNER#o1',
      sk: 'VERSION#d1#0000000007',
    });
    assert.deepEqual(primaryKey(entities.auditEntry, { ownerId: 'o1', block: 2, seq: 2001 }), {
      pk: 'AUDIT#o1#2',
      sk: '000000002001',
    });
    assert.deepEqual(
      indexAttributes(entities.document.indexKeys.inFolder, {
        ownerId: 'o1',
        folderId: 'f1',
        createdAt: '2026-01-01',
        documentId: 'd1',
      }),
      { [indexes.listings.partitionKey]: 'OWNER#o1#FOLDER#f1', [indexes.listings.sortKey]: 'DOC#2026-01-01#d1' },
    );
  });

  test('a prefix stops at the first placeholder without a value', () => {
    assert.equal(entities.version.sk.prefix({ documentId: 'd1' }), 'VERSION#d1#');
    assert.equal(entities.folder.sk.prefix({}), 'FOLDER#');
    assert.equal(entities.share.indexKeys.grantedBy.sk.prefix({ resourceType: 'folder' }), 'folder#');
  });

  test('a missing value is an error, never the text "undefined" in a key', () => {
    assert.throws(() => entities.folder.sk.of({} as { folderId: string }), /no value for folderId/);
  });

  test('no two item kinds share a key shape, so they cannot overwrite each other', () => {
    const shapes = Object.values(entities).map((entity) => `${entity.pk.text} ${entity.sk.text}`);
    assert.equal(new Set(shapes).size, shapes.length);
  });

  test('the table declares every key attribute the items use', () => {
    assert.deepEqual(keyAttributes.slice(0, 2), [attributes.partitionKey, attributes.sortKey]);
    for (const index of Object.values(indexes))
      assert.ok(keyAttributes.includes(index.partitionKey) && keyAttributes.includes(index.sortKey));
  });

  test('object keys live under the prefixes the grants are scoped by', () => {
    assert.equal(objectKeys.incoming('u1'), 'incoming/u1');
    assert.equal(objectKeys.documentBlob('o1', 'd1', 'u1'), 'vault/o1/d1/u1');
    assert.equal(objectKeys.detachedSignature('o1', 'd1', 's1'), 'vault/o1/d1/signatures/s1.p7s');
    assert.equal(objectKeys.preparedForSigning('s1'), 'work/signing/s1.pdf');
    assert.equal(objectKeys.quarantine('u1'), 'quarantine/u1');
  });
});
