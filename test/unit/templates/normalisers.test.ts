import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseChassisNumber,
  normaliseCode,
  normaliseDate,
  normaliseEnterpriseCode,
  normaliseLicenseClass,
  normaliseName,
  normalisePersonalId,
  normalisePlate,
  normaliseText,
  normaliseVnd,
  type NormalisedValue,
} from '../../../functions/templates/core/normalisers.ts';

const clean = (value: string | number): NormalisedValue => ({ value, adjusted: false });
const adjusted = (value: string | number): NormalisedValue => ({ value, adjusted: true });

describe('normaliseDate', () => {
  test('reads the ways Vietnamese forms print a date, day first', () => {
    assert.deepEqual(normaliseDate('ngày 02 tháng 6 năm 2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('Sóc Trăng, ngày 2 tháng 06 năm 2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('NGÀY 15 THÁNG 3 NĂM 2024'), clean('2024-03-15'));
    assert.deepEqual(normaliseDate('ngay 15 thang 3 nam 2024'), clean('2024-03-15'));
    assert.deepEqual(normaliseDate('ngày02tháng6năm2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('02/06/2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('2-6-2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('02.06.2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('02 / 06 / 2022'), clean('2022-06-02'));
    assert.deepEqual(normaliseDate('Ngày sinh: 15/03/1990 Giới tính: Nữ'), clean('1990-03-15'));
  });

  test('reads O, o, l and I as digits in a date, and says it did', () => {
    assert.deepEqual(normaliseDate('O2/O6/2O22'), adjusted('2022-06-02'));
    assert.deepEqual(normaliseDate('ngày O2 tháng 6 năm 2O22'), adjusted('2022-06-02'));
    assert.deepEqual(normaliseDate('l5/03/199O'), adjusted('1990-03-15'));
  });

  test('takes the first date of the text', () => {
    assert.deepEqual(normaliseDate('từ 01/06/2022 đến ngày 31 tháng 12 năm 2022'), clean('2022-06-01'));
    assert.deepEqual(normaliseDate('ngày 31 tháng 12 năm 2022, sửa 01/06/2023'), clean('2022-12-31'));
  });

  test('refuses impossible dates, two-digit years and text without a date', () => {
    assert.equal(normaliseDate('31/02/2022'), null);
    assert.equal(normaliseDate('29/02/2023'), null);
    assert.deepEqual(normaliseDate('29/02/2024'), clean('2024-02-29'));
    assert.equal(normaliseDate('00/06/2022'), null);
    assert.equal(normaliseDate('15/13/2022'), null);
    assert.equal(normaliseDate('ngày 32 tháng 1 năm 2022'), null);
    assert.equal(normaliseDate('02/06/22'), null);
    assert.equal(normaliseDate('15/03/1850'), null);
    assert.equal(normaliseDate('Không thời hạn'), null);
    assert.equal(normaliseDate('OO/OO/OOOO'), null);
    assert.equal(normaliseDate('123/06/2022'), null);
    assert.equal(normaliseDate(''), null);
  });
});

describe('normaliseVnd', () => {
  test('reads amounts as printed, into integer VND', () => {
    assert.deepEqual(normaliseVnd('1.500.000 đồng'), clean(1_500_000));
    assert.deepEqual(normaliseVnd('1,500,000 VNĐ'), clean(1_500_000));
    assert.deepEqual(normaliseVnd('1.500.000đ'), clean(1_500_000));
    assert.deepEqual(normaliseVnd('1 500 000 đồng'), clean(1_500_000));
    assert.deepEqual(normaliseVnd('1500000 dong'), clean(1_500_000));
    assert.deepEqual(normaliseVnd('750.000'), clean(750_000));
    assert.deepEqual(normaliseVnd('40.000.000 đồng (Bằng chữ: Bốn mươi triệu đồng)'), clean(40_000_000));
  });

  test('reads O and l as digits inside an amount', () => {
    assert.deepEqual(normaliseVnd('1.5OO.OOO đồng'), adjusted(1_500_000));
    assert.deepEqual(normaliseVnd('2.l00.000 đồng'), adjusted(2_100_000));
  });

  test('refuses what is not an amount of VND', () => {
    assert.equal(normaliseVnd('Điều 5'), null);
    assert.equal(normaliseVnd('theo quy định'), null);
    assert.equal(normaliseVnd('1,5 triệu đồng'), null);
    assert.equal(normaliseVnd('1.500,000 đồng'), null);
    assert.equal(normaliseVnd('1500.000 đồng'), null);
    assert.equal(normaliseVnd('0 đồng'), null);
    assert.equal(normaliseVnd('99999999999999999 đồng'), null);
  });
});

describe('normaliseName', () => {
  test('upper-cases the Vietnamese way, keeps diacritics, NFC, single spaces', () => {
    assert.deepEqual(normaliseName('Nguyễn  Thị   Hương'), clean('NGUYỄN THỊ HƯƠNG'));
    assert.deepEqual(normaliseName('đỗ văn đức'), clean('ĐỖ VĂN ĐỨC'));
    const decomposed = 'Nguyễn Thị Hương'.normalize('NFD');
    const name = normaliseName(decomposed)?.value;
    assert.equal(name, 'NGUYỄN THỊ HƯƠNG');
    assert.equal(name, (name as string).normalize('NFC'));
    assert.deepEqual(normaliseName(': TRẦN VĂN BÌNH.'), clean('TRẦN VĂN BÌNH'));
    assert.deepEqual(normaliseName("H'Hen Niê"), clean("H'HEN NIÊ"));
  });

  test('refuses a name holding digits or symbols, and an empty one', () => {
    assert.equal(normaliseName('NGUY3N VĂN AN'), null);
    assert.equal(normaliseName('TRẦN @ BÌNH'), null);
    assert.equal(normaliseName('  '), null);
    assert.equal(normaliseName('A'), null);
  });

  test('repairs a family name OCR read with a mark too few, when only one family name fits', () => {
    assert.deepEqual(normaliseName('NGUYÊN VĂN HUY'), adjusted('NGUYỄN VĂN HUY'));
    assert.deepEqual(normaliseName('ĐỎ THỊ HẰNG'), adjusted('ĐỖ THỊ HẰNG'));
    assert.deepEqual(normaliseName('DỖ MINH KHOA'), adjusted('ĐỖ MINH KHOA'));
    // Family names left alone: a real one, one typed without any marks, and one two family names fold to.
    assert.deepEqual(normaliseName('GIÀNG A PHỬ'), clean('GIÀNG A PHỬ'));
    assert.deepEqual(normaliseName('NGUYEN VAN AN'), clean('NGUYEN VAN AN'));
    assert.deepEqual(normaliseName('ĐOĂN VĂN AN'), clean('ĐOĂN VĂN AN'));
    // Only the first word is a family name.
    assert.deepEqual(normaliseName('TRẦN ĐỎ'), clean('TRẦN ĐỎ'));
  });

  test('puts back the space OCR lost after THỊ or VĂN', () => {
    assert.deepEqual(normaliseName('PHẠM THỊNGA'), adjusted('PHẠM THỊ NGA'));
    assert.deepEqual(normaliseName('LÊ VĂNANH'), adjusted('LÊ VĂN ANH'));
    // THỊNH is a name of its own.
    assert.deepEqual(normaliseName('LÊ THỊNH'), clean('LÊ THỊNH'));
  });
});

describe('normalisePlate', () => {
  test('writes plates in the canonical form', () => {
    assert.deepEqual(normalisePlate('51F-123.45'), clean('51F-123.45'));
    assert.deepEqual(normalisePlate('51F-12345'), clean('51F-123.45'));
    assert.deepEqual(normalisePlate('51F 12345'), clean('51F-123.45'));
    assert.deepEqual(normalisePlate('51f-123.45'), clean('51F-123.45'));
    assert.deepEqual(normalisePlate('30A-1234'), clean('30A-1234'));
    assert.deepEqual(normalisePlate('51LD-123.45'), clean('51LD-123.45'));
    assert.deepEqual(normalisePlate('59-X1 123.45'), clean('59X1-123.45'));
    assert.deepEqual(normalisePlate('59X1-1234'), clean('59X1-1234'));
    assert.deepEqual(normalisePlate('59X1 12345'), clean('59X1-123.45'));
  });

  test('splits a plate without separator by the count of its digits', () => {
    // Five digits after the letters: a five-digit serial, though '51F1-2345' was possible.
    assert.deepEqual(normalisePlate('51F12345'), adjusted('51F-123.45'));
    assert.deepEqual(normalisePlate('30A1234'), clean('30A-1234'));
    assert.deepEqual(normalisePlate('59X112345'), clean('59X1-123.45'));
  });

  test('reads O and I as digits in the province code', () => {
    assert.deepEqual(normalisePlate('5IF-123.45'), adjusted('51F-123.45'));
    assert.deepEqual(normalisePlate('3OA-1234'), adjusted('30A-1234'));
  });

  test('keeps look-alikes where a letter or a digit belongs for the plate validator to judge', () => {
    assert.deepEqual(normalisePlate('518-123.45'), clean('518-123.45'));
    assert.deepEqual(normalisePlate('5S-B 12G.45'), clean('5SB-12G.45'));
  });

  test('refuses ambiguous and malformed plates instead of guessing', () => {
    assert.equal(normalisePlate('51F-1234.5'), null, 'a dot out of place');
    assert.equal(normalisePlate('51F-123.4'), null, 'a digit short');
    assert.equal(normalisePlate('51F-123456'), null, 'too many digits after a separator');
    assert.equal(normalisePlate('5F-123.45'), null, 'one-digit province');
    assert.equal(normalisePlate('51-123.45'), null, 'no series');
    assert.equal(normalisePlate('51ABC-123.45'), null, 'three-letter series');
    assert.equal(normalisePlate('HONDA'), null);
  });
});

describe('normalisePersonalId', () => {
  test('keeps the twelve digits of a valid personal ID', () => {
    assert.deepEqual(normalisePersonalId('079203001234'), clean('079203001234'));
    assert.deepEqual(normalisePersonalId('079 203 001 234'), clean('079203001234'));
    assert.deepEqual(normalisePersonalId('Số: 001190012345; ngày cấp 01/01/2021'), clean('001190012345'));
  });

  test('reads look-alike letters as digits only when the result is valid', () => {
    assert.deepEqual(normalisePersonalId('O79203OOl234'), adjusted('079203001234'));
    assert.deepEqual(normalisePersonalId('OOl190012345'), adjusted('001190012345'));
    // 'O99…' would be 099, which is no province: refused rather than repaired into nonsense.
    assert.equal(normalisePersonalId('O99203001234'), null);
  });

  test('refuses numbers that are not personal IDs', () => {
    assert.equal(normalisePersonalId('999203001234'), null, 'no such province');
    assert.equal(normalisePersonalId('07920300123'), null, 'eleven digits');
    assert.equal(normalisePersonalId('0792030012345'), null, 'thirteen digits');
    assert.equal(normalisePersonalId('079203-001234'), null);
    assert.equal(normalisePersonalId(''), null);
  });
});

describe('normaliseEnterpriseCode', () => {
  test('keeps a 10-digit code or a branch code', () => {
    assert.deepEqual(normaliseEnterpriseCode('0312345678'), clean('0312345678'));
    assert.deepEqual(normaliseEnterpriseCode('0312345678-001'), clean('0312345678-001'));
    assert.deepEqual(normaliseEnterpriseCode('37OO123456'), adjusted('3700123456'));
  });

  test('refuses other lengths', () => {
    assert.equal(normaliseEnterpriseCode('031234567'), null);
    assert.equal(normaliseEnterpriseCode('03123456789'), null);
    assert.equal(normaliseEnterpriseCode('0312345678-01'), null);
  });
});

describe('normaliseLicenseClass', () => {
  test('keeps the classes of either traffic law, in the order printed', () => {
    assert.deepEqual(normaliseLicenseClass('B2'), clean('B2'));
    assert.deepEqual(normaliseLicenseClass(' a1 '), clean('A1'));
    assert.deepEqual(normaliseLicenseClass('C1E'), clean('C1E'));
    assert.deepEqual(normaliseLicenseClass('A1, B2'), clean('A1, B2'));
    assert.deepEqual(normaliseLicenseClass('FC'), clean('FC'));
  });

  test('reads l and I after the letter as 1', () => {
    assert.deepEqual(normaliseLicenseClass('Bl'), adjusted('B1'));
    assert.deepEqual(normaliseLicenseClass('AI'), adjusted('A1'));
  });

  test('refuses what is no class', () => {
    assert.equal(normaliseLicenseClass('B3'), null);
    assert.equal(normaliseLicenseClass('A1, Z'), null);
    assert.equal(normaliseLicenseClass('Hạng'), null);
    assert.equal(normaliseLicenseClass(''), null);
  });
});

describe('normaliseCode and normaliseText', () => {
  test('a code is upper case without spaces, and holds a digit', () => {
    assert.deepEqual(normaliseCode('633/CAT-PV01'), clean('633/CAT-PV01'));
    assert.deepEqual(normaliseCode('123/qđ-xpvphc'), clean('123/QĐ-XPVPHC'));
    assert.deepEqual(normaliseCode('JF83E 1234567.'), clean('JF83E1234567'));
    assert.equal(normaliseCode('HONDA'), null);
    assert.equal(normaliseCode('12 phố Hàng Bạc, Hà Nội'), null);
    assert.equal(normaliseCode('x'.repeat(64) + '1'), null);
  });

  test('a chassis number reads I, O and Q, which VINs never hold, as 1, 0 and 0', () => {
    assert.deepEqual(normaliseChassisNumber('RLHJF83I2KYO23456'), adjusted('RLHJF8312KY023456'));
    assert.deepEqual(normaliseChassisNumber('RLHJF8312KY123456'), clean('RLHJF8312KY123456'));
    assert.equal(normaliseChassisNumber('HONDA'), null);
  });

  test('text is NFC, single-spaced and trimmed of stray separators', () => {
    assert.deepEqual(normaliseText(' :  Số 12  phố Hàng Bạc, '), clean('Số 12 phố Hàng Bạc'));
    assert.deepEqual(normaliseText('Cổng dịch vụ công'.normalize('NFD')), clean('Cổng dịch vụ công'));
    assert.equal(normaliseText(' ; '), null);
    assert.equal(normaliseText('a'.repeat(501)), null);
  });
});

describe('what Tesseract makes of real pages (bench:ocr findings)', () => {
  test('the gap before the next label, read as "_", is not part of the value', () => {
    assert.deepEqual(normaliseText('HONDA_'), { value: 'HONDA', adjusted: false });
    assert.deepEqual(normaliseLicenseClass('D_'), { value: 'D', adjusted: false });
  });

  test('a Đ read as Đ plus an eth (U+00D0) is one Đ again, and flagged as repaired', () => {
    assert.deepEqual(normaliseCode('139/QĐ\u00D0-XPHC'), { value: '139/QĐ-XPHC', adjusted: true });
    assert.deepEqual(normaliseCode('45/Q\u00D0-XPHC'), { value: '45/QĐ-XPHC', adjusted: true });
    assert.deepEqual(normaliseCode('45/QĐ-XPHC'), { value: '45/QĐ-XPHC', adjusted: false });
  });
});
