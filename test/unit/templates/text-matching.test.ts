import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { findPhrase, toleratedErrors } from '../../../functions/templates/core/approximate-match.ts';
import { foldForSearch, foldWithOffsets, originalRange } from '../../../functions/templates/core/text-folding.ts';

describe('foldForSearch', () => {
  test('folds case, diacritics and đ, and collapses whitespace', () => {
    assert.equal(foldForSearch('NGUYỄN THỊ HƯƠNG'), 'nguyen thi huong');
    assert.equal(foldForSearch('nguyen thi huong'), foldForSearch('Nguyễn Thị Hương'));
    assert.equal(foldForSearch('Đường Điện Biên Phủ'), 'duong dien bien phu');
    assert.equal(foldForSearch('  Cổng\tdịch \n vụ  công  '), 'cong dich vu cong');
    assert.equal(foldForSearch('Giấy phép lái xe'.normalize('NFD')), 'giay phep lai xe');
    assert.equal(foldForSearch('ÐỖ'), 'do', 'the eth OCR returns for Đ');
  });

  test('keeps punctuation and digits', () => {
    assert.equal(foldForSearch('Số: 633/CAT-PV01'), 'so: 633/cat-pv01');
  });
});

describe('foldWithOffsets', () => {
  test('maps a folded range back to the original text with its diacritics', () => {
    const original = 'Họ tên/Full name:  TRẦN VĂN BÌNH';
    const folded = foldWithOffsets(original, 'words');
    assert.equal(folded.text, 'ho ten full name tran van binh');
    const start = folded.text.indexOf('tran');
    const range = originalRange(folded, start, folded.text.length);
    assert.equal(original.slice(range.start, range.end), 'TRẦN VĂN BÌNH');
  });

  test('in characters mode keeps punctuation and collapses only whitespace', () => {
    const original = 'Sóc Trăng,  ngày 02';
    const folded = foldWithOffsets(original, 'characters');
    assert.equal(folded.text, 'soc trang, ngay 02');
    const range = originalRange(folded, 11, 15);
    assert.equal(original.slice(range.start, range.end), 'ngày');
  });

  test('maps decomposed input character by character', () => {
    const original = 'Hương'.normalize('NFD');
    const folded = foldWithOffsets(original, 'words');
    assert.equal(folded.text, 'huong');
    assert.equal(folded.starts.length, folded.text.length);
    const range = originalRange(folded, 0, 5);
    assert.equal(original.slice(range.start, range.end), original);
  });
});

describe('findPhrase', () => {
  test('short phrases match exactly and on word boundaries only', () => {
    assert.equal(toleratedErrors('so may'.length), 0);
    assert.deepEqual(findPhrase('so may jf83e', 'so may'), [{ start: 0, end: 6, errors: 0 }]);
    assert.deepEqual(findPhrase('so nay jf83e', 'so may'), []);
    assert.deepEqual(findPhrase('giso may', 'so may'), []);
    assert.deepEqual(findPhrase('so mayo', 'so may'), []);
    assert.deepEqual(findPhrase('v v trien khai', 'v v'), [{ start: 0, end: 3, errors: 0 }]);
  });

  test('long phrases tolerate a few misread characters', () => {
    assert.equal(toleratedErrors('so dinh danh ca nhan'.length), 2);
    assert.deepEqual(findPhrase('4 so djnh danh ca nhan 001190012345', 'so dinh danh ca nhan'), [
      { start: 2, end: 22, errors: 1 },
    ]);
    // A dropped space is an edit too.
    assert.deepEqual(findPhrase('sodinh danh ca nhan', 'so dinh danh ca nhan'), [{ start: 0, end: 19, errors: 1 }]);
    assert.deepEqual(findPhrase('so dlnh dnh ca nhan', 'so dinh danh ca nhan'), [{ start: 0, end: 19, errors: 2 }]);
    assert.deepEqual(findPhrase('so dlnh dnh ca nhn', 'so dinh danh ca nhan'), []);
  });

  test('a near phrase that ends inside another word does not match', () => {
    // 'chung nhan dang ky xe' is two edits from 'chung nhan dang ky do', but that ends mid-word.
    assert.deepEqual(findPhrase('giay chung nhan dang ky doanh nghiep', 'chung nhan dang ky xe'), []);
  });

  test('finds every occurrence, in order', () => {
    const matches = findPhrase('noi nhan a noi nhan b', 'noi nhan');
    assert.deepEqual(
      matches.map((match) => match.start),
      [0, 11],
    );
  });
});
