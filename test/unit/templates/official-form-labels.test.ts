import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ocrPage } from './ocr-page-fixture.ts';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import type { RecognitionTemplate } from '../../../functions/templates/core/template-model.ts';

// The wordings of the official forms the built-in templates cite (docs/templates.md), each on
// a page laid out as the form prints it. Without the variant each test names, the field is
// missed or runs into the next line.

const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

describe('built-in templates read the official forms’ wordings', () => {
  test("driving licence of Circular 12/2025/TT-BCA: the expiry is 'Ngày hết hạn', issue date and body apart", () => {
    const page = ocrPage([
      { y: 60, x: 300, text: "GIẤY PHÉP LÁI XE/ DRIVER'S LICENSE" },
      { y: 110, x: 300, text: 'Số/No.: 790123456789' },
      { y: 150, x: 300, text: 'Họ tên/Full name: TRẦN VĂN BÌNH' },
      { y: 190, x: 300, text: 'Ngày sinh/Date of birth: 02/09/1985' },
      { y: 230, x: 300, text: 'Quốc tịch/Nationality: VIỆT NAM' },
      { y: 270, x: 300, text: 'Ngày cấp: 01/03/2025    Cơ quan cấp: Cục Cảnh sát giao thông' },
      { y: 310, x: 300, text: 'Ngày hết hạn: 01/03/2035' },
      { y: 350, x: 300, text: 'Hạng/Class: B' },
    ]);
    const { fields } = extractFields(builtin('giay-phep-lai-xe'), [page]);
    assert.deepEqual(fields, {
      number: '790123456789',
      fullName: 'TRẦN VĂN BÌNH',
      dateOfBirth: '1985-09-02',
      expiryDate: '2035-03-01',
      licenseClass: 'B',
    });
  });

  test("sanction decision on the earlier form: the violator follows 'Ông(Bà)/Tổ chức:'", () => {
    const page = ocrPage([
      { y: 60, x: 60, text: 'CÔNG AN QUẬN HOÀN KIẾM' },
      { y: 150, x: 120, text: 'Số: 45/QĐ-XPHC' },
      { y: 150, x: 640, text: 'Hà Nội, ngày 15 tháng 01 năm 2024' },
      { y: 230, x: 200, text: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH' },
      { y: 300, x: 60, text: 'Điều 1. Xử phạt bằng hình thức phạt tiền theo thủ tục không lập biên bản đối với:' },
      { y: 340, x: 60, text: 'Ông(Bà)/Tổ chức: LÊ VĂN CƯỜNG' },
      { y: 380, x: 60, text: 'Sinh ngày: 12/04/1990   Quốc tịch: Việt Nam' },
      { y: 420, x: 60, text: 'Địa chỉ: Số 3 phố Hàng Gai, quận Hoàn Kiếm' },
      { y: 460, x: 60, text: 'Mức phạt: 250.000 đồng' },
    ]);
    const { fields } = extractFields(builtin('quyet-dinh-xu-phat'), [page]);
    assert.equal(fields.violatorName, 'LÊ VĂN CƯỜNG');
    assert.equal(fields.fineAmount, 250000);
  });

  test("residence confirmation: the address ends before 'Quan hệ với chủ hộ'", () => {
    const page = ocrPage([
      { y: 150, x: 120, text: 'Số: 125/XN-CAP' },
      { y: 230, x: 260, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
      { y: 350, x: 60, text: 'Họ, chữ đệm và tên: NGUYỄN THỊ HƯƠNG' },
      { y: 400, x: 60, text: 'Ngày, tháng, năm sinh: 15/03/1990' },
      { y: 450, x: 60, text: 'Số định danh cá nhân: 001190012345' },
      { y: 500, x: 60, text: 'Nơi thường trú: Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn' },
      { y: 540, x: 60, text: 'Kiếm, thành phố Hà Nội' },
      { y: 590, x: 60, text: 'Quan hệ với chủ hộ: Con' },
      { y: 800, x: 640, text: 'Hà Nội, ngày 15 tháng 01 năm 2024' },
    ]);
    const { fields } = extractFields(builtin('xac-nhan-cu-tru'), [page]);
    assert.equal(fields.permanentAddress, 'Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm, thành phố Hà Nội');
    assert.equal(fields.personalId, '001190012345');
  });
});
