import { ReadingConfig, doReadNumber } from 'read-vietnamese-number';
import { personalIdProvinceCodes } from '../../platform/core/principal.ts';
import { isFamilyName, isLicenceClass, type FieldValue, type NormaliserName } from './normalisers.ts';
import { foldForSearch } from './text-folding.ts';
import { documentKindAbbreviations, plateProvinceCodes, plateSeriesLetters } from './vietnam-codes.ts';

/**
 * Field validation: evidence, beside recognition confidence, of whether a value was read right.
 * Each field type checks a normalised value against what the document's rules allow (a
 * personal ID's province code, a plate's letter and digit positions, an amount against the
 * same amount in words) and repairs it where those rules leave one reading. A value that fails
 * is kept, for the reviewer to see, with the reason.
 */

export type ValidationOutcome = 'valid' | 'repaired' | 'invalid' | 'unchecked';

/** What validation said of an extracted field; `reason` says why a value was repaired or refused. */
export interface FieldValidation {
  outcome: ValidationOutcome;
  reason?: string;
}

export interface ValidatedValue extends FieldValidation {
  /** The value, repaired when the outcome is `repaired`. */
  value: FieldValue;
}

/** What a value is checked against besides itself: the rest of the page, and the date. */
export interface ValidationContext {
  /** Each amount written in words on the page ('Bằng chữ: …'). */
  amountsInWords: AmountInWords[];
  /** Today in Vietnam, `YYYY-MM-DD`; without it nothing is checked against today. */
  today?: string;
}

type Validator = (value: FieldValue, context: ValidationContext) => ValidatedValue;

const valid = (value: FieldValue): ValidatedValue => ({ outcome: 'valid', value });
const invalid = (value: FieldValue, reason: string): ValidatedValue => ({ outcome: 'invalid', value, reason });
const repaired = (value: FieldValue, reason: string): ValidatedValue => ({ outcome: 'repaired', value, reason });
const unchecked = (value: FieldValue): ValidatedValue => ({ outcome: 'unchecked', value });

/** A calendar date as the date normaliser writes it. */
export function validateDate(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return invalid(value, 'not a date');
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return invalid(value, `${value} is not a calendar date`);
  }
  const year = date.getUTCFullYear();
  return year < 1900 || year > 2100 ? invalid(value, `the year ${year} is implausible`) : valid(value);
}

/**
 * A 12-digit personal ID: three digits of the province of birth registration, one digit of
 * century and sex (0/1 a man/woman born 1900–1999, 2/3 2000–2099, and so on by century), two
 * digits of the year of birth, six of a serial (Decree 137/2015/NĐ-CP, art. 7; Circular
 * 07/2016/TT-BCA). The birth year is checked against the page's date of birth by `crossCheck`.
 */
export function validatePersonalId(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) return invalid(value, 'a personal ID has 12 digits');
  const province = value.slice(0, 3);
  if (!personalIdProvinceCodes.has(province)) return invalid(value, `${province} is not a province code`);
  const century = Number(value[3]);
  // Nobody alive was born before 1900 or after 2099, the centuries of the digits 0 to 3.
  if (century > 3) return invalid(value, `the century digit ${century} means a birth after 2099`);
  return valid(value);
}

/**
 * The birth year a personal ID encodes, from its century digit and its two year digits.
 * Even digits are men, odd ones women; each pair is a century from 1900.
 */
function birthYearOf(personalId: string): number {
  const century = Math.floor(Number(personalId[3]) / 2);
  return 1900 + century * 100 + Number(personalId.slice(4, 6));
}

/** An enterprise (tax) code: 10 digits, or 10 digits, a dash and a branch's 3 digits (never 000). */
export function validateEnterpriseCode(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string') return invalid(value, 'not an enterprise code');
  const match = /^(\d{10})(?:-(\d{3}))?$/.exec(value);
  if (!match) return invalid(value, 'an enterprise code has 10 digits, or 10-3 for a branch');
  if (match[2] === '000') return invalid(value, 'a branch number starts at 001');
  return valid(value);
}

