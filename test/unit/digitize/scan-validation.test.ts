import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PDFDocument, PDFName, PDFRef } from 'pdf-lib';
import {
  detectContentType,
  inspectScan,
  scanContentTypes,
  type ScanLimits,
} from '../../../functions/digitize/core/scan-validation.ts';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const limits: ScanLimits = { maxPixels: 100_000_000, maxPages: 500 };

const pdf = fixture('sample-result.pdf');
const jpeg = fixture('sample-scan.jpg');
const png = fixture('sample-scan.png');
const tiff = fixture('sample-scan-2pages.tiff');

/** A PDF with `pages` blank pages, saved with pdf-lib's defaults. */
async function pdfWithPages(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage();
  // pdf-lib would otherwise add a page to an empty document on save
  return doc.save({ addDefaultPage: false });
}

/** A classic TIFF holding only what the walker reads: one width/height pair per IFD. */
function syntheticTiff(
  pages: { width: number; height: number }[],
  { bigEndian = false, loop = false }: { bigEndian?: boolean; loop?: boolean } = {},
): Uint8Array {
  const ifdSize = 2 + 2 * 12 + 4;
  const bytes = new Uint8Array(8 + pages.length * ifdSize);
  const view = new DataView(bytes.buffer);
  const le = !bigEndian;
  bytes.set(bigEndian ? [0x4d, 0x4d, 0x00, 0x2a] : [0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, le);
  pages.forEach(({ width, height }, i) => {
    const at = 8 + i * ifdSize;
    view.setUint16(at, 2, le);
    // width as LONG, height as SHORT: both encodings occur in the wild
    view.setUint16(at + 2, 256, le);
    view.setUint16(at + 4, 4, le);
    view.setUint32(at + 6, 1, le);
    view.setUint32(at + 10, width, le);
    view.setUint16(at + 14, 257, le);
    view.setUint16(at + 16, 3, le);
    view.setUint32(at + 18, 1, le);
    view.setUint16(at + 22, height, le);
    const last = i === pages.length - 1;
    view.setUint32(at + 26, last ? (loop ? 8 : 0) : at + ifdSize, le);
  });
  return bytes;
}

test('scanContentTypes lists the four accepted types', () => {
  assert.deepEqual([...scanContentTypes].sort(), ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']);
});

test('detectContentType reads magic bytes at offset 0', () => {
  assert.equal(detectContentType(pdf), 'application/pdf');
  assert.equal(detectContentType(jpeg), 'image/jpeg');
  assert.equal(detectContentType(png), 'image/png');
  assert.equal(detectContentType(tiff), 'image/tiff');
  assert.equal(detectContentType(syntheticTiff([{ width: 1, height: 1 }], { bigEndian: true })), 'image/tiff');
  assert.equal(detectContentType(fixture('not-a-pdf.pdf')), undefined);
  assert.equal(detectContentType(new Uint8Array(0)), undefined);
  assert.equal(detectContentType(png.subarray(0, 7)), undefined);
});

test('detectContentType rejects a PDF header that is not at offset 0', () => {
  const withGarbage = new Uint8Array(pdf.length + 1);
  withGarbage.set([0x20]);
  withGarbage.set(pdf, 1);
  assert.equal(detectContentType(withGarbage), undefined);
});

test('sample-result.pdf is a 1-page PDF', async () => {
  assert.deepEqual(await inspectScan(pdf, 'application/pdf', limits), {
    ok: true,
    contentType: 'application/pdf',
    pageCount: 1,
  });
});

test('sample-scan.jpg is a 600x800 JPEG', async () => {
  assert.deepEqual(await inspectScan(jpeg, 'image/jpeg', limits), {
    ok: true,
    contentType: 'image/jpeg',
    pageCount: 1,
    width: 600,
    height: 800,
  });
});

test('sample-scan.png is a 600x800 PNG', async () => {
  assert.deepEqual(await inspectScan(png, 'image/png', limits), {
    ok: true,
    contentType: 'image/png',
    pageCount: 1,
    width: 600,
    height: 800,
  });
});

test('sample-scan-2pages.tiff has 2 pages and reports the larger one', async () => {
  assert.deepEqual(await inspectScan(tiff, 'image/tiff', limits), {
    ok: true,
    contentType: 'image/tiff',
    pageCount: 2,
    width: 800,
    height: 640,
  });
});

test('a big-endian TIFF is walked too', async () => {
  const bytes = syntheticTiff(
    [
      { width: 100, height: 200 },
      { width: 300, height: 400 },
      { width: 50, height: 60 },
    ],
    { bigEndian: true },
  );
  assert.deepEqual(await inspectScan(bytes, 'image/tiff', limits), {
    ok: true,
    contentType: 'image/tiff',
    pageCount: 3,
    width: 300,
    height: 400,
  });
});

test('encrypted.pdf is really encrypted and is rejected as such', async () => {
  const bytes = fixture('encrypted.pdf');
  // the fixture itself: pdf-lib refuses it without ignoreEncryption
  await assert.rejects(PDFDocument.load(bytes, { updateMetadata: false }), /encrypted/);
  const result = await inspectScan(bytes, 'application/pdf', limits);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'pdf-encrypted');
});

test('a trailer /Encrypt that pdf-lib cannot resolve still counts as encrypted', async () => {
  const doc = await PDFDocument.create();
  doc.addPage();
  doc.context.trailerInfo.Encrypt = PDFRef.of(999);
  const bytes = await doc.save();
  // pdf-lib loads it: the reference dangles, so its own check does not fire
  const loaded = await PDFDocument.load(bytes, { updateMetadata: false });
  assert.equal(loaded.isEncrypted, false);
  const result = await inspectScan(bytes, 'application/pdf', limits);
  assert.equal(!result.ok && result.reason, 'pdf-encrypted');
});

test('truncated.pdf is rejected as unparseable', async () => {
  const result = await inspectScan(fixture('truncated.pdf'), 'application/pdf', limits);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'pdf-unparseable');
});

