import type { BuiltinTypeKey, RecognitionTemplate, TemplateField, TemplatePermissions } from './template-model.ts';

/**
 * The six document types of DESIGN.md, seeded as version 1 on first start. Field names are the
 * public contract of DESIGN.md; labels are as printed on the current forms (CT07 of Circular
 * 66/2023/TT-BCA for residence, the bilingual PET driving licence, the vehicle registration
 * card, MQĐ02 of Decree 118/2021/NĐ-CP for fines, the security-and-order certificate, and the
 * layout of Decree 30/2020/NĐ-CP for official letters).
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
 * tháng 6 năm 2012'), which no comma precedes.
 */
const issueDateLine =
  '^[^,\\d]{2,40},\\s{0,3}(ngay\\s{0,3}\\S{1,4}\\s{0,3}thang\\s{0,3}\\S{1,4}\\s{0,3}nam\\s{0,3}\\S{1,6})';

const documentNumber: TemplateField = { name: 'number', labels: ['Số:'], normaliser: 'code', required: true };
/** One abbreviation of a document number: letters, or a unit code of one or two letters and digits (PV01, C06, P4). */
const numberPart = '(?:[a-z]{1,12}|[a-z]{1,2}\\d\\d?)';
/**
 * A numbered administrative document, 'Số: 633/CAT-PV01' (Decree 30/2020/NĐ-CP, appendix I):
 * the number, then one or two abbreviations, so that 'PV0O1' is repaired to 'PV01'.
 */
const administrativeNumber: TemplateField = {
  ...documentNumber,
  shape: `^\\d{1,7}/${numberPart}$|^\\d{1,7}/${numberPart}-${numberPart}$`,
};
const issueDate: TemplateField = { name: 'issueDate', pattern: issueDateLine, normaliser: 'date', required: true };

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
        labels: ['Số định danh cá nhân', 'Số CCCD:', 'Số căn cước:', 'Số CMND/CCCD'],
        normaliser: 'personal-id',
        required: true,
      },
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
      'Thông tin thành viên hộ gia đình',
    ],
  },
  {
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
      { name: 'expiryDate', labels: ['Có giá trị đến/Expires', 'Có giá trị đến'], normaliser: 'date', required: false },
    ],
    stopLabels: ['Quốc tịch/Nationality', 'Nơi cư trú/Address', 'Ngày trúng tuyển/Beginning date'],
  },
  {
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
      'tổ chức có tên sau đây',
      'Mã số doanh nghiệp',
    ],
  },
  {
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