/** Characters OCR reads for one another, and the reading each has as a digit and as a letter. */
const asDigit: Record<string, string> = { O: '0', I: '1', L: '1', S: '5', G: '6', B: '8' };
// 0 and 1 have no letter reading: O and I are not issued in a series.
const asLetter: Record<string, string> = { '8': 'B', '6': 'G', '5': 'S' };

/**
 * A plate `NNL-NNN.NN`, `NNLL-NNN.NN`, `NNLN-NNN.NN` (motorbikes) or `NNL-NNNN` (older serials).
 * Where a position only takes a digit (the province code, the serial) a look-alike letter is
 * read as its digit, and where it only takes a letter (the first of the series) a look-alike
 * digit as its letter: 0/O, 1/I, 5/S, 6/G, 8/B. The second character of a series may be
 * either, so it is never changed. The province code must be one that is issued.
 */
export function validatePlate(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string') return invalid(value, 'not a plate');
  const match = /^([0-9A-Z]{2})([0-9A-Z])([A-Z0-9]?)-([0-9A-Z]{3}\.[0-9A-Z]{2}|[0-9A-Z]{4})$/.exec(value);
  if (!match) return invalid(value, 'a plate reads NNL-NNN.NN, NNLL-NNN.NN or NNL-NNNN');
  const [, province = '', first = '', second = '', serial = ''] = match;
  const fixedProvince = [...province].map((character) => asDigit[character] ?? character).join('');
  const fixedFirst = asLetter[first] ?? first;
  const fixedSerial = [...serial].map((character) => asDigit[character] ?? character).join('');
  const plate = `${fixedProvince}${fixedFirst}${second}-${fixedSerial}`;
  if (!/^\d{2}$/.test(fixedProvince) || !/^[\d.]+$/.test(fixedSerial)) {
    return invalid(value, 'the province code and the serial of a plate are digits');
  }
  if (!plateProvinceCodes.has(fixedProvince)) return invalid(value, `${fixedProvince} is not a plate province code`);
  if (!plateSeriesLetters.includes(fixedFirst)) return invalid(value, `${first} cannot begin a plate series`);
  if (second !== '' && /[A-Z]/.test(second) && !plateSeriesLetters.includes(second)) {
    return invalid(value, `${second} is not a plate series letter`);
  }
  return plate === value ? valid(value) : repaired(plate, `read ${value}; the positions of a plate say ${plate}`);
}

/** Letters OCR takes for one another in an abbreviation (Đ without its bar, O for a zero). */
const abbreviationConfusions: Record<string, string[]> = {
  D: ['Đ'],
  Đ: ['D'],
  '0': ['O', 'Đ', 'D'],
  O: ['Đ'],
  '1': ['I'],
  '8': ['B'],
  '6': ['G'],
  '5': ['S'],
};

/**
 * A document number as Decree 30/2020/NĐ-CP (appendix I) writes it: the number, an optional
 * year for legal documents, then one or two abbreviations, 'N/ABBR-UNIT' or 'N/YYYY/ABBR-UNIT'
 * ('633/QĐ-CAT', '12/2021/TT-BCA', '1716/PC06-ĐKQL'). When the first abbreviation is not a
 * known kind of document but one OCR confusion away from exactly one (QD for QĐ), it is
 * repaired; otherwise it is taken as the agency's own (a letter's number has no kind).
 */
export function validateDocumentNumber(value: FieldValue, { today }: Pick<ValidationContext, 'today'>): ValidatedValue {
  if (typeof value !== 'string') return invalid(value, 'not a document number');
  const match = /^(\d{1,7})(?:\/(\d{4}))?\/([\p{Lu}\d]{1,12})(?:-([\p{Lu}\d]{1,12}))?$/u.exec(value);
  if (!match) return invalid(value, 'a document number reads N/ABBR-UNIT or N/YYYY/ABBR-UNIT');
  const [, number = '', year, kind = '', unit] = match;
  if (Number(number) === 0) return invalid(value, 'a document number starts at 1');
  const lastYear = today ? Number(today.slice(0, 4)) : 2100;
  if (year !== undefined && (Number(year) < 1945 || Number(year) > lastYear)) {
    return invalid(value, `the year ${year} is implausible`);
  }
  if (documentKindAbbreviations.has(kind)) return valid(value);
  const kinds = new Set(
    [...kind].flatMap((character, index) =>
      (abbreviationConfusions[character] ?? [])
        .map((replacement) => kind.slice(0, index) + replacement + kind.slice(index + 1))
        .filter((variant) => documentKindAbbreviations.has(variant)),
    ),
  );
  if (kinds.size !== 1) return valid(value);
  const [known = kind] = kinds;
  const fixed = `${number}${year === undefined ? '' : `/${year}`}/${known}${unit === undefined ? '' : `-${unit}`}`;
  return repaired(fixed, `${kind} is the document kind ${known} misread`);
}

