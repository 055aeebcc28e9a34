import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import {
  denoise,
  estimateSkew,
  isolatedInkFraction,
  limitResolution,
  preprocessPage,
  stretchContrast,
  type GreyImage,
} from '../../../../functions/digitize/adapters/ocr/preprocess-page.ts';
import { addSaltAndPepper, rotatePage } from '../../../fixtures/ocr/degrade-page.ts';

const fixture = new URL('../../../fixtures/ocr/residence-confirmation.png', import.meta.url);

async function grey(image: Uint8Array): Promise<GreyImage> {
  const { data, info } = await sharp(image).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Pixels whose eight neighbours all have the opposite colour: specks, not strokes. */
function isolatedPixels(image: GreyImage): number {
  const dark = (x: number, y: number) => (image.data[y * image.width + x] ?? 255) < 128;
  let count = 0;
  for (let y = 1; y < image.height - 1; y++) {
    for (let x = 1; x < image.width - 1; x++) {
      const centre = dark(x, y);
      let alone = true;
      for (let dy = -1; dy <= 1 && alone; dy++) {
        for (let dx = -1; dx <= 1 && alone; dx++) {
          if ((dx !== 0 || dy !== 0) && dark(x + dx, y + dy) === centre) alone = false;
        }
      }
      if (alone) count++;
    }
  }
  return count;
}

function inkPixels(image: GreyImage): number {
  return image.data.reduce((sum, value) => sum + (value < 128 ? 1 : 0), 0);
}

describe('preprocessPage', () => {
  let page: Buffer;
  before(async () => {
    page = await readFile(fixture);
  });

  for (const skew of [3, -3]) {
    test(`estimates a ${skew}° skew within 0.5° and straightens the page by it`, async () => {
      const skewed = await grey(await rotatePage(page, skew));
      const estimate = await estimateSkew(skewed);
      assert.ok(Math.abs(estimate - skew) <= 0.5, `estimated ${estimate}°`);

      const straightened = await preprocessPage(skewed);
      assert.ok(Math.abs(straightened.deskewAngle - skew) <= 0.5, `deskewed by ${straightened.deskewAngle}°`);
      assert.deepEqual([straightened.width, straightened.height], [skewed.width, skewed.height]);
      // Once straightened, nothing is left to correct.
      assert.ok(Math.abs(await estimateSkew(straightened)) <= 0.25);
    });
  }

  test('leaves a straight page unrotated', async () => {
    const result = await preprocessPage(await grey(page));
    assert.equal(result.deskewAngle, 0);
  });

  test('reports no skew for a blank page', async () => {
    const blank = await grey(
      await sharp({ create: { width: 800, height: 600, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer(),
    );
    assert.equal(await estimateSkew(blank), 0);
  });

  test('stretches a faded page back to black ink on white paper', async () => {
    const clean = await grey(page);
    // Ink at grey 100 and paper at 227, as a light photocopy looks.
    const faded = await grey(await sharp(page).linear(0.5, 100).png().toBuffer());
    const stretched = await stretchContrast(faded);
    const { channels } = await sharp(stretched.data, {
      raw: { width: stretched.width, height: stretched.height, channels: 1 },
    }).stats();
    assert.deepEqual([channels[0]?.min, channels[0]?.max], [0, 255]);
    const inkKept = inkPixels(stretched) / inkPixels(clean);
    assert.ok(inkKept > 0.9 && inkKept < 1.1, `ink kept: ${inkKept}`);
  });

  test('denoise removes salt-and-pepper specks and keeps the text', async () => {
    const clean = await grey(page);
    const noisy = await grey(await addSaltAndPepper(page, 0.02, 7));
    const specksBefore = isolatedPixels(noisy);
    // 2% noise: about one pixel in a hundred lands as an isolated speck on paper or ink.
    assert.ok(specksBefore > clean.width * clean.height * 0.005, `${specksBefore} specks before`);

    const cleaned = await denoise(noisy);
    const specksAfter = isolatedPixels(cleaned);
    assert.ok(specksAfter < specksBefore / 100, `${specksAfter} specks left of ${specksBefore}`);

    const inkKept = inkPixels(cleaned) / inkPixels(clean);
    assert.ok(inkKept > 0.85 && inkKept < 1.15, `ink kept: ${inkKept}`);
  });

  test('tells a noisy page from a clean one, at 300 and at 150 dpi', async () => {
    const half = await sharp(page).resize({ width: 1050 }).png().toBuffer();
    for (const clean of [page, half]) {
      assert.ok(isolatedInkFraction(await grey(clean)) < 0.0002, 'a clean page has almost no specks');
      // The median runs above 0.0005.
      const noisy = isolatedInkFraction(await grey(await addSaltAndPepper(clean, 0.02, 7)));
      assert.ok(noisy > 0.005, `2% noise: ${noisy}`);
    }
  });

  test('scales a page scanned above 200 dpi down to 200 dpi, and leaves others as they are', async () => {
    const scan = await grey(page);
    const scaled = await limitResolution(scan, 300);
    assert.deepEqual(
      [scaled.width, scaled.height],
      [Math.round((scan.width * 2) / 3), Math.round((scan.height * 2) / 3)],
    );
    assert.equal(await limitResolution(scan, 150), scan);
    assert.equal(await limitResolution(scan, undefined), scan);
  });
});
