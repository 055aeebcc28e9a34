import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import {
  recognitionTemplateSchema,
  type RecognitionTemplate,
} from '../../../functions/templates/core/template-model.ts';
import { ocrPage } from './ocr-page-fixture.ts';

// Pages laid out and worded as other issuing units write them (not as the recognition.test.ts
// fixtures are): one test per failure class seen on unseen pages.

const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

describe('a value ends at its line unless the next line continues it', () => {
  test('an address stops before the next sentence and the place-and-date line', () => {
    const page = ocrPage([
      { y: 60, x: 100, text: 'BỘ CÔNG AN' },
      { y: 60, x: 620, text: 'CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { y: 95, x: 60, text: 'CÔNG AN TỈNH SÓC TRĂNG' },
      { y: 95, x: 690, text: 'Độc lập – Tự do – Hạnh phúc' },
      { y: 200, x: 240, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
      { y: 250, x: 520, text: 'Số: 48/GXN-CAX' },
      { y: 320, x: 80, text: 'Họ, chữ đệm và tên: LÂM THỊ KIỀU' },
      { y: 370, x: 80, text: 'Ngày, tháng, năm sinh: 02/09/1988' },
      { y: 420, x: 80, text: 'Số định danh cá nhân: 094188004512' },
      { y: 470, x: 80, text: 'Nơi thường trú: Ấp Phước Thuận, xã An Ninh, huyện Châu Thành,' },
      { y: 510, x: 80, text: 'tỉnh Sóc Trăng' },
      { y: 550, x: 80, text: 'Giấy xác nhận có giá trị 30 ngày kể từ ngày cấp.' },
      { y: 590, x: 80, text: 'Sóc Trăng, ngày 11 tháng 01 năm 2025' },
      { y: 630, x: 560, text: 'TRƯỞNG CÔNG AN XÃ' },
    ]);
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(extraction.fields['permanentAddress'], 'Ấp Phước Thuận, xã An Ninh, huyện Châu Thành, tỉnh Sóc Trăng');
    assert.equal(extraction.fields['issueDate'], '2025-01-11');
    assert.equal(extraction.fields['fullName'], 'LÂM THỊ KIỀU');
  });

  test('a wrapped address whose next line starts with a capitalised place name is one value', () => {
    const page = ocrPage([
      { y: 300, x: 80, text: 'Nơi thường trú: Số 7 đường Trần Hưng Đạo, phường 2, thành phố Sóc' },
      { y: 340, x: 80, text: 'Trăng, tỉnh Sóc Trăng' },
      { y: 380, x: 80, text: 'Nơi ở hiện tại: như trên' },
    ]);
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(
      extraction.fields['permanentAddress'],
      'Số 7 đường Trần Hưng Đạo, phường 2, thành phố Sóc Trăng, tỉnh Sóc Trăng',
    );
  });

  test("a letter's summary does not take the date line printed under it", () => {
    const page = ocrPage([
      { y: 50, x: 90, text: 'UBND TỈNH SÓC TRĂNG' },
      { y: 90, x: 60, text: 'SỞ TƯ PHÁP' },
      { y: 150, x: 60, text: 'Số: 215/STP-HCTP' },
      { y: 190, x: 60, text: 'V/v xác minh thông tin cư trú' },
      { y: 230, x: 60, text: 'Sóc Trăng, ngày 04 tháng 3 năm 2025' },
      { y: 320, x: 400, text: 'Kính gửi: Công an tỉnh Sóc Trăng' },
    ]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['summary'], 'xác minh thông tin cư trú');
    assert.equal(extraction.fields['issueDate'], '2025-03-04');
  });

  test('a value alone under its label is not taken from the signature block', () => {
    const page = ocrPage([
      { y: 400, x: 80, text: 'Nơi thường trú:' },
      { y: 440, x: 120, text: 'KT. Trưởng Công an xã' },
    ]);
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(extraction.fields['permanentAddress'], undefined);
  });
});

describe('label wordings of the official forms', () => {
  test("the sanction decision's 'đối với ông (bà)' introduces the violator", () => {
    const page = ocrPage([
      { y: 150, x: 100, text: 'Số: 87/QĐ-XPHC' },
      { y: 150, x: 640, text: 'Vĩnh Châu, ngày 20 tháng 02 năm 2025' },
      { y: 220, x: 180, text: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH' },
      { y: 300, x: 60, text: 'Điều 1. Xử phạt vi phạm hành chính đối với ông (bà): THẠCH SƠN' },
      { y: 340, x: 60, text: 'Ngày, tháng, năm sinh: 14/07/1979   Quốc tịch: Việt Nam' },
      { y: 380, x: 60, text: 'b) Mức phạt: 3.500.000 đồng' },
    ]);
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields['violatorName'], 'THẠCH SƠN');
    assert.equal(extraction.fields['fineAmount'], 3_500_000);
  });

  test("the form's own wording 'đối với ông (bà)/tổ chức có tên sau đây:' leaves the name to the line below", () => {
    const page = ocrPage([
      { y: 300, x: 60, text: 'Điều 1. Xử phạt vi phạm hành chính đối với ông (bà)/tổ chức có tên sau đây:' },
      { y: 340, x: 80, text: '1. Họ và tên: KIM THỊ SA RÔ' },
      { y: 380, x: 80, text: 'Giới tính: Nữ' },
    ]);
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields['violatorName'], 'KIM THỊ SA RÔ');
  });

  test('an organisation in violation is named after its own label', () => {
    const page = ocrPage([
      { y: 300, x: 60, text: 'Tên của tổ chức vi phạm: CÔNG TY TNHH XÂY DỰNG HOÀ BÌNH' },
      { y: 340, x: 60, text: 'Mã số doanh nghiệp: 2200123456' },
    ]);
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields['violatorName'], 'CÔNG TY TNHH XÂY DỰNG HOÀ BÌNH');
  });
});

