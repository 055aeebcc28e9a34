/**
 * What the national-warehouse simulator accepts, checked as a strict portal would and written
 * independently of the client's schemas (functions/sync/core/portal-messages.ts), so that a
 * message the client builds wrongly is refused here rather than agreed with. Refusals take the
 * portal's error format: HTTP 200 with `{error_code: -1, message: "Trường … không hợp lệ"}`.
 */

/** A dossier as the simulator stored it: the wire message of the last create or update it applied. */
export type StoredDossier = Record<string, unknown> & {
  MaHoSo: string;
  DanhSachGiayToKetQua: Record<string, unknown>[];
};

/** A refusal, with the status and body the simulator answers. */
export class PortalRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('portal refusal');
  }
}

/** The portal's refusal of a field: HTTP 200 with error code -1, as the public clients see it. */
export function refuse(field: string): never {
  throw new PortalRefusal(200, { error_code: -1, message: `Trường ${field} không hợp lệ`, result: null });
}

const dossierFields = new Set([
  'MaHoSo',
  'MaTTHC',
  'TenTTHC',
  'ChuHoSo',
  'LoaiDoiTuong',
  'MaDoiTuong',
  'DinhDanhCHS',
  'NgayTiepNhan',
  'NgayHenTra',
  'NgayTra',
  'TrangThaiHoSo',
  'DonViXuLy',
  'DuocSoHoa',
  'DuocTaiSuDung',
  'MaKetQuaThayThe',
  'DanhSachGiayToKetQua',
]);
const resultFields = new Set(['TenGiayTo', 'MaThanhPhanHoSo', 'GiayToId', 'MaGiayToKetQua', 'DuongDanTepTinKetQua']);

/** A dossier as a strict portal accepts it: every required field, real dates, known codes, no unknown fields. */
export function validDossier(message: Record<string, unknown>): StoredDossier {
  for (const field of Object.keys(message)) if (!dossierFields.has(field)) refuse(field);
  for (const field of ['MaHoSo', 'MaTTHC', 'TenTTHC', 'ChuHoSo', 'MaDoiTuong', 'DonViXuLy']) {
    requiredText(message, field);
  }
  if (!/^[1-3]$/.test(String(message.LoaiDoiTuong))) refuse('LoaiDoiTuong');
  for (const field of ['NgayTiepNhan', 'NgayHenTra']) if (!isPortalTimestamp(message[field])) refuse(field);
  if (message.NgayTra !== undefined && !isPortalTimestamp(message.NgayTra)) refuse('NgayTra');
  const status = Number(message.TrangThaiHoSo);
  if (typeof message.TrangThaiHoSo !== 'string' || !Number.isInteger(status) || status < 1 || status > 10) {
    refuse('TrangThaiHoSo');
  }
  for (const field of ['DuocSoHoa', 'DuocTaiSuDung'])
    if (message[field] !== '0' && message[field] !== '1') refuse(field);
  optionalText(message, 'MaKetQuaThayThe');
  const identifiers = message.DinhDanhCHS;
  if (!Array.isArray(identifiers) || identifiers.length === 0) refuse('DinhDanhCHS');
  for (const item of identifiers) {
    const identifier = jsonRecord(item, 'DinhDanhCHS');
    requiredText(identifier, 'LoaiDinhDanh');
    requiredText(identifier, 'SoDinhDanh');
  }
  const results = message.DanhSachGiayToKetQua;
  if (!Array.isArray(results)) refuse('DanhSachGiayToKetQua');
  const paperIds = new Set<string>();
  for (const item of results) {
    const result = jsonRecord(item, 'DanhSachGiayToKetQua');
    for (const field of Object.keys(result)) if (!resultFields.has(field)) refuse(`DanhSachGiayToKetQua.${field}`);
    for (const field of ['TenGiayTo', 'GiayToId', 'MaGiayToKetQua', 'DuongDanTepTinKetQua']) {
      requiredText(result, field);
    }
    optionalText(result, 'MaThanhPhanHoSo');
    if (!/^https?:\/\/\S+$/.test(String(result.DuongDanTepTinKetQua))) refuse('DuongDanTepTinKetQua');
    if (paperIds.has(String(result.GiayToId))) refuse('GiayToId');
    paperIds.add(String(result.GiayToId));
  }
  return message as StoredDossier;
}

function isPortalTimestamp(value: unknown): boolean {
  const match = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

export function requiredText(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '' || /\p{Cc}/u.test(value)) refuse(field);
  return value;
}

export function optionalText(record: Record<string, unknown>, field: string): string | undefined {
  return record[field] === undefined || record[field] === '' ? undefined : requiredText(record, field);
}

export function jsonRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(field);
  return value as Record<string, unknown>;
}

export function jsonObject(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new PortalRefusal(400, { error_code: -1, message: 'Dữ liệu gửi lên không phải JSON', result: null });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PortalRefusal(400, { error_code: -1, message: 'Dữ liệu gửi lên không hợp lệ', result: null });
  }
  return parsed as Record<string, unknown>;
}
