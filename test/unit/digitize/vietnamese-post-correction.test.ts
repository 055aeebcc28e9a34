import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  correctStackedMarks,
  stackedMarkVariants,
} from '../../../functions/digitize/core/vietnamese-post-correction.ts';
import type { OcrPage } from '../../../functions/digitize/core/ocr-engine.ts';
import { adjustedFactor } from '../../../functions/templates/core/extract.ts';
import { normaliseName } from '../../../functions/templates/core/normalisers.ts';
import { ocrPage, type LineSpec } from '../templates/ocr-page-fixture.ts';

const corrected = (...texts: string[]) =>
  correctStackedMarks(ocrPage(texts.map((text, i): LineSpec => ({ x: 100, y: 100 + i * 50, text }))));
const lineTexts = (page: OcrPage) => page.lines.map((line) => line.text);

describe('stacked-mark variants of a word as read', () => {
  test('a hatted capital without a tone could have lost it; a hook or tilde could be a hat and tone merged', () => {
    assert.deepEqual(stackedMarkVariants('NGUYÊN'), ['NGUYỀN', 'NGUYẾN', 'NGUYỂN', 'NGUYỄN']);
    assert.deepEqual(stackedMarkVariants('ĐỎ'), ['ĐỔ', 'ĐỖ', 'ĐỞ', 'ĐỠ']);
    assert.ok(stackedMarkVariants('TRƯƠNG').includes('TRƯỜNG'));
  });

  test('a word with a tone already, without a hat, or in lower case has none', () => {
    for (const word of ['NGUYỄN', 'HIẾN', 'VĂN'.toLowerCase(), 'AN', 'ĐỊNH', 'Nguyên', 'A']) {
      assert.deepEqual(stackedMarkVariants(word), [], word);
    }
  });
});

describe('stacked-mark post-correction of a page as read', () => {
  test('a family name opening a capitalised name is put back in the line, the word (same box) and the text', () => {
    const read = ocrPage([{ x: 100, y: 100, text: 'Họ và tên: NGUYÊN VĂN AN' }]);
    const page = correctStackedMarks(read);
    assert.deepEqual(lineTexts(page), ['Họ và tên: NGUYỄN VĂN AN']);
    assert.equal(page.text, 'Họ và tên: NGUYỄN VĂN AN');
    const index = read.words.findIndex((word) => word.text === 'NGUYÊN');
    assert.equal(page.words[index]?.text, 'NGUYỄN');
    assert.deepEqual(page.words[index]?.box, read.words[index]?.box);
    // As uncertain as a value a normaliser repaired (extract's adjustedFactor): no filing on a reading it did not have.
    assert.equal(page.words[index]?.confidence, (read.words[index]?.confidence ?? 0) * adjustedFactor);
    assert.ok(page.confidence < read.confidence);
    assert.deepEqual(
      page.words.filter((_, at) => at !== index),
      read.words.filter((_, at) => at !== index),
    );
    assert.deepEqual(page.lines[0]?.box, read.lines[0]?.box);
  });

  test('ĐỎ for ĐỖ, and each of two names on a line split by a comma', () => {
    assert.deepEqual(lineTexts(corrected('ĐỎ THỊ MAI', 'Đồng phạm: TRẦN VĂN BÌNH, NGUYÊN THỊ LAN.')), [
      'ĐỖ THỊ MAI',
      'Đồng phạm: TRẦN VĂN BÌNH, NGUYỄN THỊ LAN.',
    ]);
  });

  test('two names side by side in a signature block, far apart on one line', () => {
    const read = ocrPage([
      { x: 100, y: 100, text: 'NGUYÊN THỊ HƯƠNG' },
      { x: 700, y: 100, text: 'ĐẶNG VĂN ĐỨC' },
    ]);
    // Tesseract returns them as one line: the wide gap between the words still ends the first name.
    const line = {
      text: 'NGUYÊN THỊ HƯƠNG ĐẶNG VĂN ĐỨC',
      confidence: 0.96,
      box: { x0: 100, y0: 100, x1: 832, y1: 130 },
    };
    const page = correctStackedMarks({ ...read, lines: [line], text: line.text });
    assert.equal(page.text, 'NGUYỄN THỊ HƯƠNG ĐẶNG VĂN ĐỨC');
    assert.equal(page.words[0]?.text, 'NGUYỄN');
  });

  test('a word outside a family name place stays: a given name, a word in a sentence, a lone word', () => {
    const texts = ['TRẦN NGUYÊN KHÔI', 'Họ và tên: LÊ VĂN HIẾN', 'Màu sơn: ĐỎ', 'TÀI NGUYÊN', 'TRƯƠNG VĂN AN'];
    assert.deepEqual(lineTexts(corrected(...texts)), texts);
  });

  test('a capitalised heading that is no name stays as read, even when misread (no syllable list)', () => {
    const texts = ['QUYÊT ĐỊNH', 'TIÊP NHẬN HỒ SƠ'];
    assert.deepEqual(lineTexts(corrected(...texts)), texts);
  });

  test('a name too long to be a personal name, lower case and mixed-case words stay', () => {
    const texts = ['NGUYÊN TẮC CHUNG VỀ XỬ LÝ VI PHẠM', 'nguyên văn an', 'Nguyên Văn An'];
    assert.deepEqual(lineTexts(corrected(...texts)), texts);
  });

  test('a page without anything to correct, and a text layer, come back as they were', () => {
    const clean = ocrPage([{ x: 100, y: 100, text: 'Họ và tên: NGUYỄN VĂN AN' }]);
    assert.equal(correctStackedMarks(clean), clean);
    const layer: OcrPage = { ...ocrPage([{ x: 100, y: 100, text: 'Họ và tên: NGUYÊN VĂN AN' }]), source: 'text-layer' };
    assert.equal(correctStackedMarks(layer), layer);
  });

  test('the name field repair is the same rule: it agrees with the text on every name the text corrects', () => {
    for (const read of ['NGUYÊN VĂN AN', 'ĐỎ THỊ MAI', 'TRÂN VĂN BÌNH']) {
      assert.equal(normaliseName(read)?.value, corrected(read).text, read);
    }
  });
});
