import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The project's own eslint.config.js, so the test also proves the rule is switched on.
const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../../', import.meta.url)) });

async function boundaryFindings(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'khoso/import-boundaries')
    .map((m) => m.messageId ?? m.message);
}

const cases: [string, string, string, string[]][] = [
  [
    'functions/ importing lib/',
    'functions/vault/core/a.ts',
    "import { x } from '../../../lib/local/b.ts';",
    ['functionsImportLib'],
  ],
  [
    'core importing the AWS SDK',
    'functions/vault/core/a.ts',
    "import { S3Client } from '@aws-sdk/client-s3';",
    ['coreAwsSdk'],
  ],
  [
    'an adapter importing the AWS SDK',
    'functions/vault/adapters/a.ts',
    "import { S3Client } from '@aws-sdk/client-s3';",
    [],
  ],
  [
    'core importing the OpenID Connect client',
    'functions/auth/core/a.ts',
    "import * as oidc from 'openid-client';",
    ['coreProtocolLibrary'],
  ],
  [
    'an adapter importing the OpenID Connect client',
    'functions/auth/adapters/a.ts',
    "import * as oidc from 'openid-client';",
    [],
  ],
  [
    "core importing its own feature's adapters",
    'functions/platform/core/a.ts',
    "import { x } from '../adapters/b.ts';",
    ['coreWiring'],
  ],
  [
    "a feature importing another feature's adapters",
    'functions/vault/handlers/a.ts',
    "import { x } from '../../digitize/adapters/b.ts';",
    ['foreignWiring'],
  ],
  [
    "the sync feature importing another feature's adapters",
    'functions/sync/adapters/a.ts',
    "import { x } from '../../signing/adapters/b.ts';",
    ['foreignWiring'],
  ],
  [
    "a feature importing the sync feature's adapters",
    'functions/vault/handlers/a.ts',
    "import { x } from '../../sync/adapters/b.ts';",
    ['foreignWiring'],
  ],
  [
    "a feature re-exporting another feature's handlers",
    'functions/audit/adapters/a.ts',
    "export * from '../../sharing/handlers/b.ts';",
    ['foreignWiring'],
  ],
  [
    "a dynamic import of another feature's adapters",
    'functions/templates/handlers/a.ts',
    "await import('../../digitize/adapters/b.ts');",
    ['foreignWiring'],
  ],
  [
    "a type import of another feature's adapters from core",
    'functions/signing/core/a.ts',
    "import type { X } from '../../audit/adapters/b.ts';",
    ['coreWiring', 'foreignWiring'],
  ],
  [
    "a feature importing another feature's core",
    'functions/vault/handlers/a.ts',
    "import { x } from '../../digitize/core/b.ts';",
    [],
  ],
  [
    'a feature importing its own adapters',
    'functions/vault/handlers/a.ts',
    "import { x } from '../adapters/b.ts';",
    [],
  ],
  [
    'the composition root wiring adapters',
    'functions/composition/a.ts',
    "import { x } from '../digitize/adapters/b.ts';",
    [],
  ],
  ['lib/ wiring adapters', 'lib/local/a.ts', "import { x } from '../../functions/digitize/adapters/b.ts';", []],
  [
    'pdf-pki importing the platform',
    'functions/pdf-pki/a.ts',
    "import { x } from '../platform/core/errors.ts';",
    ['pdfPkiOutside'],
  ],
  [
    'pdf-pki importing itself and packages',
    'functions/pdf-pki/a.ts',
    "import { x } from './b.ts';\nimport * as p from 'pkijs';",
    [],
  ],
  [
    'platform importing a feature',
    'functions/platform/http/a.ts',
    "import { x } from '../../vault/core/b.ts';",
    ['platformFeature'],
  ],
  [
    "the storage layer reading a feature's records",
    'functions/platform/storage/a.ts',
    "import type { Folder } from '../../vault/core/model.ts';",
    [],
  ],
  [
    "the storage layer importing a feature's adapters",
    'functions/platform/storage/a.ts',
    "import { x } from '../../vault/adapters/b.ts';",
    ['platformFeature', 'foreignWiring'],
  ],
  ['platform importing pdf-pki', 'functions/platform/http/a.ts', "import { x } from '../../pdf-pki/b.ts';", []],
];

describe('import boundaries (eslint.config.js, khoso/import-boundaries)', () => {
  for (const [name, filePath, code, expected] of cases) {
    test(`${name}: ${expected.length ? expected.join(', ') : 'allowed'}`, async () => {
      assert.deepEqual((await boundaryFindings(filePath, code)).sort(), [...expected].sort());
    });
  }
});
