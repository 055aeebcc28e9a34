import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import { normaliseLegacyId } from '../../../functions/templates/core/normalisers.ts';
import type { RecognitionTemplate } from '../../../functions/templates/core/template-model.ts';
import { ocrPage, type LineSpec } from './ocr-page-fixture.ts';

// Papers issued before the personal ID print the 9-digit identity card number (CMND) where
// current forms print the 12-digit personal ID; Extract resolves it to the owner.

const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

function residencePage(idLine: string): LineSpec[] {
  return [
    { y: 60, x: 100, text: 'BỘ CÔNG AN' },
    { y: 95, x: 60, text: 'CÔNG AN TỈNH NGHỆ AN' },
    { y: 200, x: 240, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
    { y: 250, x: 520, text: 'Số: 112/GXN-CAX' },
    { y: 320, x: 80, text: 'Họ, chữ đệm và tên: LƯU XUÂN HIỂN' },
    { y: 370, x: 80, text: 'Ngày, tháng, năm sinh: 17/07/1964' },
    { y: 420, x: 80, text: idLine },
    { y: 470, x: 80, text: 'Nơi thường trú: Xóm 3, xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An' },
    { y: 550, x: 80, text: 'Nghệ An, ngày 05 tháng 3 năm 2019' },
  ];
}

describe('normaliseLegacyId', () => {
  test('keeps nine digits, with look-alike letters read as digits', () => {
    assert.deepEqual(normaliseLegacyId('171234567'), { value: '171234567', adjusted: false });
    assert.deepEqual(normaliseLegacyId(': 171 234 567, cấp ngày 01/02/2005'), { value: '171234567', adjusted: false });
    assert.deepEqual(normaliseLegacyId('l7l234567'), { value: '171234567', adjusted: true });
  });

  test('twelve digits (a personal ID under an old label) and eight are not one', () => {
    assert.equal(normaliseLegacyId('038064357769'), null);
    assert.equal(normaliseLegacyId('17123456'), null);
    assert.equal(normaliseLegacyId('Nguyễn Văn An'), null);
  });
});

describe('the built-in templates read an old identity card number', () => {
  test('residence confirmation: a 9-digit number under Số CMND/CCCD is legacyId, not the personal ID', () => {
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [ocrPage(residencePage('Số CMND/CCCD: 171234567'))]);
    assert.equal(extraction.fields.legacyId, '171234567');
    assert.equal(extraction.fields.personalId, undefined);
    assert.equal(extraction.fields.fullName, 'LƯU XUÂN HIỂN');
    assert.equal(extraction.fields.dateOfBirth, '1964-07-17');
    assert.equal(extraction.details.find((detail) => detail.name === 'legacyId')?.required, false);
  });

  test('residence confirmation: 12 digits under the shared label stay the personal ID, and no legacyId', () => {
    for (const line of ['Số CMND/CCCD: 038064357769', 'Số định danh cá nhân/CMND: 038064357769']) {
      const extraction = extractFields(builtin('xac-nhan-cu-tru'), [ocrPage(residencePage(line))]);
      assert.equal(extraction.fields.personalId, '038064357769', line);
      assert.equal(extraction.fields.legacyId, undefined, line);
    }
  });

  test('an optional legacyId missing does not lower the page confidence', () => {
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [
      ocrPage(residencePage('Số định danh cá nhân: 038064357769')),
    ]);
    assert.equal(extraction.fields.legacyId, undefined);
    assert.ok(extraction.confidence > 0.9, String(extraction.confidence));
  });

  test("sanction decision: the violator's CMND/CCCD số", () => {
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [
      ocrPage([
        { y: 60, x: 100, text: 'CÔNG AN HUYỆN NGHI LỘC' },
        { y: 120, x: 520, text: 'Số: 45/QĐ-XPHC' },
        { y: 200, x: 200, text: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH' },
        { y: 260, x: 80, text: 'Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012;' },
        { y: 320, x: 80, text: 'Họ và tên: LƯU XUÂN HIỂN' },
        { y: 370, x: 80, text: 'CMND/CCCD số: 171234567; ngày cấp: 12/05/2010' },
        { y: 420, x: 80, text: 'Mức phạt: 1.500.000 đồng' },
      ]),
    ]);
    assert.equal(extraction.fields.legacyId, '171234567');
    assert.equal(extraction.fields.violatorName, 'LƯU XUÂN HIỂN');
  });

  test("security-and-order certificate: the representative's Số CMND", () => {
    const extraction = extractFields(builtin('chung-nhan-antt'), [
      ocrPage([
        { y: 200, x: 120, text: 'GIẤY CHỨNG NHẬN ĐỦ ĐIỀU KIỆN VỀ AN NINH, TRẬT TỰ' },
        { y: 250, x: 520, text: 'Số: 77/GCN' },
        { y: 320, x: 80, text: 'Tên cơ sở kinh doanh: KHÁCH SẠN HOA SEN' },
        { y: 370, x: 80, text: 'Mã số doanh nghiệp: 2901234567' },
        { y: 420, x: 80, text: 'Địa chỉ: 12 Lê Lợi, phường Hưng Bình, TP Vinh' },
        { y: 470, x: 80, text: 'Người chịu trách nhiệm về an ninh, trật tự: LƯU XUÂN HIỂN' },
        { y: 520, x: 80, text: 'Số CMND: 171234567' },
      ]),
    ]);
    assert.equal(extraction.fields.legacyId, '171234567');
    assert.equal(extraction.fields.enterpriseCode, '2901234567');
    assert.equal(extraction.fields.address, '12 Lê Lợi, phường Hưng Bình, TP Vinh');
  });
});
