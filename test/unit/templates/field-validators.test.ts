import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  amountsInWords,
  crossCheck,
  validateAmount,
  validateDate,
  validateDocumentNumber,
  validateEnterpriseCode,
  validateLicenceClass,
  validateName,
  validatePersonalId,
  validatePlate,
  vietnamDate,
  type CheckedField,
} from '../../../functions/templates/core/field-validators.ts';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import { ocrPage } from './ocr-page-fixture.ts';

const noWords = { amountsInWords: [] };

describe('validateDate', () => {
  test('a calendar date in the plausible range is valid', () => {
    assert.deepEqual(validateDate('2024-02-29'), { outcome: 'valid', value: '2024-02-29' });
  });

  test('an impossible or implausible date is invalid, and kept', () => {
    assert.equal(validateDate('2023-02-29').outcome, 'invalid');
    assert.deepEqual(validateDate('1850-01-01'), {
      outcome: 'invalid',
      value: '1850-01-01',
      reason: 'the year 1850 is implausible',
    });
    assert.equal(validateDate(15).outcome, 'invalid');
  });
});

describe('validatePersonalId', () => {
  test('a province code and a century digit of the living is valid', () => {
    // 079: Hồ Chí Minh; 3: a woman born 2000–2099; 02: 2002.
    assert.equal(validatePersonalId('079302001234').outcome, 'valid');
    assert.equal(validatePersonalId('001086004512').outcome, 'valid');
  });

  test('an unknown province code or a century after 2099 is invalid', () => {
    assert.deepEqual(validatePersonalId('003086004512'), {
      outcome: 'invalid',
      value: '003086004512',
      reason: '003 is not a province code',
    });
    assert.equal(validatePersonalId('001586004512').outcome, 'invalid');
    assert.equal(validatePersonalId('00108600451').outcome, 'invalid');
  });
});

describe('validateEnterpriseCode', () => {
  test('ten digits, or ten and a branch number, are valid', () => {
    assert.equal(validateEnterpriseCode('0312345678').outcome, 'valid');
    assert.equal(validateEnterpriseCode('0312345678-001').outcome, 'valid');
  });

  test('branch 000 and other shapes are invalid', () => {
    assert.equal(validateEnterpriseCode('0312345678-000').outcome, 'invalid');
    assert.equal(validateEnterpriseCode('031234567').outcome, 'invalid');
  });
});

describe('validatePlate', () => {
  test('plates of every layout with an issued province code are valid', () => {
    for (const plate of ['51F-123.45', '30LD-012.34', '59X1-123.45', '29A-1234', '80B-123.45']) {
      assert.deepEqual(validatePlate(plate), { outcome: 'valid', value: plate }, plate);
    }
  });

  test('look-alikes are repaired where the position takes only a letter or only a digit', () => {
    assert.deepEqual(validatePlate('518-123.45'), {
      outcome: 'repaired',
      value: '51B-123.45',
      reason: 'read 518-123.45; the positions of a plate say 51B-123.45',
    });
    assert.equal(validatePlate('5SG-12B.4O').value, '55G-128.40');
    assert.equal(validatePlate('3O6-1234').value, '30G-1234');
  });

  test('a plate with no single reading, or an unissued province code, is invalid and kept', () => {
    // 0 and 1 would be O and I, which no series uses.
    assert.deepEqual(validatePlate('510-123.45'), {
      outcome: 'invalid',
      value: '510-123.45',
      reason: '0 cannot begin a plate series',
    });
    assert.equal(validatePlate('13A-123.45').reason, '13 is not a plate province code');
    assert.equal(validatePlate('51FQ-123.45').outcome, 'invalid');
  });
});

describe('validateDocumentNumber', () => {
  const today = { today: '2026-12-03' };

  test('numbers of known document kinds, and letters under the agency abbreviation, are valid', () => {
    for (const number of ['633/QĐ-CAT', '12/2021/TT-BCA', '48/GXN-CAX', '1716/PC06-ĐKQL', '8299/XNCT']) {
      assert.equal(validateDocumentNumber(number, today).outcome, 'valid', number);
    }
  });

  test('a kind one confusion away from exactly one known kind is repaired', () => {
    assert.deepEqual(validateDocumentNumber('408/QD-XPVPHC', today), {
      outcome: 'repaired',
      value: '408/QĐ-XPVPHC',
      reason: 'QD is the document kind QĐ misread',
    });
    assert.equal(validateDocumentNumber('12/GCM-PC06', today).outcome, 'valid', 'two letters off is an agency');
  });

  test('other shapes, number 0 and a year to come are invalid', () => {
    assert.equal(validateDocumentNumber('QĐ-633', today).outcome, 'invalid');
    assert.equal(validateDocumentNumber('0/QĐ-CAT', today).outcome, 'invalid');
    assert.equal(validateDocumentNumber('12/2031/TT-BCA', today).reason, 'the year 2031 is implausible');
  });
});

