import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export type FixtureName =
  | 'sample-result.pdf'
  | 'sample-scan.png'
  | 'sample-scan.jpg'
  | 'sample-scan-2pages.tiff'
  | 'encrypted.pdf'
  | 'truncated.pdf'
  | 'bomb.png'
  | 'not-a-pdf.pdf';

const fixturesDir = new URL('../../fixtures/', import.meta.url);
const cache = new Map<string, Uint8Array>();

/** The bytes of a file in test/fixtures (read once per process). */
export async function readFixture(name: FixtureName): Promise<Uint8Array> {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = new Uint8Array(await readFile(new URL(name, fixturesDir)));
    cache.set(name, bytes);
  }
  return bytes;
}

/** The content type a fixture honestly declares, from its extension. */
export function contentTypeOf(fileName: string): string {
  if (fileName.endsWith('.pdf')) return 'application/pdf';
  if (fileName.endsWith('.png')) return 'image/png';
  if (fileName.endsWith('.jpg') || fileName.endsWith('.jpeg')) return 'image/jpeg';
  if (fileName.endsWith('.tiff') || fileName.endsWith('.tif')) return 'image/tiff';
  throw new Error(`no content type for ${fileName}`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A small valid PDF whose bytes differ with the text: a second, distinct version of a document. */
export async function makePdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595.28, 841.89]).drawText(text, { x: 60, y: 760, size: 14, font });
  return doc.save();
}