test('a PDF cut anywhere before its end is rejected', async () => {
  const classic = await (await PDFDocument.load(pdf, { updateMetadata: false })).save({ useObjectStreams: false });
  const beforeEof = classic.subarray(0, Buffer.from(classic).lastIndexOf('%%EOF'));
  // the trap: pdf-lib alone happily loads a file that lost its tail
  assert.equal((await PDFDocument.load(beforeEof, { updateMetadata: false })).getPageCount(), 1);

  for (const [layout, bytes] of [
    ['xref stream', pdf],
    ['classic xref', classic],
  ] as const) {
    const text = Buffer.from(bytes).toString('latin1');
    const cuts = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99].map((f) => Math.floor(bytes.length * f));
    cuts.push(text.lastIndexOf('startxref'), text.lastIndexOf('%%EOF'));
    if (text.includes('trailer')) cuts.push(text.lastIndexOf('trailer'));
    for (const at of cuts) {
      const result = await inspectScan(bytes.subarray(0, at), 'application/pdf', limits);
      assert.equal(!result.ok && result.reason, 'pdf-unparseable', `${layout} cut at byte ${at} of ${bytes.length}`);
    }
  }
});

test('a PDF without pages is unparseable', async () => {
  const result = await inspectScan(await pdfWithPages(0), 'application/pdf', limits);
  assert.deepEqual(result, { ok: false, reason: 'pdf-unparseable', detail: 'The PDF has no pages.' });
});

test('PDF page limit: exactly maxPages passes, one more fails', async () => {
  const bytes = await pdfWithPages(3);
  assert.deepEqual(await inspectScan(bytes, 'application/pdf', { ...limits, maxPages: 3 }), {
    ok: true,
    contentType: 'application/pdf',
    pageCount: 3,
  });
  const result = await inspectScan(bytes, 'application/pdf', { ...limits, maxPages: 2 });
  assert.equal(!result.ok && result.reason, 'too-many-pages');
});

test('a page tree with shared nodes (2^20 leaves by reference) is rejected quickly', { timeout: 5_000 }, async () => {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  let kid = doc.catalog.get(PDFName.of('Pages'));
  assert.ok(kid instanceof PDFRef);
  for (let level = 1; level <= 20; level++) {
    kid = doc.context.register(doc.context.obj({ Type: 'Pages', Kids: [kid, kid], Count: 2 ** level }));
  }
  doc.catalog.set(PDFName.of('Pages'), kid);
  // addDefaultPage would count pages, walking the new tree with pdf-lib's own recursion
  const bytes = await doc.save({ addDefaultPage: false });
  const result = await inspectScan(bytes, 'application/pdf', limits);
  assert.equal(!result.ok && result.reason, 'pdf-unparseable');
});

test('not-a-pdf.pdf is a type mismatch', async () => {
  const result = await inspectScan(fixture('not-a-pdf.pdf'), 'application/pdf', limits);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'type-mismatch');
});

test('bomb.png is rejected from its header alone', async () => {
  const bomb = fixture('bomb.png');
  assert.ok(bomb.length < 1024);
  assert.deepEqual(await inspectScan(bomb, 'image/png', limits), {
    ok: false,
    reason: 'too-many-pixels',
    detail: 'The image is too large (50000 x 50000 pixels); the limit is 100000000 pixels per page.',
  });
  // with a limit it fits, it passes: the body (one row of 50000) is never decoded
  assert.deepEqual(await inspectScan(bomb, 'image/png', { ...limits, maxPixels: 50_000 * 50_000 }), {
    ok: true,
    contentType: 'image/png',
    pageCount: 1,
    width: 50_000,
    height: 50_000,
  });
});

