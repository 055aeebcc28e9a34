import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { decodeImagePage } from '../../../../functions/digitize/adapters/ocr/decode-image-page.ts';
import { dropColourInks } from '../../../../functions/digitize/adapters/ocr/drop-colour-inks.ts';
import { readPdfPage } from '../../../../functions/digitize/adapters/ocr/read-pdf-page.ts';
import type { GreyImage } from '../../../../functions/digitize/adapters/ocr/preprocess-page.ts';

const width = 400;
const height = 200;
// The ring's centre and radius: it crosses the bars of "print" below.
const ring = { x: 200, y: 100, radius: 70 };

/**
 * Black bars (printed strokes) with, optionally, a red stamp ring and a blue pen stroke over
 * them. The inks are laid with `multiply`, as a dye over toner: the toner still absorbs what the
 * ink passes, so a stroke under the ring stays dark.
 */
async function scene({ marks }: { marks: boolean }): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  for (let x = 40; x < width - 40; x += 24) ctx.fillRect(x, 60, 8, 80);
  if (marks) {
    ctx.globalCompositeOperation = 'multiply';
    ctx.strokeStyle = 'rgb(214, 40, 40)';
    ctx.lineWidth = 9;
    ctx.beginPath();
    ctx.arc(ring.x, ring.y, ring.radius, 0, Math.PI * 2);
    ctx.stroke();
    ctx.strokeStyle = 'rgb(43, 52, 133)';
    ctx.lineWidth = 5;
    ctx.beginPath();
    // Below the ring: where two inks cross, both are dark in every channel and read as print.
    ctx.moveTo(20, 186);
    ctx.bezierCurveTo(120, 182, 260, 194, 380, 184);
    ctx.stroke();
  }
  return sharp(await canvas.encode('png'))
    .removeAlpha()
    .png()
    .toBuffer();
}

const decode = (bytes: Buffer, contentType: 'image/png' | 'image/jpeg' = 'image/png') =>
  decodeImagePage(bytes, contentType, 1, 40_000_000);

const dark = (image: GreyImage, at: number) => image.data[at]! < 128;

function darkPixels(image: GreyImage): number {
  let count = 0;
  for (let at = 0; at < image.data.length; at++) if (dark(image, at)) count++;
  return count;
}

/** Pixels on the ring's stroke that fall on paper (between the bars or outside them). */
function ringOnPaper(print: GreyImage): number[] {
  const pixels: number[] = [];
  for (let angle = 0; angle < Math.PI * 2; angle += 0.01) {
    const x = Math.round(ring.x + Math.cos(angle) * ring.radius);
    const y = Math.round(ring.y + Math.sin(angle) * ring.radius);
    const at = y * width + x;
    if (print.data[at] === 255) pixels.push(at);
  }
  return pixels;
}

describe('dropColourInks', () => {
  test('turns seal red, pen blue and their light fringes white; keeps neutral print and ink over print', () => {
    const pixels = Buffer.from([
      ...[220, 72, 72], // stamp red on paper
      ...[43, 52, 133], // dark pen blue on paper
      ...[237, 148, 148], // the seal's anti-aliased edge
      ...[117, 123, 176], // the pen's anti-aliased edge, as dark as print there
      ...[20, 20, 20], // black print
      ...[128, 128, 128], // grey print, or an anti-aliased edge of it
      ...[60, 5, 5], // red ink over black print: dark in every channel
      ...[150, 140, 160], // a print edge with a scanner's colour fringe
      ...[90, 70, 110], // a strong fringe on a darker edge
      ...[250, 240, 240], // the faintest fringe of a seal, already paper-light
    ]);
    const dropped = dropColourInks(pixels, 3);
    assert.equal(dropped, 4);
    assert.deepEqual(
      [...pixels],
      [
        ...[255, 255, 255],
        ...[255, 255, 255],
        ...[255, 255, 255],
        ...[255, 255, 255],
        ...[20, 20, 20],
        ...[128, 128, 128],
        ...[60, 5, 5],
        ...[150, 140, 160],
        ...[90, 70, 110],
        ...[250, 240, 240],
      ],
    );
  });

  test('leaves the alpha channel of RGBA pixels alone', () => {
    const pixels = Buffer.from([220, 72, 72, 200, 20, 20, 20, 255]);
    assert.equal(dropColourInks(pixels, 4), 1);
    assert.deepEqual([...pixels], [255, 255, 255, 200, 20, 20, 20, 255]);
  });
});

