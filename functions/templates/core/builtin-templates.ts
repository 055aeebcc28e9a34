import type { BuiltinTypeKey, RecognitionTemplate, TemplateField, TemplatePermissions } from './template-model.ts';

/**
 * The six document types of DESIGN.md, seeded as version 1 on first start. Field names are the
 * public contract of DESIGN.md; labels are as printed on the current forms (CT07 of Circular
 * 66/2023/TT-BCA for residence, the bilingual PET driving licence, the vehicle registration
 * card, MQĐ02 of Decree 118/2021/NĐ-CP for fines, the security-and-order certificate, and the
 * layout of Decree 30/2020/NĐ-CP for official letters). Each definition names the public text
 * its labels were checked against; docs/templates.md lists them, and the forms not found.
 */

/** Officers and administrators view and use; administrators edit and grant. */
const defaultPermissions: TemplatePermissions = {
  view: [{ role: 'officer' }, { role: 'admin' }],
  // Citizens and organisations use the built-in types to read their own scans; they do not see the rules.
  use: [{ role: 'officer' }, { role: 'admin' }, { role: 'citizen' }, { role: 'organization' }],
  edit: [{ role: 'admin' }],
  grant: [{ role: 'admin' }],
};

/**
 * The issue date line, 'Hà Nội, ngày 15 tháng 3 năm 2024': a place, a comma, then the date in
 * words. Anchoring on the place keeps out the dated laws quoted in the body ('Luật … ngày 20
 * tháng 6 năm 2012'), which no comma precedes. The place holds no digit ('Quyết định số
 * 12/QĐ-UBND, ngày …') but the number that ends a numbered district's or ward's name, as
 * Decree 30/2020/NĐ-CP writes it ('Quận 1, ngày …', 'Phường 12, ngày …').
 */
const issueDateLine =
  '^[^,\\d]{2,40}\\d{0,2},\\s{0,3}(ngay\\s{0,3}\\S{1,4}\\s{0,3}thang\\s{0,3}\\S{1,4}\\s{0,3}nam\\s{0,3}\\S{1,6})';

const documentNumber: TemplateField = { name: 'number', labels: ['Số:'], normaliser: 'code', required: true };
/** One abbreviation of a document number: letters, or a unit code of one or two letters and digits (PV01, C06, P4). */
const numberPart = '(?:[a-z]{1,12}|[a-z]{1,2}\\d\\d?)';
/**
 * A numbered administrative document, 'Số: 633/CAT-PV01' (Decree 30/2020/NĐ-CP, appendix I):
 * the number, then one or two abbreviations, so that 'PV0O1' is repaired to 'PV01'.
 */
const administrativeNumber: TemplateField = {
  ...documentNumber,
  normaliser: 'document-number',
  shape: `^\\d{1,7}/${numberPart}$|^\\d{1,7}/${numberPart}-${numberPart}$`,
};
const issueDate: TemplateField = { name: 'issueDate', pattern: issueDateLine, normaliser: 'date', required: true };

/**
 * The 9-digit identity card number (CMND) papers issued before the personal ID print; optional,
 * since current forms print the 12-digit personal ID instead. Extract resolves it to the owner.
 */
const legacyId = (labels: string[]): TemplateField => ({
  name: 'legacyId',
  labels: [...labels, 'Số CMND/CCCD', 'CMND/CCCD số', 'Số CMND:', 'CMND số', 'Số chứng minh nhân dân'],
  normaliser: 'legacy-id',
  required: false,
});

/**
 * The score that recognises a type whose title weighs as much as its body anchors together: a
 * little under half, so that the title alone (with a few misread letters) or, where the title is
 * lost, the body alone suffices. Other types keep half.
 */
const balancedMinScore = 0.45;

interface BuiltinDefinition {
  key: BuiltinTypeKey;
  name: string;
  anchors: Array<{ phrase: string; weight: number }>;
  /** Default 0.5. */
  minScore?: number;
  fields: TemplateField[];
  stopLabels: string[];
}

