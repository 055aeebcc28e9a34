import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideIntake, replacementProblem } from '../../../functions/integration/core/intake-decision.ts';
import type { IssuedResult } from '../../../functions/integration/core/result-model.ts';
import {
  identityOf,
  resultIdOf,
  resultIdPattern,
  validateResultRequest,
  type ResultRequest,
} from '../../../functions/integration/core/result-request.ts';
import { InvalidInputError } from '../../../functions/platform/core/errors.ts';
import { defaultVaultPolicy } from '../../../functions/vault/core/vault-policy.ts';

const hash = 'a'.repeat(64);

function request(overrides: Partial<ResultRequest> = {}): ResultRequest {
  return {
    ownerId: '079203001234',
    resultType: 'KQ.G15.000031',
    number: '633/CAT-PV01',
    issuer: { code: '000.00.01.H22', name: 'Công an tỉnh' },
    procedureCode: '1.000046',
    caseNumber: '000.00.01.H22-241203-0001',
    issueDate: '2024-12-03',
    file: { contentType: 'application/pdf', size: 1000, sha256: hash },
    ...overrides,
  };
}

const validate = (overrides: Partial<ResultRequest>) => validateResultRequest(request(overrides), defaultVaultPolicy);

describe('validateResultRequest', () => {
  test('accepts a complete result and normalises it', () => {
    const valid = validate({
      resultType: 'kq.g15.000031',
      number: '  633/CAT-PV01 ',
      procedureCode: '1.004616.000.00.00.H56',
      expiryDate: '2034-12-03',
      fields: { fullName: 'Nguyễn Văn An', note: 'hai\ndòng' },
    });
    assert.equal(valid.resultType, 'KQ.G15.000031');
    assert.equal(valid.number, '633/CAT-PV01');
    assert.deepEqual(valid.fields, { fullName: 'Nguyễn Văn An', note: 'hai\ndòng' });
    assert.equal(valid.expiryDate, '2034-12-03');
  });

  test('an enterprise code is an owner too', () => {
    assert.equal(validate({ ownerId: '0101234567-001' }).ownerId, '0101234567-001');
  });

  const refused: [string, Partial<ResultRequest>, RegExp][] = [
    ['an unknown province code', { ownerId: '999203001234' }, /ownerId/],
    ['an 11-digit owner', { ownerId: '07920300123' }, /ownerId/],
    ['a NUL in the result type', { resultType: 'KQ\u0000G15' }, /resultType/],
    ['spaces in the result type', { resultType: 'KQ G15' }, /resultType/],
    ['a bell in the number', { number: '633\u0007' }, /number/],
    ['a right-to-left override in the number', { number: '633/\u202ECAT' }, /number/],
    ['a line break in the number', { number: '633\n/CAT' }, /number/],
    ['no issuer', { issuer: {} }, /issuer/],
    ['an agency code that is one word', { issuer: { code: 'H22' } }, /issuer\.code/],
    ['a procedure code out of form', { procedureCode: '1.46' }, /procedureCode/],
    ['a case number with spaces', { caseNumber: 'HS 01' }, /caseNumber/],
    ['February 30th', { issueDate: '2024-02-30' }, /issueDate/],
    ['an expiry before the issue', { expiryDate: '2024-01-01' }, /expiryDate/],
    ['a field name that is not an identifier', { fields: { 'full name': 'x' } }, /Field name/],
    ['a field value with a NUL', { fields: { fullName: 'x\u0000' } }, /fullName/],
    ['51 fields', { fields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x'])) }, /50/],
    ['a replaced id that is no result id', { replaces: 'not-an-id' }, /replaces/],
    ['a 2 GB file', { file: { contentType: 'application/pdf', size: 2 ** 31, sha256: hash } }, /file\.size/],
    ['an empty file', { file: { contentType: 'application/pdf', size: 0, sha256: hash } }, /file\.size/],
    ['a type the policy refuses', { file: { contentType: 'text/html', size: 10, sha256: hash } }, /contentType/],
    ['an upper-case hash', { file: { contentType: 'application/pdf', size: 10, sha256: 'A'.repeat(64) } }, /sha256/],
  ];
  for (const [what, overrides, message] of refused) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => validate(overrides),
        (error: Error) => error instanceof InvalidInputError && message.test(error.message),
      );
    });
  }
});

