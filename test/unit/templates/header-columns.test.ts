import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import { pageLines } from '../../../functions/templates/core/ocr-lines.ts';
import type { RecognitionTemplate } from '../../../functions/templates/core/template-model.ts';
import { mergeRows, ocrPage, type LineSpec } from './ocr-page-fixture.ts';

// The header of an administrative document (Decree 30/2020/NĐ-CP, appendix I) in two columns:
// the agency lines top left over the number, the national motto top right over the place and
// date. The engine may read each row as one line across both columns, or the columns as blocks
// in either order; the fields must come out the same.

const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

const letterHeader: LineSpec[] = [
  { y: 50, x: 130, text: 'BỘ CÔNG AN' },
  { y: 50, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
  { y: 85, x: 60, text: 'CỤC CẢNH SÁT GIAO THÔNG' },
  { y: 85, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
  { y: 150, x: 80, text: 'Số: 2089/C08-P3' },
  { y: 150, x: 680, text: 'Hà Nội, ngày 26 tháng 8 năm 2023' },
  { y: 190, x: 60, text: 'V/v rà soát hồ sơ đăng ký xe' },
  { y: 260, x: 400, text: 'Kính gửi: Công an các tỉnh, thành phố' },
];

describe('a two-column header read as one line per row', () => {
  test("a letter's number, date and issuer come from their own column", () => {
    const extraction = extractFields(builtin('cong-van'), [mergeRows(ocrPage(letterHeader))]);
    assert.equal(extraction.fields['number'], '2089/C08-P3');
    assert.equal(extraction.fields['issueDate'], '2023-08-26');
    assert.equal(extraction.fields['issuer'], 'CỤC CẢNH SÁT GIAO THÔNG');
    assert.equal(extraction.fields['summary'], 'rà soát hồ sơ đăng ký xe');
  });

  test("a sanction decision's number and date, the agency having no parent line", () => {
    const page = mergeRows(
      ocrPage([
        { y: 50, x: 80, text: 'CÔNG AN QUẬN HOÀN KIẾM' },
        { y: 50, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 85, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 140, x: 80, text: 'Số: 332/QĐ-XPVPHC' },
        { y: 140, x: 620, text: 'Thành phố Hồ Chí Minh, ngày 09 tháng 02 năm 2023' },
        { y: 210, x: 380, text: 'QUYẾT ĐỊNH' },
        { y: 300, x: 60, text: 'Xử phạt vi phạm hành chính đối với ông (bà): LÊ VĂN TÁM' },
        { y: 340, x: 60, text: 'Mức phạt: 4.000.000 đồng' },
      ]),
    );
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields['number'], '332/QĐ-XPVPHC');
    assert.equal(extraction.fields['issueDate'], '2023-02-09');
    assert.equal(extraction.fields['violatorName'], 'LÊ VĂN TÁM');
  });

  test('the row splits at the gap between columns, not at the wider gaps of a justified line', () => {
    const page = mergeRows(
      ocrPage([
        { y: 85, x: 60, text: 'CỤC CẢNH SÁT GIAO THÔNG' },
        { y: 85, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        // A list of two labelled values, set a little apart: one line, not two columns.
        { y: 400, x: 60, text: 'Ngày sinh: 17/07/1958' },
        { y: 400, x: 60 + 24 * 12, text: 'Giới tính: Nữ' },
      ]),
    );
    assert.deepEqual(
      pageLines(page).map((line) => line.text),
      ['CỤC CẢNH SÁT GIAO THÔNG', 'Độc lập - Tự do - Hạnh phúc', 'Ngày sinh: 17/07/1958 Giới tính: Nữ'],
    );
  });
});

describe('a page cropped to its text', () => {
  test('the agency block runs on below the top fifth of a short page', () => {
    // A scan cropped to the text: the header takes a third of the page's height.
    const page = { ...mergeRows(ocrPage(letterHeader)), height: 500 };
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issuer'], 'CỤC CẢNH SÁT GIAO THÔNG');
  });
});

describe('a two-column header read as blocks', () => {
  test('the motto column read before the agency column changes nothing', () => {
    const rightFirst = [
      ...letterHeader.filter((line) => line.x >= 640),
      ...letterHeader.filter((line) => line.x < 640),
    ];
    const extraction = extractFields(builtin('cong-van'), [ocrPage(rightFirst)]);
    assert.equal(extraction.fields['number'], '2089/C08-P3');
    assert.equal(extraction.fields['issueDate'], '2023-08-26');
    assert.equal(extraction.fields['issuer'], 'CỤC CẢNH SÁT GIAO THÔNG');
  });
});

describe('a label and its value in two cells of a row', () => {
  test('the value is the cell right of the label', () => {
    const page = mergeRows(
      ocrPage([
        { y: 100, x: 60, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
        { y: 160, x: 60, text: 'Tên chủ xe' },
        { y: 160, x: 500, text: 'HOÀNG CÔNG TUẤN' },
        { y: 200, x: 60, text: 'Biển số đăng ký' },
        { y: 200, x: 500, text: '37F-431.97' },
      ]),
    );
    const extraction = extractFields(builtin('dang-ky-xe'), [page]);
    assert.equal(extraction.fields['ownerName'], 'HOÀNG CÔNG TUẤN');
    assert.equal(extraction.fields['plateNumber'], '37F-431.97');
  });

  test('a value wraps in its own cell and stops at the next row', () => {
    const page = mergeRows(
      ocrPage([
        { y: 300, x: 60, text: 'Nơi thường trú' },
        { y: 300, x: 500, text: 'Số 12 đường Lê Lợi, phường Bến Thành,' },
        { y: 340, x: 500, text: 'Quận 1, Thành phố Hồ Chí Minh' },
        { y: 380, x: 60, text: 'Quan hệ' },
        { y: 380, x: 500, text: 'Con đẻ' },
      ]),
    );
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(
      extraction.fields['permanentAddress'],
      'Số 12 đường Lê Lợi, phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh',
    );
  });

  test('a label alone in its column whose row goes on with another label takes the line below', () => {
    const page = mergeRows(
      ocrPage([
        { y: 300, x: 60, text: 'Họ, chữ đệm và tên:' },
        { y: 300, x: 700, text: 'Giới tính: Nữ' },
        { y: 340, x: 60, text: 'NGUYỄN THỊ MAI' },
      ]),
    );
    const extraction = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(extraction.fields['fullName'], 'NGUYỄN THỊ MAI');
  });
});

describe('header readings the engine gets slightly wrong', () => {
  test("'Số.' with the colon read as a full stop is still the number's label", () => {
    const page = mergeRows(
      ocrPage([
        { y: 50, x: 60, text: 'PHÒNG CẢNH SÁT QUẢN LÝ HÀNH CHÍNH' },
        { y: 120, x: 80, text: 'Số. 2109/PC06-ĐKQL' },
        { y: 120, x: 680, text: 'Nghệ An, ngày 14 tháng 12 năm 2024' },
        { y: 160, x: 60, text: 'V/v trả lời đơn đề nghị' },
      ]),
    );
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['number'], '2109/PC06-ĐKQL');
    assert.equal(extraction.fields['issueDate'], '2024-12-14');
  });
});

describe('the violator introduced before the details', () => {
  test("'đối với ông (bà) có tên sau đây:' leaves the name to its own label", () => {
    const page = ocrPage([
      { y: 300, x: 60, text: 'Xử phạt vi phạm hành chính đối với ông (bà) có tên sau đây:' },
      { y: 340, x: 80, text: '1. Họ và tên: TRẦN QUỐC KHOA 2. Giới tính: Nam' },
    ]);
    const extraction = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields['violatorName'], 'TRẦN QUỐC KHOA');
  });
});

describe('the place in the place-and-date line', () => {
  test("a numbered district or ward is the place ('Quận 1, ngày …'), as Decree 30 writes it", () => {
    const page = mergeRows(
      ocrPage([
        { y: 50, x: 60, text: 'CÔNG AN QUẬN 1' },
        { y: 50, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 120, x: 80, text: 'Số: 77/CAQ-HC' },
        { y: 120, x: 700, text: 'Quận 1, ngày 05 tháng 6 năm 2024' },
        { y: 160, x: 60, text: 'V/v xác minh nơi cư trú' },
        { y: 240, x: 60, text: 'Căn cứ Quyết định số 12/QĐ-UBND, ngày 03 tháng 4 năm 2020' },
      ]),
    );
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issueDate'], '2024-06-05');
    assert.equal(extraction.fields['summary'], 'xác minh nơi cư trú');
  });

  test('a dated reference in the body is not the issue date', () => {
    const page = ocrPage([
      { y: 120, x: 80, text: 'Số: 77/CAQ-HC' },
      { y: 240, x: 60, text: 'Căn cứ Quyết định số 12/QĐ-UBND, ngày 03 tháng 4 năm 2020' },
    ]);
    const extraction = extractFields(builtin('cong-van'), [page]);
    assert.equal(extraction.fields['issueDate'], undefined);
  });
});