const definitions: BuiltinDefinition[] = [
  {
    // Mẫu CT07 'Xác nhận thông tin về cư trú', Thông tư 56/2021/TT-BCA as replaced by Thông tư
    // 66/2023/TT-BCA from 01/01/2024 (https://tintuc.thuvienphapluat.com/bieu-mau/56104/mau-xac-nhan-thong-tin-ve-cu-tru-ct07-ap-dung-tu-nam-2024).
    // 'Quan hệ với chủ hộ' is the household wording of the residence forms (CT01, as explained at
    // http://huongdancongdong.com/bieu-mau/huong-dan-ghi-to-khai-thay-doi-thong-tin-cu-tru-ct01-31.html).
    key: 'xac-nhan-cu-tru',
    name: 'Giấy xác nhận thông tin về cư trú',
    anchors: [
      { phrase: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ', weight: 6 },
      { phrase: 'xác nhận thông tin về cư trú của công dân', weight: 2 },
      { phrase: 'Nơi thường trú', weight: 1 },
      { phrase: 'Số định danh cá nhân', weight: 1 },
      // CT07's own labels. The title weighs as much as the body anchors together, so that either
      // recognises the page: the title under labels worded another way, the body under a title
      // a fold, stain or shadow made unreadable.
      { phrase: 'Họ, chữ đệm và tên', weight: 1 },
      { phrase: 'quan hệ với chủ hộ', weight: 1 },
    ],
    minScore: balancedMinScore,
    fields: [
      administrativeNumber,
      issueDate,
      {
        name: 'fullName',
        labels: ['Họ, chữ đệm và tên', 'Họ, chữ đệm và tên khai sinh', 'Họ và tên', 'Họ tên:'],
        normaliser: 'name',
        required: true,
      },
      {
        name: 'dateOfBirth',
        labels: ['Ngày, tháng, năm sinh', 'Ngày sinh:', 'Sinh ngày'],
        normaliser: 'date',
        required: true,
      },
      {
        name: 'personalId',
        // Shared with legacyId: under these labels old papers print 9 digits, current ones 12.
        labels: ['Số định danh cá nhân', 'Số định danh cá nhân/CMND', 'Số CCCD:', 'Số căn cước:', 'Số CMND/CCCD'],
        normaliser: 'personal-id',
        required: true,
      },
      legacyId(['Số định danh cá nhân/CMND']),
      {
        name: 'permanentAddress',
        labels: ['Nơi thường trú', 'Địa chỉ thường trú', 'Thường trú tại'],
        maxLines: 3,
        normaliser: 'text',
        required: true,
      },
    ],
    stopLabels: [
      'Giới tính',
      'Dân tộc',
      'Tôn giáo',
      'Quốc tịch',
      'Quê quán',
      'Nơi tạm trú',
      'Nơi ở hiện tại',
      'Họ, chữ đệm và tên chủ hộ',
      'Mối quan hệ với chủ hộ',
      'Quan hệ với chủ hộ',
      'Thông tin thành viên hộ gia đình',
    ],
  },
  {
    // Phụ lục X of Thông tư 12/2025/TT-BCA (the PET licence the police issue from 01/03/2025):
    // 'Số/No.', then the holder's name, date of birth, nationality, issue date, expiry date
    // ('ngày hết hạn'), issuing body, residence and class (https://thuvienphapluat.vn/viec-lam/chinh-sach-ve-lao-dong/giay-phep-lai-xe-moi-theo-thong-tu-12-2025-the-nao-quy-cach-giay-phep-lai-xe-moi-ra-sao-11047.html).
    // Licences of the transport ministry's earlier circulars print 'Có giá trị đến'.
    key: 'giay-phep-lai-xe',
    name: 'Giấy phép lái xe',
    anchors: [
      { phrase: 'GIẤY PHÉP LÁI XE', weight: 4 },
      { phrase: "DRIVER'S LICENSE", weight: 3 },
      { phrase: 'Hạng/Class', weight: 1 },
      { phrase: 'Có giá trị đến', weight: 1 },
    ],
    fields: [
      { name: 'number', labels: ['Số/No', 'Số:'], normaliser: 'code', required: true },
      { name: 'fullName', labels: ['Họ tên/Full name', 'Họ và tên', 'Họ tên:'], normaliser: 'name', required: true },
      { name: 'dateOfBirth', labels: ['Ngày sinh/Date of birth', 'Ngày sinh:'], normaliser: 'date', required: true },
      { name: 'licenseClass', labels: ['Hạng/Class', 'Hạng:'], normaliser: 'license-class', required: true },
      // Class A1 licences print 'Không thời hạn' (no expiry) here.
      {
        name: 'expiryDate',
        labels: ['Có giá trị đến/Expires', 'Có giá trị đến', 'Ngày hết hạn'],
        normaliser: 'date',
        required: false,
      },
    ],
    stopLabels: [
      'Quốc tịch/Nationality',
      'Nơi cư trú/Address',
      'Ngày trúng tuyển/Beginning date',
      'Ngày cấp',
      'Cơ quan cấp',
    ],
  },
  {
    // Thông tư 24/2023/TT-BCA on vehicle registration and plates; the text of its certificate
    // form was not found in the stored public pages, so these labels are not checked against it.
    key: 'dang-ky-xe',
    name: 'Giấy chứng nhận đăng ký xe',
    anchors: [
      { phrase: 'CHỨNG NHẬN ĐĂNG KÝ XE', weight: 4 },
      { phrase: 'Tên chủ xe', weight: 2 },
      { phrase: 'Biển số đăng ký', weight: 2 },
      { phrase: 'Số khung', weight: 1 },
      { phrase: 'Số máy', weight: 1 },
    ],
    fields: [
      documentNumber,
      { name: 'ownerName', labels: ['Tên chủ xe', 'Họ tên chủ xe', 'Chủ xe:'], normaliser: 'name', required: true },
      { name: 'plateNumber', labels: ['Biển số đăng ký', 'Biển số:'], normaliser: 'plate', required: true },
      { name: 'brand', labels: ['Nhãn hiệu'], normaliser: 'text', required: true },
      { name: 'engineNumber', labels: ['Số máy:'], normaliser: 'code', required: true },
      { name: 'chassisNumber', labels: ['Số khung:'], normaliser: 'chassis-number', required: true },
    ],
    // 'Số loại' and 'Loại xe' need no colon: OCR drops it at times, and neither phrase occurs in a value.
    stopLabels: ['Địa chỉ:', 'Số loại', 'Loại xe', 'Màu sơn', 'Dung tích', 'Số chỗ ngồi', 'Đăng ký lần đầu ngày'],
  },
  {
    // Mẫu MQĐ02 of Nghị định 118/2021/NĐ-CP, as reissued in the appendix of Nghị định 68/2025/NĐ-CP:
    // 'Số: …/QĐ-XPHC', 'đối với <ông (bà)/tổ chức> có tên sau đây', '<Họ và tên>', 'Giới tính'
    // (http://118.69.201.250:801/phap-luat/ho-tro-phap-luat/mau-quyet-dinh-xu-phat-vi-pham-hanh-chinh-moi-nam-2025-tai-mau-quyet-dinh-xu-phat-vi-pham-hanh-chin-603067-209504.html).
    // Decisions on the earlier forms (Luật Xử lý vi phạm hành chính 2012, Điều 56) name the violator
    // 'Ông(Bà)/Tổ chức:' then 'Sinh ngày', 'Địa chỉ' (https://123docz.net/document/3735999-quyet-dinh-xu-phat-vi-pham-hanh-chinh-mau-01-va-02.htm).
    key: 'quyet-dinh-xu-phat',
    name: 'Quyết định xử phạt vi phạm hành chính',
    anchors: [
      { phrase: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH', weight: 5 },
      { phrase: 'Luật Xử lý vi phạm hành chính', weight: 2 },
      { phrase: 'Hình thức xử phạt', weight: 1 },
      { phrase: 'Mức phạt', weight: 1 },
    ],
    fields: [
      administrativeNumber,
      issueDate,
      {
        name: 'violatorName',
        // MQĐ02 introduces the violator as 'đối với ông (bà)/tổ chức có tên sau đây', then the
        // details as 'Họ và tên' or, for an organisation, 'Tên của tổ chức vi phạm'.
        labels: [
          'Họ và tên',
          'Họ tên:',
          'đối với ông (bà)',
          'Ông (bà):',
          'Ông (bà)/Tổ chức:',
          'Tên của tổ chức vi phạm',
          'Tên tổ chức vi phạm',
          'Tên tổ chức:',
        ],
        normaliser: 'name',
        required: true,
      },
      {
        name: 'fineAmount',
        labels: ['Mức phạt', 'Số tiền phạt', 'Tổng số tiền phạt', 'Mức phạt tiền'],
        normaliser: 'vnd',
        required: true,
      },
      legacyId(['Số định danh cá nhân/CMND/Hộ chiếu', 'Số định danh cá nhân/CMND']),
    ],
    stopLabels: [
      'Giới tính',
      'Quốc tịch',
      'Nghề nghiệp',
      'Nơi ở hiện tại',
      'Ngày, tháng, năm sinh',
      'Số định danh cá nhân',
      'Bằng chữ',
      'Ngày cấp',
      'Nơi cấp',
      // The form's wording, 'đối với ông (bà)/tổ chức có tên sau đây:', and units' 'ông (bà) có tên sau đây:'.
      'tổ chức có tên sau đây',
      'có tên sau đây',
      'Mã số doanh nghiệp',
      'Sinh ngày',
      'Địa chỉ:',
    ],
  },
  {
    // Nghị định 96/2016/NĐ-CP on security-and-order conditions for conditional business lines
    // (https://luathongphuc.vn/nghi-dinh-so-96-2016-nd-cp-chuong-7/); the certificate form's text
    // was not found in the stored public pages, so these labels are not checked against it.
    key: 'chung-nhan-antt',
    name: 'Giấy chứng nhận đủ điều kiện về an ninh, trật tự',
    anchors: [
      { phrase: 'GIẤY CHỨNG NHẬN ĐỦ ĐIỀU KIỆN VỀ AN NINH, TRẬT TỰ', weight: 6 },
      { phrase: 'ngành, nghề đầu tư kinh doanh có điều kiện', weight: 2 },
      { phrase: 'Tên cơ sở kinh doanh', weight: 1 },
      { phrase: 'Người chịu trách nhiệm về an ninh, trật tự', weight: 1 },
      // As for the residence confirmation: the title, or the form's own labels, suffice.
      { phrase: 'Mã số doanh nghiệp', weight: 1 },
      { phrase: 'Ngành, nghề kinh doanh', weight: 1 },
    ],
    minScore: balancedMinScore,
    fields: [
      administrativeNumber,
      {
        name: 'businessName',
        // 'Cấp cho:' (issued to) names the holder on certificates that print no 'Tên …' label.
        labels: ['Tên cơ sở kinh doanh', 'Tên cơ sở:', 'Tên doanh nghiệp:', 'Cấp cho:'],
        normaliser: 'text',
        required: true,
      },
      {
        name: 'enterpriseCode',
        labels: ['Mã số doanh nghiệp', 'Mã số thuế', 'Giấy chứng nhận đăng ký doanh nghiệp số'],
        normaliser: 'enterprise-code',
        required: true,
      },
      {
        name: 'address',
        labels: ['Địa chỉ:', 'Địa điểm kinh doanh', 'Địa chỉ trụ sở', 'Địa điểm hoạt động kinh doanh'],
        maxLines: 3,
        normaliser: 'text',
        required: true,
      },
      // The representative's old identity card number, as the certificates issued before 2021 print it.
      legacyId([]),
    ],
    stopLabels: [
      'Ngành, nghề kinh doanh',
      'Người đại diện theo pháp luật',
      'Người chịu trách nhiệm về an ninh, trật tự',
      'Điện thoại:',
      'Ngày cấp',
      'Nơi cấp',
    ],
  },
  {
    // Nghị định 30/2020/NĐ-CP, Điều 8: number and symbol, place and date, type and summary, and
    // recipients ('Nơi nhận') are parts of every administrative document, laid out per its
    // Phụ lục I (http://hethongphapluat.vn/nghi-dinh-30-2020-nd-cp-ve-cong-tac-van-thu/dieu-8).
    key: 'cong-van',
    name: 'Công văn',
    anchors: [
      { phrase: 'V/v', weight: 3 },
      { phrase: 'Kính gửi', weight: 3 },
      { phrase: 'Nơi nhận', weight: 1 },
    ],
    fields: [
      administrativeNumber,
      issueDate,
      // The issuing agency: the header lines top left under the parent body; on a page read
      // without boxes, the line right above 'Số:'.
      {
        name: 'issuer',
        layout: 'issuing-agency',
        labels: ['Số:'],
        valueAt: 'above',
        normaliser: 'text',
        required: true,
      },
      { name: 'summary', labels: ['V/v', 'Về việc', 'V/v:'], maxLines: 4, normaliser: 'text', required: true },
    ],
    stopLabels: ['Kính gửi', 'Nơi nhận'],
  },
];

/** The built-in templates as seeded at `seededAt` (ISO date-time). */
export function builtinTemplates(seededAt: string): RecognitionTemplate[] {
  // One copy per template: a caller that edits a seeded template edits nothing else.
  return definitions.map((definition) =>
    structuredClone({
      id: `builtin-${definition.key}`,
      key: definition.key,
      version: 1,
      name: definition.name,
      active: true,
      identification: { anchors: definition.anchors, minScore: definition.minScore ?? 0.5 },
      fields: definition.fields,
      stopLabels: definition.stopLabels,
      permissions: defaultPermissions,
      createdAt: seededAt,
      createdBy: 'system',
    }),
  );
}