describe('identity', () => {
  test('the same paper written differently has one identity and one id', () => {
    const a = identityOf(validate({ number: '633/CAT-PV01' }));
    const b = identityOf(validate({ number: '633 cat pv01', resultType: 'kq.g15.000031' }));
    assert.deepEqual(a, b);
    assert.equal(resultIdOf(a), resultIdOf(b));
    assert.match(resultIdOf(a), resultIdPattern);
  });

  test('an issuer is known by its code, else by its folded name', () => {
    const byCode = identityOf(validate({ issuer: { code: '000.00.01.H22', name: 'Một tên' } }));
    const sameCodeOtherName = identityOf(validate({ issuer: { code: '000.00.01.h22', name: 'Tên khác' } }));
    assert.equal(byCode.issuer, sameCodeOtherName.issuer);
    const byName = identityOf(validate({ issuer: { name: 'Công an Tỉnh' } }));
    assert.equal(byName.issuer, identityOf(validate({ issuer: { name: 'cong an tinh' } })).issuer);
    assert.notEqual(byName.issuer, byCode.issuer);
  });

  test('any of the four facts makes another result', () => {
    const base = resultIdOf(identityOf(validate({})));
    for (const overrides of [
      { resultType: 'KQ.G15.000032' },
      { number: '634/CAT-PV01' },
      { issuer: { code: '000.00.02.H22' } },
      { ownerId: '001099012345' },
    ]) {
      assert.notEqual(resultIdOf(identityOf(validate(overrides))), base);
    }
    // Facts outside the identity do not.
    assert.equal(resultIdOf(identityOf(validate({ caseNumber: 'OTHER-1', issueDate: '2025-01-01' }))), base);
  });
});

describe('decideIntake', () => {
  const existing = { id: 'r1', ownerId: '079203001234', sha256: hash, clientId: 'a08' } as IssuedResult;
  const same = { clientId: 'a08', sha256: hash };
  const other = { clientId: 'a08', sha256: 'b'.repeat(64) };

  test('a new identity is created; the same content is a repeat; other content a conflict', () => {
    assert.deepEqual(decideIntake(undefined, same, false), { kind: 'create' });
    assert.deepEqual(decideIntake(existing, same, false), { kind: 'repeat', result: existing });
    assert.equal(decideIntake(existing, other, false).kind, 'conflict');
  });

  test('a result whose file failed the workflow is filed afresh, whatever the content', () => {
    assert.deepEqual(decideIntake(existing, same, true), { kind: 'retry', failed: existing });
    assert.deepEqual(decideIntake(existing, other, true), { kind: 'retry', failed: existing });
  });

  test("another system's result is never answered or taken over, even with the same content", () => {
    for (const failed of [false, true]) {
      const decision = decideIntake(existing, { clientId: 'c06', sha256: hash }, failed);
      assert.equal(decision.kind, 'conflict');
      assert.match(decision.kind === 'conflict' ? decision.reason : '', /another system/);
    }
  });

  test('a replacement names another result of the same owner', () => {
    assert.equal(replacementProblem(existing, { id: 'r2', ownerId: '079203001234' }), undefined);
    assert.match(replacementProblem(undefined, { id: 'r2', ownerId: '079203001234' }) ?? '', /no result/);
    assert.match(replacementProblem(existing, { id: 'r2', ownerId: '001099012345' }) ?? '', /no result/);
    assert.match(replacementProblem(existing, { id: 'r1', ownerId: '079203001234' }) ?? '', /itself/);
    const replaced = { ...existing, replacedBy: 'r2' };
    assert.equal(replacementProblem(replaced, { id: 'r2', ownerId: '079203001234' }), undefined, 'its own retry');
    assert.match(replacementProblem(replaced, { id: 'r3', ownerId: '079203001234' }) ?? '', /already replaced/);
  });
});
