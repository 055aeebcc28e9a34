import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PdfPkiInputError } from '../../../functions/pdf-pki/errors.ts';
import { InvalidInputError } from '../../../functions/platform/core/errors.ts';
import { parseCertificates, preparePdfSignature } from '../../../functions/signing/core/pki.ts';

describe("signing's view of the pdf-pki toolkit", () => {
  const isMapped = (error: unknown) =>
    error instanceof InvalidInputError &&
    error.cause instanceof PdfPkiInputError &&
    error.message === error.cause.message;

  test("a toolkit input error thrown at once becomes the vault's InvalidInputError", () => {
    assert.throws(() => parseCertificates('not a certificate!'), isMapped);
  });

  test('a toolkit input error of an async function is mapped when the promise rejects', async () => {
    await assert.rejects(preparePdfSignature(new TextEncoder().encode('hello'), { signingTime: new Date() }), isMapped);
  });
});
