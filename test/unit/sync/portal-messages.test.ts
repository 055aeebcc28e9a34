import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NationalWarehouseError,
  isRetryableWarehouseFailure,
  type Dossier,
} from '../../../functions/sync/core/national-warehouse.ts';
import {
  defaultPortalCodes,
  fileReplySchema,
  interpretFileReply,
  interpretLookupReply,
  interpretPullReply,
  interpretPushReply,
  portalTextForLogs,
  pullReplySchema,
  pushReplySchema,
  toDossierMessage,
  toPullRequestMessage,
  type PortalCodes,
} from '../../../functions/sync/core/portal-messages.ts';
import { parseNationalWarehouseConfig } from '../../../functions/sync/adapters/national-warehouse-config.ts';

const ownerId = '079203001234';

function sampleDossier(overrides: Partial<Dossier> = {}): Dossier {
  return {
    dossierCode: '000.00.01.H22-261203-0001',
    procedureCode: '1.004616.000.00.00.H56',
    procedureName: 'Cấp giấy phép sử dụng vật liệu nổ công nghiệp',
    ownerName: 'Nguyễn Văn An',
    ownerKind: 'citizen',
    ownerCode: ownerId,
    ownerIdentifiers: [{ kind: 'personal-id', number: ownerId }],
    receivedAt: new Date('2026-12-01T01:30:00Z'),
    dueAt: new Date('2026-12-10T10:00:00Z'),
    returnedAt: new Date('2026-12-03T05:04:05Z'),
    status: 10,
    processingUnit: '000.00.01.H22',
    digitised: true,
    reusable: false,
    results: [
      {
        name: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
        dossierComponentCode: 'TP1',
        paperId: 'doc-01HZX',
        resultTypeCode: 'KQ.G15.000031',
        fileUrl: 'https://vault.example.vn/download?X-Amz-Signature=abc',
      },
    ],
    ...overrides,
  };
}

function permanentFailure(failure: string) {
  return (error: unknown) =>
    error instanceof NationalWarehouseError && error.failure === failure && !isRetryableWarehouseFailure(error);
}

describe('dossier messages (DongBoHoSoMC)', () => {
  test('every domain field goes out under its portal name, dates in Vietnam time, flags and codes as strings', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(toDossierMessage(sampleDossier(), defaultPortalCodes))), {
      MaHoSo: '000.00.01.H22-261203-0001',
      MaTTHC: '1.004616.000.00.00.H56',
      TenTTHC: 'Cấp giấy phép sử dụng vật liệu nổ công nghiệp',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: '1',
      MaDoiTuong: ownerId,
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: ownerId }],
      NgayTiepNhan: '20261201083000',
      NgayHenTra: '20261210170000',
      NgayTra: '20261203120405',
      TrangThaiHoSo: '10',
      DonViXuLy: '000.00.01.H22',
      DuocSoHoa: '1',
      DuocTaiSuDung: '0',
      DanhSachGiayToKetQua: [
        {
          TenGiayTo: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
          MaThanhPhanHoSo: 'TP1',
          GiayToId: 'doc-01HZX',
          MaGiayToKetQua: 'KQ.G15.000031',
          DuongDanTepTinKetQua: 'https://vault.example.vn/download?X-Amz-Signature=abc',
        },
      ],
    });
  });

  test('optional fields left out are not sent; configured codes are used', () => {
    const codes: PortalCodes = {
      ...defaultPortalCodes,
      ownerKinds: { citizen: '1', enterprise: '5', organisation: '6' },
    };
    const message = JSON.parse(
      JSON.stringify(
        toDossierMessage(
          sampleDossier({
            ownerKind: 'enterprise',
            ownerCode: '0101234567-001',
            ownerIdentifiers: [{ kind: 'enterprise-code', number: '0101234567-001' }],
            returnedAt: undefined,
            replacesResultCode: 'KQ.G15.000030',
          }),
          codes,
        ),
      ),
    );
    assert.equal('NgayTra' in message, false);
    assert.equal(message.LoaiDoiTuong, '5');
    assert.deepEqual(message.DinhDanhCHS, [{ LoaiDinhDanh: '2', SoDinhDanh: '0101234567-001' }]);
    assert.equal(message.MaKetQuaThayThe, 'KQ.G15.000030');
  });

  test('a message that breaks the wire format is refused before sending, naming the field and not its value', () => {
    const cases: [string, Partial<Dossier>, string][] = [
      [
        'control character in a result-type code',
        { results: [{ ...sampleDossier().results[0]!, resultTypeCode: 'KQ.G15\u0000.1' }] },
        'DanhSachGiayToKetQua.0.MaGiayToKetQua',
      ],
      ['control character in a name', { ownerName: 'Nguyễn\u0007An' }, 'ChuHoSo'],
      [
        'owner ID off the pattern',
        { ownerIdentifiers: [{ kind: 'personal-id', number: '12345' }] },
        'DinhDanhCHS.0.SoDinhDanh',
      ],
      ['owner code with a space', { ownerCode: '079 203' }, 'MaDoiTuong'],
      ['no identifiers', { ownerIdentifiers: [] }, 'DinhDanhCHS'],
      ['status out of range', { status: 11 as Dossier['status'] }, 'TrangThaiHoSo'],
      [
        'a file link that is not http(s)',
        { results: [{ ...sampleDossier().results[0]!, fileUrl: 'file:///etc/passwd' }] },
        'DanhSachGiayToKetQua.0.DuongDanTepTinKetQua',
      ],
    ];
    for (const [name, overrides, field] of cases) {
      assert.throws(
        () => toDossierMessage(sampleDossier(overrides), defaultPortalCodes),
        (error: unknown) =>
          permanentFailure('invalid-message')(error) &&
          (error as Error).message.includes(field) &&
          !(error as Error).message.includes('12345'),
        name,
      );
    }
    assert.throws(
      () => toDossierMessage(sampleDossier({ dueAt: new Date(Number.NaN) }), defaultPortalCodes),
      permanentFailure('invalid-message'),
    );
  });
});