describe('validateName', () => {
  test('a Vietnamese name of 2 to 7 syllables is valid', () => {
    assert.equal(validateName('NGUYỄN THỊ MINH KHAI').outcome, 'valid');
    assert.equal(validateName('LÒ VĂN PÁO').outcome, 'valid');
  });

  test("an organisation's name is not a person's: unchecked", () => {
    assert.equal(validateName('CÔNG TY TNHH THƯƠNG MẠI DỊCH VỤ HẢI ĐĂNG').outcome, 'unchecked');
    assert.equal(validateName('HỘ KINH DOANH TẠP HÓA MINH ANH').outcome, 'unchecked');
    assert.equal(validateName('TRƯƠNG CÔNG TY').outcome, 'valid', 'a person whose names are words of a company');
  });

  test('digits, one syllable, too many or an unknown family name are invalid', () => {
    assert.equal(validateName('NGUYỄN VĂN 8').outcome, 'invalid');
    assert.equal(validateName('NGUYỄN').outcome, 'invalid');
    assert.equal(validateName('TRẦN A B C D E F G').outcome, 'invalid');
    assert.deepEqual(validateName('CÓ TÊN SAU ĐÂY'), {
      outcome: 'invalid',
      value: 'CÓ TÊN SAU ĐÂY',
      reason: 'CÓ is not a known family name',
    });
  });
});

describe('validateLicenceClass', () => {
  test('classes of the 2008 and the 2024 laws are valid; others are not', () => {
    assert.equal(validateLicenceClass('A1, B2').outcome, 'valid');
    assert.equal(validateLicenceClass('C1E').outcome, 'valid');
    assert.deepEqual(validateLicenceClass('B3'), {
      outcome: 'invalid',
      value: 'B3',
      reason: 'B3 is not a licence class',
    });
  });
});

describe('validateAmount', () => {
  const page = (text: string) => ({ amountsInWords: amountsInWords(text) });

  test('digits that agree with the amount in words are valid, whatever the spelling', () => {
    const decision = 'Mức phạt: 25.700.000 đồng (Bằng chữ: Hai mươi lăm triệu bảy trăm nghìn\nđồng).';
    assert.equal(validateAmount(25_700_000, page(decision)).outcome, 'valid');
    assert.equal(validateAmount(1_005_000, page('(Bằng chữ: Một triệu lẻ năm ngàn đồng)')).outcome, 'valid');
    assert.equal(validateAmount(24_000_000, page('bằng chữ: hai mươi tư triệu đồng chẵn')).outcome, 'valid');
  });

  test('digits the words contradict are invalid', () => {
    const decision = 'Mức phạt: 26.700.000 đồng (Bằng chữ: Hai mươi lăm triệu bảy trăm nghìn đồng).';
    assert.deepEqual(validateAmount(26_700_000, page(decision)), {
      outcome: 'invalid',
      value: 26_700_000,
      reason: 'the amount in words on the page is not 26700000',
    });
  });

  test('without words, or with words OCR cut short that agree so far, the amount is unchecked', () => {
    assert.equal(validateAmount(25_700_000, noWords).outcome, 'unchecked');
    assert.equal(validateAmount(16_250_000, page('(Bằng chữ: Mười sáu tri\nnghìn đồng).')).outcome, 'unchecked');
    assert.equal(validateAmount(25_100_000, page('(Bằng chữ: Hai mươi\nđồng).')).outcome, 'unchecked');
  });
});

