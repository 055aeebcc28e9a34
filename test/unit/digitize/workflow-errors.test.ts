import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workflowErrors } from '../../../functions/digitize/core/workflow-errors.ts';
import { InvalidInputError } from '../../../functions/platform/core/errors.ts';
import { SealNotConfiguredError } from '../../../functions/signing/core/seal-readiness.ts';
import { build } from 'esbuild';
import { lambdaBundling } from '../../../lib/constructs/vault-function.ts';

const definition: unknown = JSON.parse(
  readFileSync(new URL('../../../functions/digitize/digitize.asl.json', import.meta.url), 'utf8'),
);

/** Every name in an `ErrorEquals` anywhere in the definition, nested Map states included. */
function matchedErrorNames(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) matchedErrorNames(item, found);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'ErrorEquals' && Array.isArray(value)) for (const name of value) found.add(String(name));
      else matchedErrorNames(value, found);
    }
  }
  return found;
}

describe('workflow error names', () => {
  const matched = [...matchedErrorNames(definition)].filter((name) => !name.startsWith('States.')).sort();
  const declared = Object.values(workflowErrors).sort();

  test('the ASL matches only names workflow-errors.ts declares, and every declared name is matched', () => {
    assert.ok(matched.length > 0, 'the definition matches some of our errors');
    assert.deepEqual(matched, declared);
  });

  test('errors thrown outside digitize carry the names the workflow matches', () => {
    assert.equal(new InvalidInputError('x').name, workflowErrors.invalidInput);
    assert.equal(new SealNotConfiguredError({ status: 'not-configured' }).name, workflowErrors.sealNotConfigured);
  });

  test('the names survive the minified bundle the deployed functions run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'khoso-bundle-'));
    const outfile = join(dir, 'index.mjs');
    await build({
      stdin: {
        contents:
          "import { InvalidInputError } from './functions/platform/core/errors.ts';\n" +
          "import { SealNotConfiguredError } from './functions/signing/core/seal-readiness.ts';\n" +
          "export const names = [new InvalidInputError('x').name, new SealNotConfiguredError({ status: 'not-configured' }).name];",
        resolveDir: new URL('../../../', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      outfile,
      platform: 'node',
      format: 'esm',
      minify: lambdaBundling.minify,
      keepNames: lambdaBundling.keepNames,
      banner: { js: lambdaBundling.banner },
      logLevel: 'silent',
    });
    const { names } = (await import(pathToFileURL(outfile).href)) as { names: string[] };
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(names, [workflowErrors.invalidInput, workflowErrors.sealNotConfigured]);
  });
});