describe('push replies ({error_code, message, result})', () => {
  const reply = (body: unknown) => pushReplySchema.parse(body);

  test('success: created or updated, with the portal id when it gives one; codes as numbers or strings', () => {
    assert.deepEqual(
      interpretPushReply(reply({ error_code: 0, message: 'ok', result: { Id: 'r-1' } }), 'create', defaultPortalCodes),
      { outcome: 'created', remoteId: 'r-1' },
    );
    assert.deepEqual(interpretPushReply(reply({ error_code: '0', message: null }), 'update', defaultPortalCodes), {
      outcome: 'updated',
    });
    assert.deepEqual(
      interpretPushReply(reply({ error_code: 0, result: 42, extra: true }), 'create', defaultPortalCodes),
      {
        outcome: 'created',
        remoteId: '42',
      },
    );
  });

  test('3 or -3 saying "đã tồn tại" (any case, any Unicode form) on a create means already exists', () => {
    for (const body of [
      { error_code: -3, message: 'Hồ sơ đã tồn tại' },
      { error_code: '3', message: 'HỒ SƠ ĐÃ TỒN TẠI TRÊN HỆ THỐNG' },
      { error_code: 3, message: 'Hồ sơ đã tồn tại'.normalize('NFD') },
    ]) {
      assert.deepEqual(interpretPushReply(reply(body), 'create', defaultPortalCodes), { outcome: 'already-exists' });
    }
  });

  test('the same code without the text, or on an update, is a permanent business error', () => {
    assert.throws(
      () => interpretPushReply(reply({ error_code: 3, message: 'Sai định dạng' }), 'create', defaultPortalCodes),
      (error: unknown) =>
        permanentFailure('business-error')(error) && (error as NationalWarehouseError).portalCode === '3',
    );
    assert.throws(
      () => interpretPushReply(reply({ error_code: -3, message: 'Hồ sơ đã tồn tại' }), 'update', defaultPortalCodes),
      permanentFailure('business-error'),
    );
  });

  test('a code configured as busy is retryable; others are not', () => {
    const codes = { ...defaultPortalCodes, busy: ['-99'] };
    assert.throws(
      () => interpretPushReply(reply({ error_code: -99, message: 'Hệ thống bận' }), 'create', codes),
      (error: unknown) => error instanceof NationalWarehouseError && error.failure === 'busy' && error.retryable,
    );
    assert.throws(
      () => interpretPushReply(reply({ error_code: -1, message: 'Trường NgayTra không hợp lệ' }), 'create', codes),
      permanentFailure('business-error'),
    );
  });

  test('a reply without an error code, or with a non-numeric one, does not parse', () => {
    assert.equal(pushReplySchema.safeParse({ message: 'ok' }).success, false);
    assert.equal(pushReplySchema.safeParse({ error_code: 'OK' }).success, false);
    assert.equal(pushReplySchema.safeParse('0').success, false);
  });

  test('the existence check: an empty result or a not-found code is absent; an object is the dossier', () => {
    const code = 'HS-1';
    assert.equal(interpretLookupReply(reply({ error_code: 0, result: null }), code, defaultPortalCodes), undefined);
    assert.equal(interpretLookupReply(reply({ error_code: 0 }), code, defaultPortalCodes), undefined);
    assert.deepEqual(interpretLookupReply(reply({ error_code: 0, result: { Id: 7 } }), code, defaultPortalCodes), {
      dossierCode: code,
      remoteId: '7',
    });
    const codes = { ...defaultPortalCodes, notFound: ['2'] };
    assert.equal(interpretLookupReply(reply({ error_code: 2, message: 'Không tồn tại' }), code, codes), undefined);
    assert.throws(
      () => interpretLookupReply(reply({ error_code: -1 }), code, defaultPortalCodes),
      permanentFailure('business-error'),
    );
  });

  test("the portal's text in an error keeps only the ends of a personal ID", () => {
    assert.equal(portalTextForLogs(`Chủ hồ sơ ${ownerId} không hợp lệ`), 'Chủ hồ sơ 079******234 không hợp lệ');
    assert.throws(
      () =>
        interpretPushReply(
          reply({ error_code: -1, message: `Chủ hồ sơ ${ownerId} sai` }),
          'create',
          defaultPortalCodes,
        ),
      (error: unknown) => !(error as Error).message.includes(ownerId),
    );
  });
});