/**
 * Words that open the name of an organisation, which a name field may also hold (the sanction
 * decision names a violating organisation where it would name a person): a company, a
 * cooperative, a household business, a shop, a branch.
 */
const organisationName =
  /^(?:CONG TY|DOANH NGHIEP|HOP TAC XA|HO KINH DOANH|CUA HANG|CHI NHANH|TONG CONG TY|NGAN HANG|BENH VIEN)\b/;

/**
 * A person's name: no digits, 2 to 7 syllables, the first one a Vietnamese family name. An
 * organisation's name is not a person's, so it is left unchecked rather than found invalid
 * (which would let a person's name further down the page take its place).
 */
export function validateName(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string') return invalid(value, 'not a name');
  if (organisationName.test(foldForSearch(value).toUpperCase())) return unchecked(value);
  if (/\d/.test(value)) return invalid(value, 'a name has no digits');
  const syllables = value.split(' ');
  if (syllables.length < 2 || syllables.length > 7) return invalid(value, 'a name has 2 to 7 syllables');
  const family = syllables[0] ?? '';
  return isFamilyName(family) ? valid(value) : invalid(value, `${family} is not a known family name`);
}

/** One or more driving-licence classes, each of the 2008 or the 2024 law ('A1, B2'). */
export function validateLicenceClass(value: FieldValue): ValidatedValue {
  if (typeof value !== 'string') return invalid(value, 'not a licence class');
  const unknown = value.split(', ').filter((licenceClass) => !isLicenceClass(licenceClass));
  return unknown.length === 0 ? valid(value) : invalid(value, `${unknown.join(', ')} is not a licence class`);
}

/** How amounts are written in words: 'hai mươi lăm triệu bảy trăm nghìn'. */
const wordsConfig = new ReadingConfig();
wordsConfig.unit = [];

/** Number words of one meaning, folded: 'nghìn'/'ngàn', 'lẻ'/'linh', 'tư'/'bốn', 'lăm'/'năm'. */
const synonyms: Record<string, string> = { ngan: 'nghin', le: 'linh', tu: 'bon', lam: 'nam', ty: 'ti' };
const numberWords = new Set([
  ...['khong', 'mot', 'hai', 'ba', 'bon', 'nam', 'sau', 'bay', 'tam', 'chin'],
  ...['muoi', 'tram', 'nghin', 'trieu', 'ti', 'linh', 'chuc'],
]);
/** What ends an amount in words: its currency, 'chẵn' (even), or the closing bracket around it. */
const amountEnds = new Set(['dong', 'vnd', 'chan', ')']);

/** An amount in words as read: canonical number words, and whether OCR read it to its end. */
export interface AmountInWords {
  words: string;
  complete: boolean;
}

/**
 * Folded number words in one canonical spelling ('không trăm' before 'linh' is dropped, as
 * people often leave it out), up to the currency or bracket that ends them; a word that is
 * neither (OCR's garbling of a word) ends them too, as an incomplete reading.
 */
export function readAmountInWords(folded: string): AmountInWords {
  const words: string[] = [];
  let complete = false;
  for (const [token] of folded.matchAll(/[a-z]+|\)/g)) {
    const canonical = synonyms[token] ?? token;
    if (amountEnds.has(canonical)) {
      complete = words.length > 0;
      break;
    }
    if (!numberWords.has(canonical)) break;
    words.push(canonical);
  }
  return { words: words.join(' ').replace(/khong tram linh/g, 'linh'), complete };
}

