import { isEnterpriseCode, isPersonalId } from '../../platform/core/principal.ts';
import { foldForSearch } from './text-folding.ts';

/** A field value as the vault stores it: text, or an integer amount of VND. */
export type FieldValue = string | number;

export interface NormalisedValue {
  value: FieldValue;
  /**
   * The normaliser repaired OCR confusions (O for 0, l for 1) or chose between two readings:
   * the value is likely right but less certain than one read cleanly.
   */
  adjusted: boolean;
}

export const normaliserNames = [
  'date',
  'vnd',
  'name',
  'plate',
  'personal-id',
  'legacy-id',
  'enterprise-code',
  'license-class',
  'code',
  'document-number',
  'chassis-number',
  'text',
] as const;
export type NormaliserName = (typeof normaliserNames)[number];

/** Letters OCR reads in place of digits, and the digit each stands for. */
const digitLookalikes: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', i: '1', '|': '1' };

function repairDigits(text: string): { digits: string; adjusted: boolean } {
  const digits = text.replace(/[OoIli|]/g, (character) => digitLookalikes[character] ?? character);
  return { digits, adjusted: digits !== text };
}

/** A digit group as OCR may read it: digits and look-alikes, holding at least one real digit. */
const lookalikeGroup = (length: string) => `(?=[0-9oil|]{0,3}\\d)[0-9oil|]${length}`;
const verbalDate = new RegExp(
  `ngay\\s*(${lookalikeGroup('{1,2}')})\\s*,?\\s*thang\\s*(${lookalikeGroup('{1,2}')})\\s*,?\\s*nam\\s*(${lookalikeGroup('{4}')})`,
);
const numericDate = new RegExp(
  `(?<![a-z0-9|])(${lookalikeGroup('{1,2}')})\\s?[/.-]\\s?(${lookalikeGroup('{1,2}')})\\s?[/.-]\\s?(${lookalikeGroup('{4}')})(?![0-9|])`,
);

/**
 * The first date in the text, as ISO `YYYY-MM-DD`: 'ngày 02 tháng 6 năm 2022', '02/06/2022',
 * '2-6-2022', '02.06.2022' (day first, as Vietnamese forms print it), with O/l read as 0/1.
 * Impossible dates (31/02) and years outside 1900–2100 are refused; two-digit years are
 * refused as ambiguous.
 */
export function normaliseDate(text: string): NormalisedValue | null {
  const folded = foldForSearch(text);
  const matches = [verbalDate.exec(folded), numericDate.exec(folded)]
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => a.index - b.index);
  const match = matches[0];
  if (!match) return null;
  const [day, month, year] = [match[1], match[2], match[3]].map((group) => repairDigits(group ?? ''));
  if (!day || !month || !year) return null;
  const [d, m, y] = [Number(day.digits), Number(month.digits), Number(year.digits)];
  if (y < 1900 || y > 2100) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return { value: date.toISOString().slice(0, 10), adjusted: day.adjusted || month.adjusted || year.adjusted };
}

/**
 * The first amount in the text as integer VND: '1.500.000 đồng', '1,500,000 VNĐ',
 * '1.500.000đ', '1 500 000'. Thousands are grouped by one kind of separator; VND has no
 * decimals, so '1,5' is not an amount. An ungrouped number counts only with its currency
 * ('1500000 đồng'): alone, it is more likely an article ('Điều 5') than a fine.
 */
export function normaliseVnd(text: string): NormalisedValue | null {
  const nfc = text.normalize('NFC');
  const match = /(?<![\d.,])\d[\dOoIl]*((?:([.,\s])[\dOoIl]{3}(?![\dOoIl]))*)/.exec(nfc);
  if (!match) return null;
  const [whole, groups = ''] = match;
  const separators = new Set(groups.match(/[.,\s]/g) ?? []);
  const head = whole.slice(0, whole.length - groups.length);
  const after = nfc.slice(match.index + whole.length);
  if (separators.size > 1 || (groups.length > 0 && head.length > 3)) return null;
  if (separators.size === 0 && !/^(?:dong|vnd|d)(?![a-z])/.test(foldForSearch(after))) return null;
  const { digits, adjusted } = repairDigits(whole.replace(/[.,\s]/g, ''));
  const amount = Number(digits);
  if (!Number.isSafeInteger(amount) || amount <= 0) return null;
  return { value: amount, adjusted };
}

