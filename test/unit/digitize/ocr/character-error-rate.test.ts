import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { characterErrorRate, missingWords } from '../../../fixtures/ocr/character-error-rate.ts';

describe('characterErrorRate', () => {
  test('counts a lost tone mark as one substitution', () => {
    assert.equal(characterErrorRate('NGUYỄN', 'NGUYÊN'), 1 / 6);
  });

  test('compares composed and decomposed text alike, and ignores layout whitespace', () => {
    assert.equal(characterErrorRate('Giới tính:    Nữ\nHà Nội', 'Giới tính: Nữ Hà Nội'.normalize('NFD')), 0);
  });

  test('counts insertions and deletions', () => {
    assert.equal(characterErrorRate('ĐẶNG', 'ĐẶNGG'), 1 / 4);
    assert.equal(characterErrorRate('ĐẶNG', 'ĐNG'), 1 / 4);
    assert.equal(characterErrorRate('', 'x'), 1);
  });
});

describe('missingWords', () => {
  test('finds whole words only, clause punctuation aside', () => {
    assert.deepEqual(
      missingWords('Họ tên: TRẦN THỊ THỦY, biển 30A-123.45.', ['TRẦN', 'THỦY', '30A-123.45', 'THỊ']),
      [],
    );
    assert.deepEqual(missingWords('NGUYÊN THỊ', ['NGUYỄN', 'THỊ', 'TH']), ['NGUYỄN', 'TH']);
  });
});