describe('pull messages (GetKetQuaGiayTo, GetGiayToByUrl)', () => {
  test('the request carries the channel code and an empty number when none is asked', () => {
    assert.deepEqual(
      toPullRequestMessage({
        ownerId,
        channel: 'citizen',
        requesterId: ownerId,
        requesterName: 'Nguyễn Văn An',
        procedureCode: '1.000046',
        wanted: [{ resultTypeCode: 'KQ.G15.000031' }, { resultTypeCode: 'KQ.G15.000032', number: '123/GP-PC06' }],
      }),
      {
        SoDinhDanhChuSoHuu: ownerId,
        HoTenNguoiYeuCau: 'Nguyễn Văn An',
        KenhThucHien: '2',
        SoDinhDanhNguoiYeuCau: ownerId,
        MaThuTuc: '1.000046',
        DanhSachDanhMucKetQua: [
          { MaKetQua: 'KQ.G15.000031', SoKyHieu: '' },
          { MaKetQua: 'KQ.G15.000032', SoKyHieu: '123/GP-PC06' },
        ],
      },
    );
    assert.throws(
      () =>
        toPullRequestMessage({
          ownerId: '0792030012345',
          channel: 'officer',
          requesterId: ownerId,
          requesterName: 'Cán bộ',
          procedureCode: '1.000046',
          wanted: [],
        }),
      permanentFailure('invalid-message'),
    );
  });

  test('an officer is named by their account; a citizen or organisation asking for themself by their ID', () => {
    const officerRequest = {
      ownerId,
      channel: 'officer' as const,
      requesterId: 'officer-pham-duc-thang',
      requesterName: 'officer-pham-duc-thang',
      procedureCode: '1.000046',
      wanted: [],
    };
    const message = toPullRequestMessage(officerRequest);
    assert.deepEqual(
      [message.KenhThucHien, message.SoDinhDanhNguoiYeuCau, message.HoTenNguoiYeuCau],
      ['1', 'officer-pham-duc-thang', 'officer-pham-duc-thang'],
    );
    assert.throws(
      () => toPullRequestMessage({ ...officerRequest, channel: 'citizen' }),
      permanentFailure('invalid-message'),
    );
    assert.throws(
      () => toPullRequestMessage({ ...officerRequest, requesterId: 'officer\u0000x' }),
      permanentFailure('invalid-message'),
    );
  });

  test('the reply maps to English names, keeps the signature unverified, and tolerates extra fields and null lists', () => {
    const parsed = pullReplySchema.parse({
      errorCode: '0',
      message: 'Thành công',
      signature: 'c2lnbmF0dXJl',
      extra: 'ignored',
      result: {
        DanhSachGiayToKetQua: [
          {
            MaKetQua: 'KQ.G15.000031',
            TenGiayTo: 'Giấy phép',
            SoKyHieu: '123/GP-PC06',
            CoQuanChuQuan: '000.00.01.H22',
            DanhSachTepDinhKem: [{ TenTep: 'giay-phep.pdf', DuongDan: '/files/a.pdf', KichThuoc: 10 }],
          },
          {
            MaKetQua: 'KQ.G15.000032',
            TenGiayTo: 'Xác nhận',
            SoKyHieu: '9',
            CoQuanChuQuan: 'H22',
            DanhSachTepDinhKem: null,
          },
        ],
      },
    });
    assert.deepEqual(interpretPullReply(parsed, defaultPortalCodes), {
      portalSignature: 'c2lnbmF0dXJl',
      results: [
        {
          resultTypeCode: 'KQ.G15.000031',
          name: 'Giấy phép',
          number: '123/GP-PC06',
          issuingBody: '000.00.01.H22',
          files: [{ name: 'giay-phep.pdf', path: '/files/a.pdf' }],
        },
        { resultTypeCode: 'KQ.G15.000032', name: 'Xác nhận', number: '9', issuingBody: 'H22', files: [] },
      ],
    });
    assert.deepEqual(interpretPullReply(pullReplySchema.parse({ errorCode: 0, result: null }), defaultPortalCodes), {
      results: [],
    });
  });

  test('a result without its number, or an error code, is not taken as results', () => {
    assert.equal(
      pullReplySchema.safeParse({
        errorCode: 0,
        result: { DanhSachGiayToKetQua: [{ MaKetQua: 'KQ', TenGiayTo: 'x', CoQuanChuQuan: 'H22' }] },
      }).success,
      false,
    );
    assert.throws(
      () =>
        interpretPullReply(pullReplySchema.parse({ errorCode: -1, message: 'Không có dữ liệu' }), defaultPortalCodes),
      permanentFailure('business-error'),
    );
  });

  test('a file arrives as one base64 string; an error object or other text is not a file', () => {
    const bytes = Buffer.from('%PDF-1.7 sample');
    assert.deepEqual(
      Buffer.from(interpretFileReply(fileReplySchema.parse(bytes.toString('base64')), defaultPortalCodes)),
      bytes,
    );
    assert.throws(
      () => interpretFileReply(fileReplySchema.parse({ errorCode: -1, message: 'Không tìm thấy' }), defaultPortalCodes),
      permanentFailure('business-error'),
    );
    assert.equal(fileReplySchema.safeParse('not base64!').success, false);
    assert.equal(fileReplySchema.safeParse(42).success, false);
  });
});