/**
 * Vietnamese family names, the Kinh ones and those of the larger ethnic minorities. A name's
 * first word is checked against them: OCR drops one of two stacked marks on capitals
 * (NGUYỄN → NGUYÊN, ĐỖ → ĐỎ), and a misread family name folds to one of these.
 */
const familyNames = new Set([
  'NGUYỄN',
  'TRẦN',
  'LÊ',
  'PHẠM',
  'HOÀNG',
  'HUỲNH',
  'PHAN',
  'VŨ',
  'VÕ',
  'ĐẶNG',
  'BÙI',
  'ĐỖ',
  'HỒ',
  'NGÔ',
  'DƯƠNG',
  'LÝ',
  'ĐINH',
  'TRỊNH',
  'LƯU',
  'QUÁCH',
  'ĐÀO',
  'ĐOÀN',
  'DOÃN',
  'LÂM',
  'MAI',
  'TRƯƠNG',
  'CAO',
  'HÀ',
  'TÔ',
  'TẠ',
  'CHÂU',
  'LƯƠNG',
  'THÁI',
  'KIỀU',
  'TRIỆU',
  'TĂNG',
  'TỪ',
  'MẠC',
  'LA',
  'LÃ',
  'LỮ',
  'LẠI',
  'KHỔNG',
  'CHU',
  'TỐNG',
  'GIANG',
  'DIỆP',
  'PHÙNG',
  'VƯƠNG',
  'THÂN',
  'NGHIÊM',
  'CÙ',
  'ĐÀM',
  'KIM',
  'LỤC',
  'QUAN',
  'TÔN',
  'KHÚC',
  'ÂU',
  'ÔNG',
  'THẠCH',
  'HỨA',
  'ĐỒNG',
  'BẠCH',
  'PHÍ',
  'NÔNG',
  'LÒ',
  'CẦM',
  'SÙNG',
  'GIÀNG',
  'VÀNG',
  'MÙA',
  'THÀO',
  'LẦU',
  'HẦU',
  'QUÀNG',
  'LƯỜNG',
  'ĐIÊU',
  'BẾ',
  'MA',
  'VI',
  'LỘC',
]);
export function isFamilyName(word: string): boolean {
  return familyNames.has(word);
}

/** Folded spelling → family names with that spelling; only a single one is a safe repair. */
const familyNamesByFolding = new Map<string, string[]>();
for (const family of familyNames) {
  const key = foldForSearch(family);
  familyNamesByFolding.set(key, [...(familyNamesByFolding.get(key) ?? []), family]);
}

/**
 * The family name a misread first word of a name stands for: only when the word carries
 * Vietnamese marks (a name typed without any is left as typed), is not itself a family name,
 * and folds to exactly one. The one rule for family names: the name normaliser applies it to a
 * name field, digitize's post-correction to a capitalised name in the page's text.
 */
export function repairFamilyName(word: string): string {
  if (familyNames.has(word) || /^[A-Z]*$/.test(word)) return word;
  const matches = familyNamesByFolding.get(foldForSearch(word)) ?? [];
  return matches.length === 1 ? (matches[0] ?? word) : word;
}

/**
 * OCR sometimes loses the space after the commonest middle names (THỊNGA for THỊ NGA). No
 * syllable goes on after THỊ or VĂN with another vowel (THỊNH does not), so that is a split.
 */
function splitMiddleName(word: string): string {
  const joined = /^(THỊ|VĂN)(\p{L}+)$/u.exec(word);
  return joined && /[aeiouy]/.test(foldForSearch(joined[2] ?? '')) ? `${joined[1]} ${joined[2]}` : word;
}

/**
 * A person's name as the vault stores it: NFC, upper case the Vietnamese way with its
 * diacritics, single spaces. A name holding digits or symbols is a misreading and is refused.
 * A misread family name and a lost space after THỊ/VĂN are repaired (flagged adjusted).
 */
