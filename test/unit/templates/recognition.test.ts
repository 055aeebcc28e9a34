import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { OcrPage } from '../../../functions/digitize/core/ocr-engine.ts';
import { ocrPage } from './ocr-page-fixture.ts';
import type { Principal } from '../../../functions/platform/core/principal.ts';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { classifyDocument } from '../../../functions/templates/core/classify.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import type { FieldValue } from '../../../functions/templates/core/normalisers.ts';
import {
  recognitionTemplateSchema,
  type RecognitionTemplate,
  type TemplateField,
} from '../../../functions/templates/core/template-model.ts';

// Every assert.ok carries a message: without one, node's assert re-parses the transpiled
// source to describe the failure, which on this file takes minutes instead of failing.

const officer: Principal = { sub: 'officer-1', role: 'officer', unit: 'PC06' };
const builtins = builtinTemplates('2026-01-01T00:00:00.000Z');

function builtin(key: string): RecognitionTemplate {
  const template = builtins.find((candidate) => candidate.key === key);
  assert.ok(template, `built-in template ${key}`);
  return template;
}

// Noise in these pages, as tesseract leaves it: labels without diacritics, O for 0 in dates
// and numbers, runs of spaces, a misread letter in a label ('Ciass'), ’ for '.
const documents: Array<{ key: string; pages: OcrPage[]; fields: Record<string, FieldValue> }> = [
  {
    key: 'xac-nhan-cu-tru',
    pages: [
      ocrPage([
        { y: 60, x: 60, text: 'CÔNG AN THÀNH PHỐ HÀ NỘI' },
        { y: 60, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 100, x: 60, text: 'CÔNG AN PHƯỜNG HÀNG ĐÀO' },
        { y: 100, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 150, x: 120, text: 'Số:   125/XN-CAP' },
        { y: 230, x: 260, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
        { y: 300, x: 60, text: 'Công an phường Hàng Đào xác nhận thông tin về cư trú của công dân như sau:' },
        { y: 350, x: 60, text: '1. Ho, chu dem va ten: NGUYỄN THỊ HƯƠNG' },
        { y: 400, x: 60, text: '2. Ngày, tháng, năm sinh: 15/O3/1990    3. Giới tính: Nữ' },
        { y: 450, x: 60, text: '4. Số định danh cá nhân: 001190012345' },
        { y: 500, x: 60, text: '5. Nơi thường trú: Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn' },
        { y: 540, x: 60, text: 'Kiếm, thành phố Hà Nội' },
        { y: 590, x: 60, text: '6. Nơi tạm trú: Không' },
        { y: 640, x: 60, text: '7. Nơi ở hiện tại: Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm' },
        { y: 700, x: 60, text: '8. Thông tin thành viên hộ gia đình: Không' },
        { y: 800, x: 640, text: 'Hà Nội, ngày 15 tháng 01 năm 2024' },
        { y: 840, x: 700, text: 'TRƯỞNG CÔNG AN PHƯỜNG' },
        { y: 1000, x: 720, text: 'Trần Văn Nam' },
      ]),
    ],
    fields: {
      number: '125/XN-CAP',
      issueDate: '2024-01-15',
      fullName: 'NGUYỄN THỊ HƯƠNG',
      dateOfBirth: '1990-03-15',
      personalId: '001190012345',
      permanentAddress: 'Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm, thành phố Hà Nội',
    },
  },
  {
    key: 'giay-phep-lai-xe',
    pages: [
      ocrPage([
        { y: 40, x: 300, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 80, x: 360, text: 'SOCIALIST REPUBLIC OF VIETNAM' },
        { y: 130, x: 300, text: 'GIẤY PHÉP LÁI XE / DRIVER’S LICENSE' },
        { y: 190, x: 420, text: 'Số/No: 790123456789' },
        { y: 240, x: 420, text: 'Họ tên/Full name:  TRẦN  VĂN BÌNH' },
        { y: 290, x: 420, text: 'Ngày sinh/Date of birth: 2O/11/1985' },
        { y: 340, x: 420, text: 'Quốc tịch/Nationality: VIỆT NAM' },
        { y: 390, x: 420, text: 'Nơi cư trú/Address: 45 Nguyễn Trãi, phường Bến Thành,' },
        { y: 430, x: 420, text: 'quận 1, TP. Hồ Chí Minh' },
        { y: 500, x: 60, text: 'TP. Hồ Chí Minh, ngày 20 tháng 11 năm 2020' },
        { y: 540, x: 60, text: 'GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI' },
        { y: 600, x: 420, text: 'Hạng/Ciass: B2' },
        { y: 650, x: 420, text: 'Có giá trị đến/Expires: 20/11/2030' },
      ]),
    ],
    fields: {
      number: '790123456789',
      fullName: 'TRẦN VĂN BÌNH',
      dateOfBirth: '1985-11-20',
      licenseClass: 'B2',
      expiryDate: '2030-11-20',
    },
  },
  {
    key: 'dang-ky-xe',
    pages: [
      ocrPage([
        { y: 40, x: 60, text: 'CÔNG AN TP HỒ CHÍ MINH' },
        { y: 40, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 80, x: 60, text: 'PHÒNG CẢNH SÁT GIAO THÔNG' },
        { y: 80, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 150, x: 200, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY' },
        { y: 200, x: 500, text: 'Số: 012345' },
        { y: 260, x: 60, text: 'Tên chủ xe: LÊ MINH TUẤN' },
        { y: 310, x: 60, text: 'Địa chỉ: 45 Nguyễn Trãi, phường Bến Thành, quận 1, TP. Hồ Chí Minh' },
        { y: 360, x: 60, text: 'Nhan hieu: HONDA        Số loại: AIR BLADE' },
        { y: 410, x: 60, text: 'Màu sơn: Đen        Dung tích: 125' },
        { y: 460, x: 60, text: 'Số máy: JF83E 1234567' },
        { y: 510, x: 60, text: 'Số khung: RLHJF8312KY123456' },
        { y: 560, x: 60, text: 'Biển số đăng ký: 59-X1 123.45' },
        { y: 620, x: 60, text: 'Đăng ký lần đầu ngày: 10/05/2019' },
        { y: 680, x: 640, text: 'TP. Hồ Chí Minh, ngày 10 tháng 5 năm 2019' },
      ]),
    ],
    fields: {
      number: '012345',
      ownerName: 'LÊ MINH TUẤN',
      plateNumber: '59X1-123.45',
      brand: 'HONDA',
      engineNumber: 'JF83E1234567',
      chassisNumber: 'RLHJF8312KY123456',
    },
  },
  {
    key: 'quyet-dinh-xu-phat',
    pages: [
      ocrPage([
        { y: 40, x: 60, text: 'CÔNG AN THÀNH PHỐ HÀ NỘI' },
        { y: 40, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 80, x: 60, text: 'PHÒNG CẢNH SÁT GIAO THÔNG' },
        { y: 80, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 130, x: 100, text: 'Số: 1234/QĐ-XPHC' },
        { y: 130, x: 640, text: 'Hà Nội, ngày 15 tháng 3 năm 2024' },
        { y: 200, x: 480, text: 'QUYẾT ĐỊNH' },
        { y: 240, x: 400, text: 'Xử phạt vi phạm hành chính' },
        { y: 300, x: 60, text: 'Căn cứ Điều 57, Điều 68, Điều 70, Điều 78 Luật Xử lý vi phạm hành chính' },
        { y: 340, x: 60, text: 'ngày 20 tháng 6 năm 2012, được sửa đổi, bổ sung năm 2020;' },
        { y: 380, x: 60, text: 'Căn cứ Nghị định số 100/2019/NĐ-CP ngày 30 tháng 12 năm 2019 của Chính phủ;' },
        { y: 440, x: 480, text: 'QUYẾT ĐỊNH:' },
        { y: 490, x: 60, text: 'Điều 1. Xử phạt vi phạm hành chính đối với:' },
        { y: 530, x: 60, text: 'Họ và tên: Phạm Văn Cường        Giới tính: Nam' },
        { y: 570, x: 60, text: 'Ngày, tháng, năm sinh: 01/01/1980    Quốc tịch: Việt Nam' },
        { y: 610, x: 60, text: 'Nghề nghiệp: Lái xe' },
        { y: 650, x: 60, text: 'Nơi ở hiện tại: Số 8 phố Huế, quận Hai Bà Trưng, Hà Nội' },
        { y: 690, x: 60, text: 'Số định danh cá nhân: 001080012345; ngày cấp: 10/10/2021' },
        { y: 740, x: 60, text: 'Đã thực hiện hành vi vi phạm hành chính: chạy quá tốc độ quy định' },
        { y: 790, x: 60, text: 'a) Hình thức xử phạt chính: Phạt tiền' },
        { y: 830, x: 60, text: 'b) Mức phạt:  1.5OO.OOO đồng (Bằng chữ: Một triệu năm trăm nghìn đồng).' },
        { y: 950, x: 60, text: 'Nơi nhận:' },
      ]),
    ],
    fields: {
      number: '1234/QĐ-XPHC',
      issueDate: '2024-03-15',
      violatorName: 'PHẠM VĂN CƯỜNG',
      fineAmount: 1_500_000,
    },
  },
  {
    key: 'chung-nhan-antt',
    pages: [
      ocrPage([
        { y: 40, x: 60, text: 'CÔNG AN TỈNH BÌNH DƯƠNG' },
        { y: 40, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 80, x: 60, text: 'PHÒNG CẢNH SÁT QLHC VỀ TTXH' },
        { y: 80, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 160, x: 420, text: 'GIẤY CHỨNG NHẬN' },
        { y: 200, x: 140, text: 'ĐỦ ĐIỀU KIỆN VỀ AN NINH, TRẬT TỰ ĐỂ LÀM NGÀNH, NGHỀ' },
        { y: 240, x: 220, text: 'ĐẦU TƯ KINH DOANH CÓ ĐIỀU KIỆN' },
        { y: 290, x: 500, text: 'Số: 0123/ĐKANTT' },
        { y: 350, x: 60, text: 'Tên cơ sở kinh doanh: CÔNG TY TNHH DỊCH VỤ BẢO VỆ AN PHÚ' },
        { y: 400, x: 60, text: 'Mã số doanh nghiệp: 37OO123456' },
        { y: 450, x: 60, text: 'Địa chỉ: Số 25 đường Lê Lợi, phường Phú Cường, thành phố Thủ Dầu Một,' },
        { y: 490, x: 60, text: 'tỉnh Bình Dương' },
        { y: 540, x: 60, text: 'Ngành, nghề kinh doanh: Kinh doanh dịch vụ bảo vệ' },
        { y: 590, x: 60, text: 'Người đại diện theo pháp luật: Nguyễn Văn Phú' },
        { y: 640, x: 60, text: 'Người chịu trách nhiệm về an ninh, trật tự: Nguyễn Văn Phú' },
        { y: 720, x: 640, text: 'Bình Dương, ngày 05 tháng 4 năm 2023' },
      ]),
    ],
    fields: {
      number: '0123/ĐKANTT',
      businessName: 'CÔNG TY TNHH DỊCH VỤ BẢO VỆ AN PHÚ',
      enterpriseCode: '3700123456',
      address: 'Số 25 đường Lê Lợi, phường Phú Cường, thành phố Thủ Dầu Một, tỉnh Bình Dương',
    },
  },
  {
    // The letter in ../shared/seed, over two pages.
    key: 'cong-van',
    pages: [
      ocrPage([
        { y: 50, x: 110, text: 'BỘ CÔNG AN' },
        { y: 50, x: 620, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
        { y: 90, x: 50, text: 'CÔNG AN TỈNH SÓC TRĂNG' },
        { y: 90, x: 680, text: 'Độc lập - Tự do - Hạnh phúc' },
        { y: 150, x: 80, text: 'Số: 633/CAT-PV01' },
        { y: 150, x: 700, text: 'Sóc Trăng, ngày O2 tháng 6 năm 2022' },
        { y: 200, x: 50, text: 'V/v triển khai thực hiện các dịch vụ' },
        { y: 240, x: 60, text: 'công trên Cổng dịch vụ công Bộ' },
        { y: 280, x: 150, text: 'Công an' },
        { y: 360, x: 350, text: 'Kính gửi:' },
        { y: 400, x: 450, text: '- Thủ trưởng các đơn vị: PC06, PC07, PC08, PA08,' },
        { y: 440, x: 450, text: 'PV01, PX03;' },
        { y: 520, x: 60, text: 'Thực hiện Công văn số 2603/V01-TTTTCH ngày 20/5/2022 và Công' },
        { y: 560, x: 60, text: 'văn số 2690/V01-TTTTCH ngày 25/5/2022 của Văn phòng Bộ Công an, về' },
      ]),
      ocrPage(
        [
          { y: 60, x: 60, text: '8. PV01 cử cán bộ làm đầu mối tiếp nhận thông tin.' },
          { y: 140, x: 60, text: 'Nơi nhận:' },
          { y: 180, x: 60, text: '- Lưu: VT, PV01 (Đội 6).' },
          { y: 140, x: 700, text: 'KT. GIÁM ĐỐC' },
          { y: 180, x: 700, text: 'PHÓ GIÁM ĐỐC' },
          { y: 320, x: 700, text: 'Đại tá Trần Văn Hòa' },
        ],
        2,
      ),
    ],
    fields: {
      number: '633/CAT-PV01',
      issueDate: '2022-06-02',
      issuer: 'CÔNG AN TỈNH SÓC TRĂNG',
      summary: 'triển khai thực hiện các dịch vụ công trên Cổng dịch vụ công Bộ Công an',
    },
  },
];

describe('the six built-in documents', () => {
  test('the sample pages cover every built-in type once', () => {
    assert.deepEqual(documents.map((document) => document.key).sort(), builtins.map((template) => template.key).sort());
  });

  for (const document of documents) {
    test(`${document.key}: classified with a clear margin over the other types`, () => {
      const { best, candidates } = classifyDocument(document.pages, builtins, officer);
      assert.equal(best?.key, document.key);
      assert.equal(best?.templateId, `builtin-${document.key}`);
      assert.ok((best?.score ?? 0) >= 0.9, `score ${best?.score}`);
      const runnerUp = candidates[1];
      assert.ok(runnerUp, 'every built-in template is a candidate');
      assert.ok(!runnerUp.accepted && runnerUp.score <= 0.25, `runner-up ${runnerUp.key} scored ${runnerUp.score}`);
      assert.equal(candidates.length, builtins.length);
    });

    test(`${document.key}: every field extracted and normalised exactly`, () => {
      const extraction = extractFields(builtin(document.key), document.pages);
      assert.equal(extraction.type, document.key);
      assert.deepEqual(extraction.fields, document.fields);
      // Every field of the template is tried, in its order (an optional one may find nothing).
      assert.deepEqual(
        extraction.details.map((detail) => detail.name),
        builtin(document.key).fields.map((field) => field.name),
      );
      assert.ok(extraction.confidence > 0.8, `confidence ${extraction.confidence}`);
    });
  }

  test('dang-ky-xe: the brand ends at "Số loại" when OCR dropped its colon', () => {
    const page = ocrPage([
      { y: 150, x: 200, text: 'GIẤY CHỨNG NHẬN ĐĂNG KÝ XE' },
      { y: 200, x: 60, text: 'Tên chủ xe: NGUYÊN THỊNGA' },
      { y: 250, x: 60, text: 'Nhãn hiệu: KIA        Số loại MORNING' },
      { y: 300, x: 60, text: 'Số khung: RNYAB6I2KYO23456' },
    ]);
    const { fields } = extractFields(builtin('dang-ky-xe'), [page]);
    assert.deepEqual(
      [fields.brand, fields.ownerName, fields.chassisNumber],
      ['KIA', 'NGUYỄN THỊ NGA', 'RNYAB612KY023456'],
    );
  });
});

describe('classifyDocument', () => {
  const residence = documents[0]?.pages ?? [];

  test('tolerates a title read without diacritics and with misread letters', () => {
    const page = ocrPage([
      { y: 100, x: 200, text: 'GIAY XAC NHAN THONG TlN VE CU TRLJ' },
      { y: 200, x: 60, text: 'Noi thuong tru: 12 Hang Bac' },
    ]);
    const { best } = classifyDocument([page], builtins, officer);
    assert.equal(best?.key, 'xac-nhan-cu-tru');
    // Three edits (I read as l, U as LJ) in the 33-character title cost their share of its weight.
    const titleShare = 6 * (1 - 3 / 'giay xac nhan thong tin ve cu tru'.length);
    assert.ok(Math.abs((best?.score ?? 0) - (titleShare + 1) / 12) < 1e-9, `score ${best?.score}`);
  });

  test('leaves a document no template recognises unclassified', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'THỰC ĐƠN NHÀ HÀNG' },
      { y: 150, x: 60, text: 'Phở bò tái: 60.000 đồng' },
    ]);
    const { best, candidates } = classifyDocument([page], builtins, officer);
    assert.equal(best, null);
    assert.equal(candidates.length, builtins.length);
    assert.ok(
      candidates.every((candidate) => !candidate.accepted),
      'no candidate accepted',
    );
  });

  test("a score under the template's minScore is ranked but not accepted", () => {
    const strict = {
      ...builtin('xac-nhan-cu-tru'),
      id: 'strict',
      identification: { ...builtin('xac-nhan-cu-tru').identification, minScore: 0.95 },
    };
    const page = ocrPage([{ y: 100, x: 200, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' }]);
    const { best, candidates } = classifyDocument([page], [strict], officer);
    assert.equal(best, null);
    assert.equal(candidates[0]?.templateId, 'strict');
    assert.ok(Math.abs((candidates[0]?.score ?? 0) - 6 / 12) < 1e-9, `score ${candidates[0]?.score}`);
  });

  test('never considers a template the principal may not use, or an inactive one', () => {
    // On a page with only the title it outscores the built-in, but only PC08 officers may use it.
    const titleOnly = [ocrPage([{ y: 100, x: 200, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' }])];
    const restricted: RecognitionTemplate = {
      ...builtin('xac-nhan-cu-tru'),
      id: 'cu-tru-pc08',
      key: 'cu-tru-pc08',
      identification: { anchors: [{ phrase: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ', weight: 1 }], minScore: 0.5 },
      permissions: { view: [], use: [{ role: 'officer', unit: 'PC08' }], edit: [], grant: [{ role: 'admin' }] },
    };
    const inactive: RecognitionTemplate = {
      ...restricted,
      id: 'cu-tru-old',
      key: 'cu-tru-old',
      active: false,
      permissions: builtin('cong-van').permissions,
    };
    const templates = [...builtins, restricted, inactive];

    const pc06 = classifyDocument(titleOnly, templates, officer);
    assert.equal(pc06.best?.templateId, 'builtin-xac-nhan-cu-tru');
    assert.deepEqual(
      pc06.candidates.map((candidate) => candidate.templateId).sort(),
      builtins.map((template) => template.id).sort(),
    );

    const pc08 = classifyDocument(titleOnly, templates, { sub: 'officer-2', role: 'officer', unit: 'PC08' });
    assert.equal(pc08.best?.templateId, 'cu-tru-pc08');
    assert.equal(pc08.best?.score, 1);
    assert.ok(
      !pc08.candidates.some((candidate) => candidate.templateId === 'cu-tru-old'),
      'the inactive template is not a candidate',
    );
  });

  test('a citizen uses the built-in templates to read their own scans', () => {
    const result = classifyDocument(residence, builtins, { sub: 'c-1', role: 'citizen', ownerId: '001190012345' });
    assert.equal(result.best?.key, 'xac-nhan-cu-tru');
  });

  test('a template whose use is not granted to citizens is never chosen for them', () => {
    const officersOnly = builtins.map((candidate) => ({
      ...candidate,
      permissions: { ...candidate.permissions, use: [{ role: 'officer' as const }] },
    }));
    const result = classifyDocument(residence, officersOnly, { sub: 'c-1', role: 'citizen', ownerId: '001190012345' });
    assert.deepEqual(result, { best: null, candidates: [] });
  });
});

function template(fields: TemplateField[], stopLabels: string[] = []): RecognitionTemplate {
  return recognitionTemplateSchema.parse({
    ...builtin('cong-van'),
    id: 'test',
    key: 'test',
    fields,
    stopLabels,
  });
}

describe('extractFields', () => {
  test('per-field confidence is the least word confidence, × 0.9 when the normaliser repaired', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Họ và tên: NGUYỄN VĂN AN', confidences: { VĂN: 0.71 } },
      { y: 150, x: 60, text: 'Ngày sinh: O1/O2/1990' },
      { y: 200, x: 60, text: 'Ghi chú: đã đối chiếu' },
    ]);
    const extraction = extractFields(
      template([
        { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
        { name: 'dateOfBirth', labels: ['Ngày sinh:'], normaliser: 'date', required: true },
        { name: 'note', labels: ['Ghi chú'], normaliser: 'text', required: false },
      ]),
      [page],
    );
    const confidence = Object.fromEntries(extraction.details.map((detail) => [detail.name, detail.confidence]));
    assert.equal(confidence['fullName'], 0.71);
    assert.ok(
      Math.abs((confidence['dateOfBirth'] ?? 0) - 0.96 * 0.9) < 1e-9,
      `dateOfBirth confidence ${confidence['dateOfBirth']}`,
    );
    assert.equal(confidence['note'], 0.96);
    // The overall confidence is the least among required fields: the optional note is not counted.
    assert.equal(extraction.confidence, 0.71);
    assert.deepEqual(extraction.fields, { fullName: 'NGUYỄN VĂN AN', dateOfBirth: '1990-02-01', note: 'đã đối chiếu' });
  });

  test('a missing required field has confidence 0, and so has the extraction', () => {
    const page = ocrPage([{ y: 100, x: 60, text: 'Họ và tên: NGUYỄN VĂN AN' }]);
    const extraction = extractFields(
      template([
        { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
        { name: 'personalId', labels: ['Số định danh cá nhân'], normaliser: 'personal-id', required: true },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { fullName: 'NGUYỄN VĂN AN' });
    assert.deepEqual(extraction.details[1], {
      name: 'personalId',
      required: true,
      value: null,
      raw: null,
      confidence: 0,
      validation: { outcome: 'unchecked' },
      foundBy: null,
      recognition: { least: 0, mean: 0 },
      adjusted: false,
      lines: 0,
      agreement: { agreeing: 0, disagreeing: 0 },
    });
    assert.equal(extraction.confidence, 0);
  });

  test('a value that does not normalise is reported raw, with confidence 0', () => {
    const page = ocrPage([{ y: 100, x: 60, text: 'Số định danh cá nhân: 999190012345' }]);
    const extraction = extractFields(
      template([{ name: 'personalId', labels: ['Số định danh cá nhân'], normaliser: 'personal-id', required: true }]),
      [page],
    );
    assert.deepEqual(extraction.details[0], {
      name: 'personalId',
      required: true,
      value: null,
      raw: '999190012345',
      confidence: 0,
      validation: { outcome: 'unchecked' },
      foundBy: null,
      recognition: { least: 0, mean: 0 },
      adjusted: false,
      lines: 0,
      agreement: { agreeing: 0, disagreeing: 0 },
    });
  });

  test('reads the value on the line below a label that stands alone', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Họ và tên:' },
      { y: 140, x: 60, text: 'Trần Thị Bích' },
      { y: 180, x: 60, text: 'Giới tính: Nữ' },
    ]);
    const extraction = extractFields(
      template([
        { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
        { name: 'sex', labels: ['Giới tính'], normaliser: 'text', required: true },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { fullName: 'TRẦN THỊ BÍCH', sex: 'Nữ' });
  });

  test('does not read the next block as the value of an empty label', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Họ và tên:' },
      { y: 400, x: 60, text: 'Trần Thị Bích' },
    ]);
    const extraction = extractFields(
      template([{ name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true }]),
      [page],
    );
    assert.deepEqual(extraction.fields, {});
  });

  test('a label written with a colon needs the colon: "Số 12 phố" is an address, not a number', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Địa chỉ: Số 12 phố Hàng Bạc' },
      { y: 150, x: 60, text: 'Số; 45/GXN' },
    ]);
    const extraction = extractFields(
      template([
        { name: 'number', labels: ['Số:'], normaliser: 'code', required: true },
        { name: 'address', labels: ['Địa chỉ'], normaliser: 'text', required: true },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { number: '45/GXN', address: 'Số 12 phố Hàng Bạc' });
  });

  test('where labels overlap the longest wins, and a value ends at the next label and its list number', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: '1. Họ và tên chủ hộ: Trần Văn Ba' },
      { y: 150, x: 60, text: '2. Họ và tên: Trần Thị Bích    3. Dân tộc: Kinh    4. Tôn giáo: Không' },
    ]);
    const extraction = extractFields(
      template(
        [
          { name: 'fullName', labels: ['Họ và tên'], normaliser: 'text', required: true },
          { name: 'ethnicity', labels: ['Dân tộc'], normaliser: 'text', required: true },
        ],
        ['Họ và tên chủ hộ', 'Tôn giáo'],
      ),
      [page],
    );
    assert.deepEqual(extraction.fields, { fullName: 'Trần Thị Bích', ethnicity: 'Kinh' });
  });

  test('tries later occurrences of a label when an earlier value does not normalise', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Mức phạt: theo quy định tại Điều 5' },
      { y: 150, x: 60, text: 'Mức phạt: 2.000.000 đồng' },
    ]);
    const extraction = extractFields(
      template([{ name: 'fineAmount', labels: ['Mức phạt'], normaliser: 'vnd', required: true }]),
      [page],
    );
    assert.deepEqual(extraction.fields, { fineAmount: 2_000_000 });
  });

  test('a pattern alone finds its value on any line, matching without diacritics, cut with them', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'Quyết định có hiệu lực từ ngày ký' },
      { y: 150, x: 60, text: 'Mã hồ sơ: G22.99-240115-0007 (tra cứu trên Cổng)' },
    ]);
    const extraction = extractFields(
      template([
        { name: 'dossier', pattern: 'ma ho so:\\s{0,3}(?<value>[a-z0-9.-]{8,30})', normaliser: 'code', required: true },
        { name: 'effect', pattern: 'hieu luc (tu ngay ky)', normaliser: 'text', required: true },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { dossier: 'G22.99-240115-0007', effect: 'từ ngày ký' });
  });

  test('a pattern narrows the text after a label', () => {
    const page = ocrPage([{ y: 100, x: 60, text: 'Biển kiểm soát: xe ô tô con, biển 30A-123.45, màu trắng' }]);
    const extraction = extractFields(
      template([
        {
          name: 'plateNumber',
          labels: ['Biển kiểm soát'],
          pattern: '\\d{2}[a-z]{1,2}\\d?-\\d{3}\\.\\d{2}',
          normaliser: 'plate',
          required: true,
        },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { plateNumber: '30A-123.45' });
  });

  test('a zone reads the words inside it, row by row', () => {
    const page = ocrPage([
      { y: 100, x: 60, text: 'ỦY BAN NHÂN DÂN' },
      { y: 140, x: 60, text: 'XÃ TÂN PHÚ' },
      { y: 100, x: 700, text: 'Mẫu số 01' },
      { y: 300, x: 60, text: 'Nội dung' },
    ]);
    const extraction = extractFields(
      template([
        // Top-left quarter of the first page's top tenth: the agency header, not the form number.
        { name: 'issuer', zone: { x0: 0, y0: 0, x1: 0.5, y1: 0.1 }, normaliser: 'text', required: true },
        {
          name: 'form',
          zone: { page: 1, x0: 0.5, y0: 0, x1: 1, y1: 0.1 },
          pattern: 'mau so (\\d{2})',
          normaliser: 'code',
          required: true,
        },
        { name: 'elsewhere', zone: { page: 2, x0: 0, y0: 0, x1: 1, y1: 1 }, normaliser: 'text', required: false },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { issuer: 'ỦY BAN NHÂN DÂN XÃ TÂN PHÚ', form: '01' });
  });

  test('an engine that gives only text still has its lines read in order', () => {
    const page: OcrPage = {
      ...ocrPage([]),
      text: 'Họ và tên:\nLê Văn Tám\nNơi thường trú: Thôn 3, xã An Bình',
      confidence: 0.88,
    };
    const extraction = extractFields(
      template([
        { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
        { name: 'permanentAddress', labels: ['Nơi thường trú'], normaliser: 'text', required: true },
      ]),
      [page],
    );
    assert.deepEqual(extraction.fields, { fullName: 'LÊ VĂN TÁM', permanentAddress: 'Thôn 3, xã An Bình' });
    assert.equal(extraction.confidence, 0.88);
  });
});