/** Whether every word of `part`, in order, is among `whole`'s: what OCR kept of a longer reading. */
function isSubsequence(part: string[], whole: string[]): boolean {
  let next = 0;
  for (const word of whole) if (word === part[next]) next += 1;
  return next === part.length;
}

/**
 * An amount in VND against the amounts in words on the page. It is valid when one reads the
 * same to its end, and invalid when none could be the same with words OCR lost; when the page
 * has none, or only readings that lost words, it is unchecked.
 */
export function validateAmount(value: FieldValue, { amountsInWords }: ValidationContext): ValidatedValue {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) return invalid(value, 'not an amount');
  if (amountsInWords.length === 0) return unchecked(value);
  const words = readAmountInWords(foldForSearch(doReadNumber(String(value), wordsConfig))).words;
  if (amountsInWords.some((written) => written.complete && written.words === words)) return valid(value);
  return amountsInWords.some((written) => isSubsequence(written.words.split(' '), words.split(' ')))
    ? unchecked(value)
    : invalid(value, `the amount in words on the page is not ${value}`);
}

const validators: Partial<Record<NormaliserName, Validator>> = {
  date: validateDate,
  'personal-id': validatePersonalId,
  'enterprise-code': validateEnterpriseCode,
  plate: validatePlate,
  'document-number': validateDocumentNumber,
  name: validateName,
  'license-class': validateLicenceClass,
  vnd: validateAmount,
};

/** Checks one value by its field type; types without rules (free text, codes) are unchecked. */
export function validateValue(
  normaliser: NormaliserName,
  value: FieldValue,
  context: ValidationContext,
): ValidatedValue {
  return validators[normaliser]?.(value, context) ?? unchecked(value);
}

/** The amounts in words in a page's text: what follows each 'bằng chữ'. */
export function amountsInWords(text: string): AmountInWords[] {
  return [...foldForSearch(text).matchAll(/bang chu(.{0,200})/g)]
    .map((match) => readAmountInWords(match[1] ?? ''))
    .filter((amount) => amount.words.length > 0);
}

/** A field as `crossCheck` sees it. */
export interface CheckedField {
  name: string;
  value: FieldValue | null;
  validation: FieldValidation;
}

/** Vietnam's date (UTC+7) at an instant, as the date normaliser writes dates. */
export function vietnamDate(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Checks between fields, run once all are read, by the field names of the built-in types:
 * issueDate ≤ today ≤ expiryDate, dateOfBirth before issueDate and not in the future, and the
 * birth year in a personalId equal to dateOfBirth's. Without `today` only the checks between
 * fields run. A failed check marks the field it names invalid, keeping
 * the value; returns the validations that changed, by field name.
 */
export function crossCheck(
  fields: CheckedField[],
  { today }: Pick<ValidationContext, 'today'>,
): Map<string, FieldValidation> {
  const value = (name: string): string | undefined => {
    const field = fields.find((candidate) => candidate.name === name);
    return field && field.validation.outcome !== 'invalid' && typeof field.value === 'string' ? field.value : undefined;
  };
  const issued = value('issueDate');
  const expires = value('expiryDate');
  const born = value('dateOfBirth');
  const personalId = value('personalId');
  const failures = new Map<string, FieldValidation>();
  const fail = (name: string, reason: string) => {
    if (!failures.has(name)) failures.set(name, { outcome: 'invalid', reason });
  };
  if (issued && today && issued > today) fail('issueDate', `issued ${issued}, after today`);
  if (expires && today && expires < today) fail('expiryDate', `expired on ${expires}`);
  if (issued && expires && expires <= issued) fail('expiryDate', `expires ${expires}, not after issue ${issued}`);
  if (born && today && born > today) fail('dateOfBirth', `born ${born}, after today`);
  if (born && today && Number(born.slice(0, 4)) < Number(today.slice(0, 4)) - 120) {
    fail('dateOfBirth', `born ${born}, more than 120 years ago`);
  }
  if (born && issued && born >= issued) fail('dateOfBirth', `born ${born}, not before issue ${issued}`);
  if (personalId && born && birthYearOf(personalId) !== Number(born.slice(0, 4))) {
    fail('personalId', `the ID's birth year ${birthYearOf(personalId)} is not the date of birth's ${born.slice(0, 4)}`);
  }
  return failures;
}