test('declared JPEG but PNG bytes is a type mismatch', async () => {
  assert.deepEqual(await inspectScan(png, 'image/jpeg', limits), {
    ok: false,
    reason: 'type-mismatch',
    detail: 'The file is declared as JPEG but its content is PNG.',
  });
});

test('declared PDF but JPEG bytes, and declared TIFF but PDF bytes, are type mismatches', async () => {
  const a = await inspectScan(jpeg, 'application/pdf', limits);
  assert.equal(!a.ok && a.reason, 'type-mismatch');
  const b = await inspectScan(pdf, 'image/tiff', limits);
  assert.equal(!b.ok && b.reason, 'type-mismatch');
});

test('empty bytes are rejected as empty, whatever the declared type', async () => {
  assert.deepEqual(await inspectScan(new Uint8Array(0), 'application/pdf', limits), {
    ok: false,
    reason: 'empty',
    detail: 'The file is empty.',
  });
  const result = await inspectScan(new Uint8Array(0), 'text/plain', limits);
  assert.equal(!result.ok && result.reason, 'empty');
});

test('a declared type outside the four is unsupported, even when the bytes are fine', async () => {
  for (const declared of ['text/plain', 'image/gif', 'application/octet-stream', '']) {
    const result = await inspectScan(pdf, declared, limits);
    assert.equal(!result.ok && result.reason, 'unsupported-type', declared);
  }
});

test('declared types are normalised: image/jpg, case and parameters', async () => {
  const jpg = await inspectScan(jpeg, 'image/jpg', limits);
  assert.equal(jpg.ok && jpg.contentType, 'image/jpeg');
  const upper = await inspectScan(pdf, ' Application/PDF; charset=binary', limits);
  assert.equal(upper.ok && upper.contentType, 'application/pdf');
});

test('maxPixels boundary: width x height equal to maxPixels passes, one pixel over fails', async () => {
  for (const [bytes, type] of [
    [png, 'image/png'],
    [jpeg, 'image/jpeg'],
  ] as const) {
    const at = await inspectScan(bytes, type, { ...limits, maxPixels: 600 * 800 });
    assert.equal(at.ok, true, type);
    const over = await inspectScan(bytes, type, { ...limits, maxPixels: 600 * 800 - 1 });
    assert.equal(!over.ok && over.reason, 'too-many-pixels', type);
  }
});

test('maxPixels applies to every TIFF page, not just the first', async () => {
  // page 1 is 600x800 = 480000 and fits both limits; page 2 is 800x640 = 512000
  const at = await inspectScan(tiff, 'image/tiff', { ...limits, maxPixels: 800 * 640 });
  assert.equal(at.ok, true);
  const over = await inspectScan(tiff, 'image/tiff', { ...limits, maxPixels: 800 * 640 - 1 });
  assert.equal(!over.ok && over.reason, 'too-many-pixels');
});

test('TIFF page limit: exactly maxPages passes, one more fails', async () => {
  const at = await inspectScan(tiff, 'image/tiff', { ...limits, maxPages: 2 });
  assert.equal(at.ok && at.pageCount, 2);
  const over = await inspectScan(tiff, 'image/tiff', { ...limits, maxPages: 1 });
  assert.equal(!over.ok && over.reason, 'too-many-pages');
});

test('damaged image headers are image-unparseable', async () => {
  const cases: [string, Uint8Array, string][] = [
    ['png cut inside IHDR', png.subarray(0, 20), 'image/png'],
    ['jpeg cut before its SOF marker', jpeg.subarray(0, 80), 'image/jpeg'],
    ['tiff cut after its first page', tiff.subarray(0, Math.floor(tiff.length / 2)), 'image/tiff'],
    ['tiff whose IFD chain loops', syntheticTiff([{ width: 10, height: 10 }], { loop: true }), 'image/tiff'],
    ['tiff with a zero width', syntheticTiff([{ width: 0, height: 10 }]), 'image/tiff'],
    ['tiff header only', tiff.subarray(0, 8), 'image/tiff'],
  ];
  for (const [name, bytes, type] of cases) {
    const result = await inspectScan(bytes, type, limits);
    assert.equal(!result.ok && result.reason, 'image-unparseable', name);
  }
});

test('a short PNG inside a larger buffer is not read past its end', async () => {
  // a 20-byte view over a buffer that goes on with the real IHDR, as Node's pooled Buffers do
  const whole = new Uint8Array(png);
  const view = new Uint8Array(whole.buffer, 0, 20);
  const result = await inspectScan(view, 'image/png', limits);
  assert.equal(!result.ok && result.reason, 'image-unparseable');
});

test('negative or non-finite limits are a programming error', async () => {
  await assert.rejects(inspectScan(png, 'image/png', { maxPixels: -1, maxPages: 1 }), RangeError);
  await assert.rejects(inspectScan(png, 'image/png', { maxPixels: 1, maxPages: Number.NaN }), RangeError);
});
