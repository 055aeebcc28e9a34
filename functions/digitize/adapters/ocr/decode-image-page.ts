/**
 * Decodes one page of a JPEG, PNG or (multi-page) TIFF scan to greyscale with sharp; a colour
 * scan loses its seal and pen inks on the way (`drop-colour-inks.ts`).
 */
import sharp, { type Metadata } from 'sharp';
import { OcrInputError } from '../../core/workflow-errors.ts';
import { greyWithoutColourInks } from './drop-colour-inks.ts';
import type { GreyImage } from './preprocess-page.ts';

export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/tiff';

const labels: Record<ImageContentType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/tiff': 'TIFF' };
const formats: Record<ImageContentType, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/tiff': 'tiff' };

export async function decodeImagePage(
  bytes: Uint8Array,
  contentType: ImageContentType,
  pageNumber: number,
  maxPixels: number,
): Promise<GreyImage> {
  const label = labels[contentType];
  // failOn 'warning': a truncated or damaged file is refused rather than half-read.
  const input = { limitInputPixels: maxPixels, failOn: 'warning' as const };
  let metadata: Metadata;
  try {
    // Headers only, without the pixel limit, so an oversized image is told apart from a broken one.
    metadata = await sharp(bytes, { failOn: 'warning', limitInputPixels: false }).metadata();
  } catch (err) {
    throw new OcrInputError(`the ${label} image is corrupt or unreadable`, { cause: err });
  }
  if (metadata.format !== formats[contentType]) {
    throw new OcrInputError(`the file is not a ${label} image`);
  }
  if (metadata.width * metadata.height > maxPixels) {
    throw new OcrInputError(`the ${label} image exceeds ${maxPixels} pixels`);
  }
  const pages = metadata.pages ?? 1;
  if (pageNumber < 1 || pageNumber > pages) {
    throw new OcrInputError(`the ${label} image has ${pages} page(s); page ${pageNumber} does not exist`);
  }
  const dpi = metadata.density ? { dpi: metadata.density } : {};
  // A grey or bilevel scan (fax, grey JPEG) has no colour to drop.
  const colour = metadata.space !== 'b-w' && metadata.space !== 'grey16';
  try {
    const page = sharp(bytes, { ...input, page: pageNumber - 1 })
      .autoOrient()
      .flatten({ background: '#ffffff' });
    if (colour) {
      const { data, info } = await page
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      return { ...(await greyWithoutColourInks(data, info.width, info.height, info.channels === 4 ? 4 : 3)), ...dpi };
    }
    const { data, info } = await page.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, ...dpi };
  } catch (err) {
    throw new OcrInputError(`the ${label} image is corrupt or unreadable`, { cause: err });
  }
}