describe('fields taken from the layout', () => {
  test("a letter's issuer is the agency under the parent body, however many lines it takes", () => {
    const page = ocrPage([
      { y: 50, x: 150, text: 'BỘ CÔNG AN' },
      { y: 50, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { y: 85, x: 40, text: 'CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH' },
      { y: 85, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
      { y: 120, x: 90, text: 'VỀ TRẬT TỰ XÃ HỘI' },
      { y: 180, x: 120, text: 'Số: 1502/C06-P4' },
      { y: 180, x: 680, text: 'Hà Nội, ngày 09 tháng 5 năm 2025' },
      { y: 220, x: 60, text: 'V/v hướng dẫn cấp giấy xác nhận' },
      { y: 300, x: 400, text: 'Kính gửi: Công an các tỉnh, thành phố' },
    ]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issuer'], 'CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI');
    assert.equal(extraction.fields['number'], '1502/C06-P4');
  });

  test("a school's name in the header is an agency, not a signer's title", () => {
    const page = ocrPage([
      { y: 50, x: 150, text: 'BỘ CÔNG AN' },
      { y: 85, x: 30, text: 'TRƯỜNG ĐẠI HỌC CẢNH SÁT NHÂN DÂN' },
      { y: 160, x: 120, text: 'Số: 310/T32-ĐT' },
      { y: 220, x: 60, text: 'V/v cử cán bộ tham gia tập huấn' },
    ]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issuer'], 'TRƯỜNG ĐẠI HỌC CẢNH SÁT NHÂN DÂN');
  });

  test('an issuer with no parent body is its single header line', () => {
    const page = ocrPage([
      { y: 50, x: 60, text: 'CÔNG AN HUYỆN MỸ XUYÊN' },
      { y: 50, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { y: 90, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
      { y: 160, x: 400, text: 'Số: 77/CAH-TH' },
      { y: 220, x: 60, text: 'V/v phối hợp xác minh' },
    ]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issuer'], 'CÔNG AN HUYỆN MỸ XUYÊN');
  });
});

describe('letter/digit confusions inside codes', () => {
  test("a unit code read with a doubled O/0 ('PV0O1') is repaired to the number's shape", () => {
    const page = ocrPage([{ y: 150, x: 80, text: 'Số: 215/CAT-PV0O1' }]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['number'], '215/CAT-PV01');
    const detail = extraction.details.find((field) => field.name === 'number');
    assert.ok(detail && detail.confidence < 0.96, 'a repaired code is less certain than one read cleanly');
  });

  test('E read for F is repaired only where the shape allows F alone', () => {
    const template = recognitionTemplateSchema.parse({
      ...builtin('cong-van'),
      id: 'ho-so',
      key: 'ho-so',
      fields: [
        { name: 'fileCode', labels: ['Mã hồ sơ'], shape: '^\\d{2}f-\\d{4}$', normaliser: 'code', required: true },
        { name: 'otherCode', labels: ['Mã khác'], shape: '^\\d{2}[ef]-\\d{4}$', normaliser: 'code', required: true },
      ],
      stopLabels: [],
    });
    const page = ocrPage([
      { y: 100, x: 60, text: 'Mã hồ sơ: 83E-2024' },
      { y: 150, x: 60, text: 'Mã khác: 83E-2024' },
    ]);
    const extraction = extractFields(template, [page]);
    assert.equal(extraction.fields['fileCode'], '83F-2024');
    assert.equal(extraction.fields['otherCode'], '83E-2024', 'a reading its shape accepts is left alone');
  });

  test('a reading two repairs could fit is left as read', () => {
    const template = recognitionTemplateSchema.parse({
      ...builtin('cong-van'),
      id: 'ho-so',
      key: 'ho-so',
      fields: [
        {
          name: 'fileCode',
          labels: ['Mã hồ sơ'],
          shape: '^\\d{2}(?:\\d[a-z]|[a-z]\\d)$',
          normaliser: 'code',
          required: true,
        },
      ],
      stopLabels: [],
    });
    const extraction = extractFields(template, [ocrPage([{ y: 100, x: 60, text: 'Mã hồ sơ: 8888' }])]);
    assert.equal(extraction.fields['fileCode'], '8888', '888B and 88B8 both fit');
  });
});
