import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { classifyDocument } from '../../../functions/templates/core/classify.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import { normaliseChassisNumber, normaliseLicenseClass } from '../../../functions/templates/core/normalisers.ts';
import type { RecognitionTemplate } from '../../../functions/templates/core/template-model.ts';
import type { Principal } from '../../../functions/platform/core/principal.ts';
import { ocrPage } from './ocr-page-fixture.ts';

// Bordered label | value tables (the vehicle registration certificate, certificates laid out as
// a grid): the cell border stands where a colon would, and the engine returns a row as one line
// with a wide gap between the cells, or the cells as separate lines in any order. In the
// fixtures, a run of spaces is such a gap (words are boxed at a fixed advance per character).

const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');
const officer: Principal = { sub: 'officer-tables', role: 'officer', unit: 'PC06' };

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

describe('label | value tables', () => {
  test('a row read as one line: the value is the cell right of the label, with no colon between them', () => {
    const page = ocrPage([
      { y: 150, x: 300, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
      { y: 220, x: 80, text: 'Số: 563308' },
      { y: 280, x: 80, text: 'Tên chủ xe                LÊ THÚY HƯƠNG' },
      { y: 330, x: 80, text: 'Địa chỉ                   Số 154 ngõ 13 đường Lê Hồng Phong,' },
      { y: 370, x: 392, text: 'phường Trường Thi, thành phố Vinh' },
      { y: 420, x: 80, text: 'Nhãn hiệu                 PIAGGIO' },
      { y: 470, x: 80, text: 'Số máy                    M88AM7198646' },
      { y: 520, x: 80, text: 'Số khung                  RP8M88AL0NBFFF595' },
      { y: 570, x: 80, text: 'Biển số đăng ký           30X2-406.37' },
    ]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['engineNumber'], 'M88AM7198646');
    assert.equal(extraction.fields['chassisNumber'], 'RP8M88AL0NBFFF595');
    assert.equal(extraction.fields['brand'], 'PIAGGIO');
    assert.equal(extraction.fields['ownerName'], 'LÊ THÚY HƯƠNG');
    assert.equal(extraction.fields['plateNumber'], '30X2-406.37');
    assert.equal(extraction.fields['number'], '563308');
  });

  test('cells read as separate lines, all the label cells first: each label takes the cell on its own row', () => {
    const labels = ['Tên chủ xe', 'Nhãn hiệu', 'Số máy', 'Số khung', 'Biển số đăng ký'];
    const values = ['TRẦN ĐÌNH DŨNG', 'HYUNDAI', 'G4LC3717506', 'RLLVWE13XAA9AAZSX', '30B-097.75'];
    const page = ocrPage([
      { y: 150, x: 300, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
      ...labels.map((text, row) => ({ y: 250 + row * 50, x: 80, text })),
      // Each value cell sits a few pixels lower than its label, as a border's thickness shifts it.
      ...values.map((text, row) => ({ y: 254 + row * 50, x: 400, text })),
    ]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['ownerName'], 'TRẦN ĐÌNH DŨNG');
    assert.equal(extraction.fields['brand'], 'HYUNDAI');
    assert.equal(extraction.fields['engineNumber'], 'G4LC3717506');
    assert.equal(extraction.fields['chassisNumber'], 'RLLVWE13XAA9AAZSX');
    assert.equal(extraction.fields['plateNumber'], '30B-097.75');
  });

  test("a wrapped value cell carries on into the row below, but not into the next row's value", () => {
    const page = ocrPage([
      { y: 300, x: 80, text: 'Tên cơ sở kinh doanh' },
      { y: 300, x: 420, text: 'KHÁCH SẠN HƯNG THỊNH' },
      { y: 350, x: 80, text: 'Địa chỉ' },
      { y: 350, x: 420, text: 'Số 249 đường Nguyễn Đình Chiểu, phường 25,' },
      { y: 390, x: 420, text: 'quận Bình Thạnh, Thành phố Hồ Chí Minh' },
      { y: 440, x: 80, text: 'Mã số doanh nghiệp' },
      { y: 440, x: 420, text: '0113586421' },
    ]);
    const extraction = extractFields(builtin('chung-nhan-antt'), [page]);
    assert.equal(
      extraction.fields['address'],
      'Số 249 đường Nguyễn Đình Chiểu, phường 25, quận Bình Thạnh, Thành phố Hồ Chí Minh',
    );
    assert.equal(extraction.fields['enterpriseCode'], '0113586421');
    assert.equal(extraction.fields['businessName'], 'KHÁCH SẠN HƯNG THỊNH');
  });

  test('a value in the cell under its label', () => {
    const page = ocrPage([
      { y: 300, x: 80, text: 'Số máy' },
      { y: 300, x: 520, text: 'Số khung' },
      { y: 340, x: 80, text: 'JF83E1234567' },
      { y: 340, x: 520, text: 'RLHJF8300AY123456' },
    ]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['engineNumber'], 'JF83E1234567');
    assert.equal(extraction.fields['chassisNumber'], 'RLHJF8300AY123456');
  });

  test("a short label that needs its colon still needs it in running text ('Số 12 phố …')", () => {
    const page = ocrPage([
      { y: 150, x: 300, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
      { y: 250, x: 80, text: 'Địa chỉ: Số 12 phố Hàng Bạc, phường Hoàn Kiếm' },
      { y: 300, x: 80, text: 'Số 45 ngõ 3 phố Huế' },
    ]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['number'], undefined);
  });

  test("a certificate's holder introduced as 'Cấp cho:' is the business", () => {
    const page = ocrPage([
      { y: 300, x: 80, text: 'Cấp cho: CÔNG TY TNHH CẦM ĐỒ BÌNH MINH' },
      { y: 350, x: 80, text: 'Mã số doanh nghiệp/Mã số thuế: 0110264460-001' },
    ]);
    const extraction = extractFields(builtin('chung-nhan-antt'), [page]);
    assert.equal(extraction.fields['businessName'], 'CÔNG TY TNHH CẦM ĐỒ BÌNH MINH');
    assert.equal(extraction.fields['enterpriseCode'], '0110264460-001');
  });
});

describe('bilingual labels', () => {
  test("a label glossed in English before its colon ('Số máy (Engine N0):', 'Nhãn hiệu/Brand:') takes the value after the gloss", () => {
    const page = ocrPage([
      { y: 150, x: 300, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
      { y: 250, x: 80, text: "Tên chủ xe/Owner's full name: NGUYỄN VĂN AN" },
      { y: 300, x: 80, text: 'Nhãn hiệu/Brand: HONDA' },
      { y: 350, x: 80, text: 'Số máy (Engine N0): JF83E1234567' },
      { y: 400, x: 80, text: 'Số khung (Chassis N0): RLHJF8300AY123456' },
      { y: 450, x: 80, text: 'Biển số đăng ký/Number plate: 29A-123.45' },
    ]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['ownerName'], 'NGUYỄN VĂN AN');
    assert.equal(extraction.fields['brand'], 'HONDA');
    assert.equal(extraction.fields['engineNumber'], 'JF83E1234567');
    assert.equal(extraction.fields['chassisNumber'], 'RLHJF8300AY123456');
    assert.equal(extraction.fields['plateNumber'], '29A-123.45');
  });

  test('a slash after a label with no colon to follow is part of the text, not a gloss', () => {
    const page = ocrPage([{ y: 300, x: 80, text: 'Nhãn hiệu HONDA/WAVE' }]);
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['brand'], 'HONDA/WAVE');
  });
});

describe('vehicle codes', () => {
  test('stray marks read inside a chassis number (a border tick, a bracket) are dropped, and the reading flagged', () => {
    assert.deepEqual(normaliseChassisNumber('RLHJF83]00AY1234[56'), { value: 'RLHJF8300AY123456', adjusted: true });
    assert.deepEqual(normaliseChassisNumber('RLHJF8300AY1⁄23456'), { value: 'RLHJF8300AY123456', adjusted: true });
    assert.deepEqual(normaliseChassisNumber('rlhjf8300ay123456'), { value: 'RLHJF8300AY123456', adjusted: false });
    assert.deepEqual(normaliseChassisNumber('RLHJF8300AY123456'), { value: 'RLHJF8300AY123456', adjusted: false });
  });

  test('a chassis number is still refused when nothing of it is a code', () => {
    assert.equal(normaliseChassisNumber('không có'), null);
  });
});

describe('licence classes', () => {
  test("specks read as dots after a class ('E..') are not part of it", () => {
    assert.deepEqual(normaliseLicenseClass('E..'), { value: 'E', adjusted: false });
    assert.deepEqual(normaliseLicenseClass('B2.'), { value: 'B2', adjusted: false });
    assert.equal(normaliseLicenseClass('B.2'), null);
  });
});

describe('classification when the title is lost', () => {
  test('a security-and-order certificate whose title a fold made unreadable is recognised by its body', () => {
    const page = ocrPage([
      { y: 100, x: 300, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { y: 200, x: 80, text: 'CÔNG AN THÀNH PHỐ HỒ CHÍ MINH' },
      { y: 260, x: 80, text: 'Số: 294/GCN-PC06' },
      { y: 320, x: 400, text: 'GIẤY CHỨNG NHẬN' },
      { y: 360, x: 300, text: '2 > ^ > 2 = , ° v' },
      { y: 400, x: 200, text: 'ĐỂ LÀM NGÀNH, NGHỀ ĐẦU TƯ KINH DOANH CÓ ĐIỀU KIỆN' },
      { y: 460, x: 80, text: 'Tên cơ sở kinh doanh: CÔNG TY TNHH KHÁCH SẠN TRƯỜNG AN' },
      { y: 500, x: 80, text: 'Mã số doanh nghiệp: 0603354890-005' },
      { y: 540, x: 80, text: 'Địa chỉ: Số 252 đường Nguyễn Đình Chiểu, phường 9, Quận 3' },
      { y: 580, x: 80, text: 'Ngành, nghề kinh doanh: Kinh doanh dịch vụ lưu trú' },
      { y: 620, x: 80, text: 'Người chịu trách nhiệm về an ninh, trật tự: ĐINH MINH' },
    ]);
    const { best } = classifyDocument([page], builtins, officer);
    assert.equal(best?.key, 'chung-nhan-antt');
  });

  test('a residence confirmation whose title a shadow hid is recognised by its body', () => {
    const page = ocrPage([
      { y: 200, x: 80, text: 'Số: 2357/XNCT' },
      { y: 250, x: 80, text: 'Công an phường Bến Thành xác nhận thông tin về cư trú của công dân như sau:' },
      { y: 300, x: 80, text: '1. Họ, chữ đệm và tên: TRẦN THỊ HẰNG' },
      { y: 340, x: 80, text: '2. Ngày, tháng, năm sinh: 05/02/1990 3. Giới tính: Nữ' },
      { y: 380, x: 80, text: '4. Số định danh cá nhân: 042190893060' },
      { y: 420, x: 80, text: '5. Nơi thường trú: Số 120 ngõ 62 đường Lê Lợi, phường Đa Kao' },
      { y: 460, x: 80, text: '7. Họ, chữ đệm và tên chủ hộ: NGUYỄN CÔNG HẢI' },
      { y: 500, x: 80, text: '8. Mối quan hệ với chủ hộ: Con' },
    ]);
    const { best } = classifyDocument([page], builtins, officer);
    assert.equal(best?.key, 'xac-nhan-cu-tru');
  });

  test('the body labels of one type alone do not make a page of another type', () => {
    const page = ocrPage([
      { y: 220, x: 180, text: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH' },
      { y: 300, x: 60, text: 'Tên của tổ chức vi phạm: CÔNG TY TNHH XÂY DỰNG HOÀ BÌNH' },
      { y: 340, x: 60, text: 'Mã số doanh nghiệp: 2200123456' },
      { y: 380, x: 60, text: 'Ngành, nghề kinh doanh: Xây dựng' },
      { y: 420, x: 60, text: 'b) Mức phạt: 3.500.000 đồng' },
    ]);
    const { best } = classifyDocument([page], builtins, officer);
    assert.equal(best?.key, 'quyet-dinh-xu-phat');
  });
});