describe('crossCheck', () => {
  const field = (name: string, value: string): CheckedField => ({ name, value, validation: { outcome: 'valid' } });

  test('consistent dates and a birth year the ID agrees with pass', () => {
    const fields = [
      field('issueDate', '2024-03-15'),
      field('expiryDate', '2034-03-15'),
      field('dateOfBirth', '1986-10-01'),
      field('personalId', '094086732562'),
    ];
    assert.equal(crossCheck(fields, { today: '2026-12-03' }).size, 0);
  });

  test('each failed check marks the field it names invalid, with the reason', () => {
    const failures = crossCheck(
      [
        field('issueDate', '2027-01-05'),
        field('expiryDate', '2025-01-05'),
        field('dateOfBirth', '1987-10-01'),
        field('personalId', '094086732562'),
      ],
      { today: '2026-12-03' },
    );
    assert.deepEqual(Object.fromEntries(failures), {
      issueDate: { outcome: 'invalid', reason: 'issued 2027-01-05, after today' },
      expiryDate: { outcome: 'invalid', reason: 'expired on 2025-01-05' },
      personalId: { outcome: 'invalid', reason: "the ID's birth year 1986 is not the date of birth's 1987" },
    });
  });

  test('a date of birth after the issue date, or in the future, is invalid', () => {
    const failures = crossCheck([field('issueDate', '2020-01-01'), field('dateOfBirth', '2027-05-01')], {
      today: '2026-12-03',
    });
    assert.equal(failures.get('dateOfBirth')?.reason, 'born 2027-05-01, after today');
  });

  test('without today only the checks between fields run', () => {
    const fields = [field('issueDate', '2030-01-01'), field('expiryDate', '2031-01-01')];
    assert.equal(crossCheck(fields, {}).size, 0);
  });

  test("today is Vietnam's date", () => {
    assert.equal(vietnamDate(new Date('2026-12-03T18:00:00Z')), '2026-12-04');
  });
});

describe('extraction marks each field with its validation', () => {
  const template = (key: string) => {
    const found = builtinTemplates('2026-01-01T00:00:00.000Z').find((candidate) => candidate.key === key);
    assert.ok(found);
    return found;
  };
  const validations = (extraction: ReturnType<typeof extractFields>) =>
    Object.fromEntries(extraction.details.map((detail) => [detail.name, detail.validation]));

  test('a residence confirmation: valid fields, and the ID against the date of birth', () => {
    const page = ocrPage([
      { y: 60, x: 100, text: 'CÔNG AN TỈNH SÓC TRĂNG' },
      { y: 200, x: 240, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
      { y: 250, x: 520, text: 'Số: 48/GXN-CAX' },
      { y: 320, x: 80, text: 'Họ, chữ đệm và tên: LÂM THỊ KIỀU' },
      { y: 370, x: 80, text: 'Ngày, tháng, năm sinh: 02/09/1989' },
      { y: 420, x: 80, text: 'Số định danh cá nhân: 094188004512' },
      { y: 470, x: 80, text: 'Nơi thường trú: Ấp Phước Thuận, xã An Ninh, tỉnh Sóc Trăng' },
      { y: 590, x: 80, text: 'Sóc Trăng, ngày 11 tháng 01 năm 2025' },
    ]);
    const extraction = extractFields(template('xac-nhan-cu-tru'), [page], { today: new Date('2026-12-03T00:00:00Z') });
    assert.deepEqual(validations(extraction), {
      number: { outcome: 'valid' },
      issueDate: { outcome: 'valid' },
      legacyId: { outcome: 'unchecked' },
      fullName: { outcome: 'valid' },
      dateOfBirth: { outcome: 'valid' },
      personalId: { outcome: 'invalid', reason: "the ID's birth year 1988 is not the date of birth's 1989" },
      permanentAddress: { outcome: 'unchecked' },
    });
    // The invalid value is kept for the reviewer.
    assert.equal(extraction.fields.personalId, '094188004512');
  });

  test('an invalid candidate gives way to a later valid one; a repaired value replaces the reading', () => {
    const page = ocrPage([
      { y: 150, x: 80, text: 'Số: 408/QD-XPVPHC' },
      { y: 200, x: 240, text: 'QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH' },
      { y: 250, x: 80, text: 'Xử phạt vi phạm hành chính đối với ông (bà) có tên sau đây:' },
      { y: 300, x: 80, text: '1. Họ và tên: TRẦN QUỐC KHOA' },
      { y: 350, x: 80, text: 'Mức phạt: 29.950.000 đồng (Bằng chữ: Hai mươi chín triệu chín trăm' },
      { y: 380, x: 80, text: 'năm mươi nghìn đồng).' },
    ]);
    const extraction = extractFields(template('quyet-dinh-xu-phat'), [page]);
    assert.equal(extraction.fields.violatorName, 'TRẦN QUỐC KHOA');
    assert.deepEqual(validations(extraction).violatorName, { outcome: 'valid' });
    assert.deepEqual(validations(extraction).fineAmount, { outcome: 'valid' });
    assert.equal(extraction.fields.number, '408/QĐ-XPVPHC');
    assert.deepEqual(validations(extraction).number, {
      outcome: 'repaired',
      reason: 'QD is the document kind QĐ misread',
    });
    const number = extraction.details.find((detail) => detail.name === 'number');
    assert.equal(number?.confidence, 0.96 * 0.9, 'a repaired value is less certain');
  });
});
