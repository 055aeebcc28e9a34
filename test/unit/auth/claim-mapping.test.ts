import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapClaims } from '../../../functions/auth/core/claim-mapping.ts';
import { TokenRejectedError } from '../../../functions/auth/core/token-rejected.ts';
import { dvcqg, dvcqgClaims, own } from './fixtures.ts';

function refusal(run: () => unknown): TokenRejectedError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof TokenRejectedError, String(error));
    return error;
  }
  assert.fail('the claims were accepted');
}

describe('claim mapping: the national portal (DVCQG)', () => {
  test('a citizen (LoaiTaiKhoan 1) owns the vault of their 12-digit personal ID', () => {
    assert.deepEqual(mapClaims(dvcqg, dvcqgClaims.citizen), {
      principal: { sub: 'dvcqg-7f3a', role: 'citizen', ownerId: '079203001234' },
      accountType: 'citizen',
      displayName: 'Nguyễn Văn An',
    });
  });

  test('without SoDinhDanh, the personal ID comes from SoCMND', () => {
    assert.equal(mapClaims(dvcqg, dvcqgClaims.citizenOldId).principal.ownerId, '001099012345');
  });

  test('a business (LoaiTaiKhoan 2) owns the vault of its enterprise/tax code, branches included', () => {
    assert.deepEqual(mapClaims(dvcqg, dvcqgClaims.business).principal, {
      sub: 'dvcqg-b001',
      role: 'organization',
      ownerId: '0101234567',
    });
    assert.equal(mapClaims(dvcqg, dvcqgClaims.branch).principal.ownerId, '0101234567-001');
  });

  test('an organisation (LoaiTaiKhoan 3) is refused where the provider may not vouch for organisations', () => {
    const error = refusal(() => mapClaims(dvcqg, dvcqgClaims.organisation));
    assert.equal(error.reason, 'account-type-not-allowed');
    assert.equal(error.audited, true);
    const allowing = { ...dvcqg, accountTypes: [...dvcqg.accountTypes, 'organisation' as const] };
    assert.deepEqual(mapClaims(allowing, dvcqgClaims.organisation), {
      principal: { sub: 'dvcqg-o001', role: 'organization', ownerId: '0312345678' },
      accountType: 'organisation',
    });
  });

  test('missing or malformed ids and unknown account types fail the mapping (audited)', () => {
    const cases: Record<string, Record<string, unknown>> = {
      'no personal ID': { sub: 's', LoaiTaiKhoan: '1', HoVaTen: 'X' },
      'personal ID of 11 digits': { sub: 's', LoaiTaiKhoan: '1', SoDinhDanh: '07920300123' },
      'personal ID with an unknown province': { sub: 's', LoaiTaiKhoan: '1', SoDinhDanh: '999203001234' },
      'personal ID with letters': { sub: 's', LoaiTaiKhoan: '1', SoDinhDanh: '07920300123A' },
      'personal ID as a number': { sub: 's', LoaiTaiKhoan: '1', SoDinhDanh: 79203001234 },
      'no tax code': { sub: 's', LoaiTaiKhoan: '2', TenDoanhNghiep: 'Hoa Sen' },
      'tax code of 9 digits': { sub: 's', LoaiTaiKhoan: '2', MaSoThue: '010123456' },
      'tax code with a 2-digit branch': { sub: 's', LoaiTaiKhoan: '2', MaSoThue: '0101234567-01' },
      'no account type': { sub: 's', SoDinhDanh: '079203001234' },
      'unknown account type': { sub: 's', LoaiTaiKhoan: '4', SoDinhDanh: '079203001234' },
      'no subject': { LoaiTaiKhoan: '1', SoDinhDanh: '079203001234' },
    };
    for (const [label, claims] of Object.entries(cases)) {
      const error = refusal(() => mapClaims(dvcqg, claims));
      assert.equal(error.reason, 'mapping-failed', label);
      assert.equal(error.audited, true, label);
    }
  });

  test("DVCQG's own claims never carry our role: a role claim does not make a DVCQG citizen an admin", () => {
    const claims = { ...dvcqgClaims.citizen, role: 'admin' };
    assert.equal(mapClaims(dvcqg, claims).principal.role, 'citizen');
  });
});

describe('claim mapping: our own claims', () => {
  test('people map as their role says, within the account types allowed', () => {
    assert.deepEqual(mapClaims(own, { sub: 'o1', role: 'officer', unit: 'PC06' }).principal, {
      sub: 'o1',
      role: 'officer',
      unit: 'PC06',
    });
    assert.equal(mapClaims(own, { sub: 'b1', role: 'organization', ownerId: '0101234567' }).accountType, 'business');
    assert.equal(refusal(() => mapClaims(own, { sub: 'c', role: 'citizen', ownerId: '123' })).reason, 'mapping-failed');
    assert.equal(
      refusal(() => mapClaims({ ...own, accountTypes: ['citizen'] }, { sub: 'a', role: 'admin' })).reason,
      'account-type-not-allowed',
    );
    assert.equal(refusal(() => mapClaims(own, { sub: 's', role: 'system' })).reason, 'mapping-failed');
  });
});

describe('claim mapping: machine clients', () => {
  const machine = { sub: 'svc-a08', client_id: 'a08-bhxh', unit: 'A08', scope: 'openid results:write sync:read' };

  test('a client-credentials token becomes a system principal with its machine scopes only', () => {
    assert.deepEqual(mapClaims(own, machine), {
      principal: {
        sub: 'svc-a08',
        role: 'system',
        clientId: 'a08-bhxh',
        unit: 'A08',
        scopes: ['results:write', 'sync:read'],
      },
    });
    assert.deepEqual(mapClaims(own, { ...machine, scope: undefined, scp: ['results:read'] }).principal.scopes, [
      'results:read',
    ]);
  });

  test('a machine token must name its client and unit', () => {
    assert.equal(refusal(() => mapClaims(own, { ...machine, client_id: undefined })).reason, 'mapping-failed');
    assert.equal(refusal(() => mapClaims(own, { ...machine, unit: '' })).reason, 'mapping-failed');
  });

  test("a person's token carrying machine scopes is refused (audited), whoever issued it", () => {
    const personWithScopes = { sub: 'c', role: 'citizen', ownerId: '079203001234', scope: 'results:read' };
    for (const [provider, claims] of [
      [own, personWithScopes],
      [dvcqg, { ...dvcqgClaims.citizen, scope: 'openid results:write' }],
    ] as const) {
      const error = refusal(() => mapClaims(provider, claims));
      assert.equal(error.reason, 'user-token-with-machine-scopes');
      assert.equal(error.audited, true);
    }
  });

  test('a provider of machine tokens only refuses tokens of people', () => {
    const machinesOnly = { ...own, tokenKinds: ['machine' as const] };
    assert.equal(mapClaims(machinesOnly, machine).principal.role, 'system');
    assert.equal(refusal(() => mapClaims(machinesOnly, { sub: 'a', role: 'admin' })).reason, 'token-kind-not-allowed');
  });
});