describe('national warehouse configuration', () => {
  const base = {
    baseUrl: 'https://lgsp.example.gov.vn/api/',
    paths: {
      findDossier: '/dossiers/find',
      createDossier: '/DongBoHoSoMC',
      updateDossier: '/DongBoHoSoMC',
      pullResults: '/GetKetQuaGiayTo',
      getFile: '/GetGiayToByUrl',
    },
    authentication: { kind: 'client-credentials', clientId: 'khoso', clientSecret: 'top-secret-value' },
  };

  test("defaults: the issue's codes, /token, Basic credentials, a trailing slash dropped", () => {
    const config = parseNationalWarehouseConfig(base);
    assert.equal(config.baseUrl, 'https://lgsp.example.gov.vn/api');
    assert.deepEqual(config.codes, defaultPortalCodes);
    assert.equal(config.authentication.kind === 'client-credentials' && config.authentication.tokenPath, '/token');
    assert.equal(
      config.authentication.kind === 'client-credentials' && config.authentication.sendCredentialsAs,
      'basic-header',
    );
  });

  test('plain http is refused except on loopback or when the line is declared private', () => {
    assert.throws(
      () => parseNationalWarehouseConfig({ ...base, baseUrl: 'http://lgsp.example.gov.vn' }),
      /https is required/,
    );
    assert.equal(
      parseNationalWarehouseConfig({ ...base, baseUrl: 'http://lgsp.example.gov.vn', allowPlainHttp: true }).baseUrl,
      'http://lgsp.example.gov.vn',
    );
    assert.equal(
      parseNationalWarehouseConfig({ ...base, baseUrl: 'http://127.0.0.1:8080' }).baseUrl,
      'http://127.0.0.1:8080',
    );
  });

  test('a wrong configuration names its fields, never a secret', () => {
    assert.throws(
      () =>
        parseNationalWarehouseConfig({
          ...base,
          baseUrl: 'ftp://x',
          authentication: { ...base.authentication, clientSecret: 'top-secret-value', extra: 1 },
          codes: { success: [] },
        }),
      (error: unknown) =>
        error instanceof Error &&
        error.message.includes('baseUrl') &&
        error.message.includes('codes.success') &&
        error.message.includes('authentication') &&
        !error.message.includes('top-secret-value'),
    );
    assert.throws(
      () => parseNationalWarehouseConfig({ ...base, paths: { ...base.paths, getFile: undefined } }),
      /paths/,
    );
  });
});
