/**
 * Colour dropout before OCR. Official papers are printed in black and then stamped with a red
 * seal and signed in (usually blue) pen across the closing lines; read as they are, the seal's
 * ring text and the strokes over the print come out as characters. Printed toner is neutral:
 * it absorbs every wavelength, so its pixels are dark in all three channels and have next to
 * no chroma. A stamp or pen ink is a dye that passes its own colour: on paper its pixels stay
 * bright in that channel and dark in the others, i.e. high chroma with a bright top channel.
 * Where ink lies over print the toner still absorbs what the ink passes, so the pixel stays
 * dark in every channel and is kept as print.
 */
import sharp from 'sharp';
import type { GreyImage } from './preprocess-page.ts';

/**
 * How a pixel is told to be ink. Chroma is the brightest channel minus the darkest (0–255);
 * darkening is how far the brightest channel fell below white paper. A dye on paper passes its
 * own colour, so its brightest channel stays near the paper while the others fall: its chroma
 * is a large share of its darkening, whatever share of the pixel the ink covers (stamp red over paper
 * 148 against 35, dark pen blue 90 against 122, and the same ratios along their anti-aliased
 * edges). JPEG keeps the chroma at half resolution (4:2:0) and quantises it harder than the
 * lightness, so along a thin stroke an ink pixel can keep its full darkening with half its
 * chroma or less: a third is the bound. Print darkens every channel alike (chroma near 0), and
 * ink over print is dark in every channel (red over black toner: 55 against 195), so both stay.
 */
export const inkChromaPerDarkening = 1 / 3;

/** Below this chroma a pixel is neutral whatever its lightness: scanner and JPEG colour noise. */
export const minInkChroma = 24;

/**
 * Turns the pixels of coloured ink white in an interleaved 8-bit sRGB buffer (3 or 4 channels),
 * in place, in one pass; returns how many it turned. Neutral and dark pixels are left as they are.
 */
export function dropColourInks(pixels: Buffer, channels: 3 | 4): number {
  let dropped = 0;
  for (let at = 0, end = pixels.length - 2; at < end; at += channels) {
    const red = pixels[at]!;
    const green = pixels[at + 1]!;
    const blue = pixels[at + 2]!;
    const top = red > green ? (red > blue ? red : blue) : green > blue ? green : blue;
    const bottom = red < green ? (red < blue ? red : blue) : green < blue ? green : blue;
    const chroma = top - bottom;
    if (chroma >= minInkChroma && chroma >= inkChromaPerDarkening * (255 - top)) {
      pixels[at] = 255;
      pixels[at + 1] = 255;
      pixels[at + 2] = 255;
      dropped += 1;
    }
  }
  return dropped;
}

/** A colour page as the grey page OCR reads: the coloured inks dropped, then libvips's grey. */
export async function greyWithoutColourInks(
  pixels: Buffer,
  width: number,
  height: number,
  channels: 3 | 4,
): Promise<GreyImage> {
  dropColourInks(pixels, channels);
  const { data, info } = await sharp(pixels, { raw: { width, height, channels } })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
