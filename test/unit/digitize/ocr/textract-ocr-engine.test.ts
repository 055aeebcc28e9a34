/**
 * No emulator implements Textract, so these tests answer with a RECORDED RESPONSE SHAPE of
 * DetectDocumentText (test/fixtures/ocr/textract-detect-document-text.json: the real API's
 * fields, block types, relationships and normalised geometry, as Textract returns them for
 * the driving-licence fixture, diacritics dropped as Textract drops them). It is not a live
 * call: what is tested is our mapping and page handling, not Textract.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, test } from 'node:test';
import {
  DetectDocumentTextCommand,
  TextractClient,
  ThrottlingException,
  UnsupportedDocumentException,
  type Block,
  type DetectDocumentTextResponse,
} from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { createTextractOcrEngine } from '../../../../functions/digitize/adapters/textract-ocr-engine.ts';
import { OcrInputError } from '../../../../functions/digitize/core/workflow-errors.ts';

const fixtures = new URL('../../../fixtures/', import.meta.url);
const read = (name: string) => readFile(new URL(name, fixtures));
const recorded = async (): Promise<DetectDocumentTextResponse> =>
  JSON.parse(
    await readFile(new URL('ocr/textract-detect-document-text.json', fixtures), 'utf8'),
  ) as DetectDocumentTextResponse;

const textract = mockClient(TextractClient);
const engine = createTextractOcrEngine({ textract: new TextractClient({ region: 'ap-southeast-1' }) });

/** The bytes of the document each DetectDocumentText call carried. */
function sentDocuments(): Uint8Array[] {
  return textract.commandCalls(DetectDocumentTextCommand).map((call) => {
    const bytes = call.args[0].input.Document?.Bytes;
    assert.ok(bytes, 'the page is sent inline');
    return bytes;
  });
}

describe('Textract OCR engine', () => {
  afterEach(() => {
    textract.reset();
  });

  test('maps LINE and WORD blocks to text, pixel boxes and 0..1 confidence', async () => {
    textract.on(DetectDocumentTextCommand).resolves(await recorded());
    const page = await engine.recognizePage({
      bytes: await read('ocr/driving-licence.jpg'),
      contentType: 'image/jpeg',
      pageNumber: 1,
    });

    assert.equal(
      page.text,
      "CONG HOA XA HOI CHU NGHIA VIET NAM\nGIAY PHEP LAI XE\nHo ten: TRAN THI THUY\nDRIVER'S LICENSE",
    );
    assert.deepEqual([page.width, page.height], [2100, 1079]);
    assert.equal(page.source, 'ocr');
    assert.equal(page.lines.length, 4);
    // The recorded line spans pixels 812..1288 × 441..503 of the 2100 × 1079 page.
    assert.deepEqual(page.lines[1]?.box, { x0: 812, y0: 441, x1: 1288, y1: 503 });
    assert.ok(Math.abs((page.lines[1]?.confidence ?? 0) - 0.987) < 1e-9);
    assert.equal(page.words.length, 19);
    const name = page.words.slice(14, 17);
    assert.deepEqual(
      name.map((word) => word.text),
      ['TRAN', 'THI', 'THUY'],
    );
    [0.9892, 0.9764, 0.9521].forEach((confidence, i) =>
      assert.ok(Math.abs((name[i]?.confidence ?? 0) - confidence) < 1e-9),
    );
    for (const word of page.words) {
      assert.ok(word.box.x0 >= 0 && word.box.x1 <= page.width && word.box.x0 < word.box.x1, word.text);
      assert.ok(word.box.y0 >= 0 && word.box.y1 <= page.height && word.box.y0 < word.box.y1, word.text);
    }
    const mean = page.words.reduce((sum, word) => sum + word.confidence, 0) / page.words.length;
    assert.ok(Math.abs(page.confidence - mean) < 1e-12 && page.confidence > 0.9 && page.confidence <= 1);
  });

  test('puts words in reading order through the lines, whatever order the blocks come in', async () => {
    const response = await recorded();
    const blocks = response.Blocks ?? [];
    const words = blocks.filter((block) => block.BlockType === 'WORD').reverse();
    const others: Block[] = blocks.filter((block) => block.BlockType !== 'WORD');
    textract.on(DetectDocumentTextCommand).resolves({ ...response, Blocks: [...words, ...others] });
    const page = await engine.recognizePage({
      bytes: await read('ocr/driving-licence.jpg'),
      contentType: 'image/jpeg',
      pageNumber: 1,
    });
    assert.equal(page.words.map((word) => word.text).join(' '), page.lines.map((line) => line.text).join(' '));
  });

  test('sends only the requested page of a multi-page PDF, sized at 300 dpi', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([300, 300]);
    pdf.addPage([595.28, 841.89]);
    textract.on(DetectDocumentTextCommand).resolves(await recorded());

    const page = await engine.recognizePage({ bytes: await pdf.save(), contentType: 'application/pdf', pageNumber: 2 });

    const [sent] = sentDocuments();
    assert.ok(sent);
    const single = await PDFDocument.load(sent);
    assert.equal(single.getPageCount(), 1);
    assert.deepEqual(single.getPage(0).getSize(), { width: 595.28, height: 841.89 });
    assert.deepEqual([page.width, page.height], [2480, 3508]);
  });

  test('sends page 2 of a multi-page TIFF as a single image', async () => {
    textract.on(DetectDocumentTextCommand).resolves(await recorded());
    await engine.recognizePage({ bytes: await read('ocr/two-pages.tiff'), contentType: 'image/tiff', pageNumber: 2 });
    const [sent] = sentDocuments();
    assert.ok(sent);
    const metadata = await sharp(sent).metadata();
    assert.equal(metadata.pages ?? 1, 1);
    // Pixel for pixel page 2 (the fining decision), not page 1 (the vehicle registration).
    const expected = await sharp(await read('ocr/two-pages.tiff'), { page: 1 })
      .raw()
      .toBuffer();
    assert.ok((await sharp(sent).raw().toBuffer()).equals(expected));
  });

  test('refuses a password-protected PDF without calling Textract', async () => {
    await assert.rejects(
      engine.recognizePage({ bytes: await read('encrypted.pdf'), contentType: 'application/pdf', pageNumber: 1 }),
      (err: unknown) => err instanceof OcrInputError && /password-protected/i.test(err.message),
    );
    assert.equal(sentDocuments().length, 0);
  });

  test('turns a document Textract refuses into an input error', async () => {
    textract
      .on(DetectDocumentTextCommand)
      .rejects(new UnsupportedDocumentException({ message: 'Request has unsupported document format', $metadata: {} }));
    await assert.rejects(
      engine.recognizePage({ bytes: await read('ocr/driving-licence.jpg'), contentType: 'image/jpeg', pageNumber: 1 }),
      (err: unknown) => err instanceof OcrInputError && /UnsupportedDocumentException/.test(err.message),
    );
  });

  test('lets throttling through unchanged, so the workflow retries it', async () => {
    const throttled = new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
    textract.on(DetectDocumentTextCommand).rejects(throttled);
    await assert.rejects(
      engine.recognizePage({ bytes: await read('ocr/driving-licence.jpg'), contentType: 'image/jpeg', pageNumber: 1 }),
      (err: unknown) => err === throttled,
    );
  });
});