export function normaliseName(text: string): NormalisedValue | null {
  const name = text
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (name.length < 2 || name.length > 100 || !/^\p{L}+(?:[ '’-]\p{L}+)*$/u.test(name)) return null;
  const read = name.toLocaleUpperCase('vi');
  const [first = '', ...rest] = read.split(' ');
  const value = [repairFamilyName(first), ...rest.map(splitMiddleName)].join(' ');
  return { value, adjusted: value !== read };
}

/**
 * A Vietnamese plate in its canonical form `51F-123.45` (five-digit serial) or `51F-1234`
 * (older four-digit serial); motorbike series carry a digit: `59X1-123.45`.
 * - Province: two digits (O read as 0, I and l as 1). Series: one or two letters, then an
 *   optional digit. Serial: four or five digits.
 * - A separator between series and serial (`59X1-1234`, `59-X1 123.45`) fixes where the series
 *   ends. Without one, the series is letters only when four or five digits follow
 *   (`51F12345` → `51F-123.45`), and letters plus a digit when six follow. Five digits could
 *   also be a digit series and an old four-digit serial (`51F1-2345`), so the five-digit
 *   reading is flagged adjusted.
 * - With separators, a look-alike where a letter or digit belongs (`518-123.45`, `5S1-12B.45`)
 *   is kept as read: the plate validator (field-validators.ts) repairs it by position or marks
 *   it invalid. A dot anywhere but before the last two digits of a five-digit serial is refused.
 */
export function normalisePlate(text: string): NormalisedValue | null {
  const plate = text.normalize('NFC').toUpperCase().trim().replace(/\s+/g, ' ');
  const separated = /^([0-9OILSGB]{2})[ -]?([A-Z0-9][A-Z]?\d?)[ -]+([\dOISGB]{3}\.?[\dOISGB]{2}|[\dOISGB]{4})$/.exec(
    plate,
  );
  if (separated) {
    const [, province = '', series = '', serial = ''] = separated;
    return canonicalPlate(province, series, serial.replace('.', ''), false);
  }
  const compact = /^([0-9OIL]{2})-?([A-Z]{1,2})(\d{4,6})$/.exec(plate);
  if (!compact) return null;
  const [, province = '', letters = '', digits = ''] = compact;
  if (digits.length === 6) return canonicalPlate(province, letters + digits.slice(0, 1), digits.slice(1), false);
  return canonicalPlate(province, letters, digits, digits.length === 5);
}

function canonicalPlate(province: string, series: string, serial: string, ambiguous: boolean): NormalisedValue {
  const repaired = repairDigits(province.replace(/L/g, 'l'));
  const formatted = serial.length === 5 ? `${serial.slice(0, 3)}.${serial.slice(3)}` : serial;
  return { value: `${repaired.digits}${series}-${formatted}`, adjusted: repaired.adjusted || ambiguous };
}

/**
 * Twelve digits of a personal ID (căn cước). Look-alike letters are read as digits only when
 * the result is a valid personal ID; spaces and dots between digit groups are dropped.
 */
export function normalisePersonalId(text: string): NormalisedValue | null {
  return normaliseIdentifier(text, /(?<![0-9OoIl|])[0-9OoIl|]{12}(?![0-9OoIl|])/, isPersonalId);
}

/**
 * Nine digits of an old identity card number (chứng minh nhân dân, CMND), as old papers print
 * it; twelve digits (a personal ID under an old label) are not one.
 */
export function normaliseLegacyId(text: string): NormalisedValue | null {
  return normaliseIdentifier(text, /(?<![0-9OoIl|])[0-9OoIl|]{9}(?![0-9OoIl|])/, (value) => /^\d{9}$/.test(value));
}

/** A 10-digit enterprise (tax) code, or 10 digits, a dash and a 3-digit branch number. */
export function normaliseEnterpriseCode(text: string): NormalisedValue | null {
  return normaliseIdentifier(
    text,
    /(?<![0-9OoIl|])[0-9OoIl|]{10}(?:-[0-9OoIl|]{3})?(?!-?[0-9OoIl|])/,
    isEnterpriseCode,
  );
}

function normaliseIdentifier(text: string, shape: RegExp, isValid: (value: string) => boolean): NormalisedValue | null {
  const compact = text.normalize('NFC').replace(/(?<=[0-9OoIl|])[ .](?=[0-9OoIl|])/g, '');
  const match = shape.exec(compact);
  if (!match) return null;
  const { digits, adjusted } = repairDigits(match[0]);
  return isValid(digits) ? { value: digits, adjusted } : null;
}

/**
 * Driving-licence classes of both the 2008 and the 2024 road traffic laws (licences of
 * either law stay valid). Several classes are kept in the order printed: 'A1, B2'.
 */
const licenceClasses = new Set([
  'A1',
  'A2',
  'A3',
  'A4',
  'B1',
  'B2',
  'C',
  'D',
  'E',
  'FB2',
  'FC',
  'FD',
  'FE',
  'A',
  'B',
  'C1',
  'D1',
  'D2',
  'BE',
  'C1E',
  'CE',
  'D1E',
  'D2E',
  'DE',
]);

export function isLicenceClass(code: string): boolean {
  return licenceClasses.has(code);
}

export function normaliseLicenseClass(text: string): NormalisedValue | null {
  // Tesseract reads the wide gap before the next label on the line as '_' ('Hạng: D_ Có giá trị'),
  // and specks after a class as dots ('E..'); no class holds either.
  const tokens = text
    .normalize('NFC')
    .toUpperCase()
    .replace(/(?<=\S)\.+(?=\s|$)/g, '')
    .split(/[\s,;_]+/)
    .filter((token) => token.length > 0);
  if (tokens.length === 0) return null;
  let adjusted = false;
  const classes: string[] = [];
  for (const token of tokens) {
    // Only the characters after the letter are digits: 'Bl' is B1, 'AI' is A1.
    const repaired = token.slice(0, 1) + token.slice(1).replace(/[IL|]/g, '1');
    if (!licenceClasses.has(repaired)) return null;
    adjusted ||= repaired !== token;
    if (!classes.includes(repaired)) classes.push(repaired);
  }
  return { value: classes.join(', '), adjusted };
}

/**
 * A document, engine or chassis number: upper case, no spaces, letters, digits and `/ - .`,
 * with at least one digit ('633/CAT-PV01', '123/QĐ-XPVPHC', 'JF83E1234567').
 */
export function normaliseCode(text: string): NormalisedValue | null {
  const read = text
    .normalize('NFC')
    .replace(/\s+/g, '')
    .replace(/[.,;:_]+$/, '')
    .toLocaleUpperCase('vi');
  // OCR reads some fonts' Đ as Đ followed by the Icelandic eth (U+00D0), which Vietnamese never uses.
  const code = read.replace(/ĐÐ|ÐĐ/g, 'Đ').replace(/Ð/g, 'Đ');
  if (code.length > 64 || !/^[\p{Lu}\d][\p{Lu}\d./-]*$/u.test(code) || !/\d/.test(code)) return null;
  return { value: code, adjusted: code !== read };
}

/** Letters a VIN never holds (ISO 3779), so in a chassis number they are OCR's misreadings of digits. */
const vinLookalikes: Record<string, string> = { I: '1', O: '0', Q: '0' };

/**
 * A chassis (frame) number: a code as `normaliseCode` reads it, with I, O and Q read as 1, 0
 * and 0. Vehicle identification numbers (ISO 3779) leave those letters out because they look
 * like digits, and hold nothing but letters and digits: a mark read inside one ('…AP]8GG',
 * '…1⁄23') is a speck or a cell border's tick, and is dropped (the reading flagged adjusted).
 */
export function normaliseChassisNumber(text: string): NormalisedValue | null {
  const trimmed = text.normalize('NFC').replace(/[.,;:_]+$/, '');
  const unmarked = trimmed.replace(/(?<=[\p{L}\d])[^\p{L}\d\s-]+(?=[\p{L}\d])/gu, '');
  const code = normaliseCode(unmarked);
  if (!code || typeof code.value !== 'string') return code;
  const value = code.value.replace(/[IOQ]/g, (letter) => vinLookalikes[letter] ?? letter);
  return { value, adjusted: code.adjusted || unmarked !== trimmed || value !== code.value };
}

/** Free text (addresses, brands, summaries): NFC, single spaces, no stray separators at the ends. */
export function normaliseText(text: string): NormalisedValue | null {
  // '_' is how Tesseract reads the gap before the next label on the same line.
  const value = text
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\s:;,.|_\-–—]+/, '')
    .replace(/[\s:;,|_\-–—]+$/, '');
  if (value.length === 0 || value.length > 500) return null;
  return { value, adjusted: false };
}

export const normalisers: Record<NormaliserName, (text: string) => NormalisedValue | null> = {
  date: normaliseDate,
  vnd: normaliseVnd,
  name: normaliseName,
  plate: normalisePlate,
  'personal-id': normalisePersonalId,
  'legacy-id': normaliseLegacyId,
  'enterprise-code': normaliseEnterpriseCode,
  'license-class': normaliseLicenseClass,
  code: normaliseCode,
  // A document number is read as a code; its validator knows the shape (field-validators.ts).
  'document-number': normaliseCode,
  'chassis-number': normaliseChassisNumber,
  text: normaliseText,
};
