/**
 * Code lists of Vietnamese documents that field validation checks values against, each with
 * its source. They change only when the State redraws provinces or amends a circular, so they
 * are data here, kept in this one place.
 */

/**
 * The province codes that open a 12-digit personal ID (the first three digits): the 63
 * provinces and cities of the appendix to Circular 07/2016/TT-BCA (as amended by Circular
 * 59/2021/TT-BCA) on the personal identification number.
 */
export const personalIdProvinceCodes: ReadonlyMap<string, string> = new Map([
  ['001', 'Hà Nội'],
  ['002', 'Hà Giang'],
  ['004', 'Cao Bằng'],
  ['006', 'Bắc Kạn'],
  ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'],
  ['011', 'Điện Biên'],
  ['012', 'Lai Châu'],
  ['014', 'Sơn La'],
  ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'],
  ['019', 'Thái Nguyên'],
  ['020', 'Lạng Sơn'],
  ['022', 'Quảng Ninh'],
  ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'],
  ['026', 'Vĩnh Phúc'],
  ['027', 'Bắc Ninh'],
  ['030', 'Hải Dương'],
  ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'],
  ['034', 'Thái Bình'],
  ['035', 'Hà Nam'],
  ['036', 'Nam Định'],
  ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'],
  ['040', 'Nghệ An'],
  ['042', 'Hà Tĩnh'],
  ['044', 'Quảng Bình'],
  ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'],
  ['048', 'Đà Nẵng'],
  ['049', 'Quảng Nam'],
  ['051', 'Quảng Ngãi'],
  ['052', 'Bình Định'],
  ['054', 'Phú Yên'],
  ['056', 'Khánh Hòa'],
  ['058', 'Ninh Thuận'],
  ['060', 'Bình Thuận'],
  ['062', 'Kon Tum'],
  ['064', 'Gia Lai'],
  ['066', 'Đắk Lắk'],
  ['067', 'Đắk Nông'],
  ['068', 'Lâm Đồng'],
  ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'],
  ['074', 'Bình Dương'],
  ['075', 'Đồng Nai'],
  ['077', 'Bà Rịa - Vũng Tàu'],
  ['079', 'Hồ Chí Minh'],
  ['080', 'Long An'],
  ['082', 'Tiền Giang'],
  ['083', 'Bến Tre'],
  ['084', 'Trà Vinh'],
  ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'],
  ['089', 'An Giang'],
  ['091', 'Kiên Giang'],
  ['092', 'Cần Thơ'],
  ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'],
  ['095', 'Bạc Liêu'],
  ['096', 'Cà Mau'],
]);

/**
 * The two-digit local codes that open a road vehicle plate, per the appendix of plate codes in
 * Circular 24/2023/TT-BCA on vehicle registration (80 is the code of central agencies; 13, 39,
 * 42, 44–46, 87, 91 and 96 are not assigned).
 */
export const plateProvinceCodes: ReadonlySet<string> = new Set([
  ...['11', '12'],
  ...range(14, 38),
  ...['40', '41', '43'],
  ...range(47, 86),
  ...['88', '89', '90', '92', '93', '94', '95', '97', '98', '99'],
]);

/**
 * Letters a plate series may use: the Latin alphabet without I, J, O, Q and W, which are not
 * issued because they read as digits or other letters (Circular 24/2023/TT-BCA).
 */
export const plateSeriesLetters = 'ABCDEFGHKLMNPRSTUVXYZ';

/**
 * Abbreviations of the kinds of administrative documents (appendix III of Decree 30/2020/NĐ-CP
 * on clerical work), and those of the papers the police issue under it (GXN, GCN, XNCT). In a
 * document number 'Số: 12/QĐ-CAT' the abbreviation follows the number; a letter (công văn)
 * has none and shows the agency's abbreviation there instead, which any unit may coin.
 */
export const documentKindAbbreviations: ReadonlySet<string> = new Set([
  'NQ',
  'QĐ',
  'CT',
  'QC',
  'QYĐ',
  'TC',
  'TB',
  'HD',
  'CTR',
  'PA',
  'ĐA',
  'DA',
  'BC',
  'BB',
  'TTR',
  'HĐ',
  'CĐ',
  'BGN',
  'BTT',
  'GUQ',
  'GM',
  'GGT',
  'GNP',
  'PG',
  'PC',
  'PB',
  'KH',
  'CV',
  'GXN',
  'GCN',
  'XNCT',
]);

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, index) => String(from + index));
}