describe('decodeImagePage: colour dropout', () => {
  test('a red ring and a blue stroke over black print: the print is kept, stroke for stroke; the inks are gone', async () => {
    const print = await decode(await scene({ marks: false }));
    const stamped = await decode(await scene({ marks: true }));
    // Every printed pixel, including those under the ring and the pen, is still dark.
    for (let at = 0; at < print.data.length; at++) if (dark(print, at)) assert.ok(dark(stamped, at), `pixel ${at}`);
    // And nothing of the inks on paper is: the page reads as the print alone.
    assert.equal(darkPixels(stamped), darkPixels(print));
    const onPaper = ringOnPaper(print);
    assert.ok(onPaper.length > 200);
    for (const at of onPaper) assert.equal(stamped.data[at], 255, `ring pixel ${at}`);
  });

  test('the same page as a 4:2:0 colour JPEG loses the ring too', async () => {
    const jpeg = await sharp(await scene({ marks: true }))
      .jpeg({ quality: 60 })
      .toBuffer();
    const print = await decode(await scene({ marks: false }));
    const stamped = await decode(jpeg, 'image/jpeg');
    const onPaper = ringOnPaper(print);
    const ringDark = onPaper.filter((at) => dark(stamped, at)).length;
    assert.equal(ringDark, 0);
    // The chroma subsampling blurs the ink's colour at the bars' edges; the bars themselves stay.
    const printDark = darkPixels(print);
    const keptDark = [...print.data.keys()].filter((at) => dark(print, at) && dark(stamped, at)).length;
    assert.ok(keptDark / printDark > 0.97, `${keptDark} of ${printDark} printed pixels kept`);
  });

  test('a grey scan is decoded as before: the grey is unchanged', async () => {
    const greyPng = await sharp(await scene({ marks: true }))
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const expected = await sharp(greyPng).toColourspace('b-w').raw().toBuffer();
    const decoded = await decode(greyPng);
    assert.deepEqual(decoded.data, expected);
    // The grey seal is mid-grey, not white: grey scans keep it (nothing tells its ink from print).
    const print = await decode(await scene({ marks: false }));
    assert.ok(ringOnPaper(print).every((at) => decoded.data[at]! < 200));
  });

  test('a colour scan of neutral print decodes to the same grey as libvips makes of it', async () => {
    const colourPrint = await scene({ marks: false });
    const decoded = await decode(colourPrint);
    const expected = await sharp(colourPrint).toColourspace('b-w').raw().toBuffer();
    assert.deepEqual(decoded.data, expected);
  });
});

describe('readPdfPage: colour dropout', () => {
  /** A scanner's PDF: the page is one PNG image, one image pixel per point. */
  async function scannedPdf(png: Buffer): Promise<Buffer> {
    const pdf = await PDFDocument.create();
    const image = await pdf.embedPng(png);
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
    return Buffer.from(await pdf.save());
  }
  async function rendered(png: Buffer): Promise<GreyImage> {
    const content = await readPdfPage(await scannedPdf(png), { pageNumber: 1, dpi: 72, maxPixels: 40_000_000 });
    assert.equal(content.kind, 'image');
    return content.image;
  }

  test('a colour scan in a PDF loses the ring and keeps the print', async () => {
    const print = await rendered(await scene({ marks: false }));
    const stamped = await rendered(await scene({ marks: true }));
    assert.equal(stamped.width, width);
    for (let at = 0; at < print.data.length; at++) if (dark(print, at)) assert.ok(dark(stamped, at), `pixel ${at}`);
    // pdfjs resamples the image, so the ring's edges may differ by a few pixels from the print alone.
    assert.ok(darkPixels(stamped) - darkPixels(print) < 20, `${darkPixels(stamped)} against ${darkPixels(print)}`);
    assert.ok(ringOnPaper(print).every((at) => stamped.data[at]! > 200));
  });
});
