/**
 * Code lists of Vietnamese documents that field validation checks values against, each with
 * its source. They change only when the State redraws provinces or amends a circular, so they
 * are data here, kept in this one place (the personal ID's province codes are with the ID's
 * pattern, in platform/core/principal.ts).
 */

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
