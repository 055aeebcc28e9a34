/**
 * First gate of the digitisation workflow: is an uploaded scan what it claims to be, readable,
 * unencrypted and of sane size? Decides from headers and document structure only; image
 * pixels are never decoded, so a decompression bomb costs a few header reads.
 */
import { Buffer } from 'node:buffer';
import { imageSize } from 'image-size';
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFPageLeaf,
  PDFPageTree,
  type PDFObject,
} from 'pdf-lib';

export type ScanContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/tiff';

export const scanContentTypes: readonly ScanContentType[] = Object.freeze([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/tiff',
] as const);

export interface ScanLimits {
  /** Per page or image: width * height above this is rejected. */
  maxPixels: number;
  maxPages: number;
}

export type ScanRejection =
  | 'type-mismatch'
  | 'unsupported-type'
  | 'empty'
  | 'pdf-encrypted'
  | 'pdf-unparseable'
  | 'image-unparseable'
  | 'too-many-pixels'
  | 'too-many-pages';

export type ScanInspection =
  | { ok: true; contentType: ScanContentType; pageCount: number; width?: number; height?: number }
  | { ok: false; reason: ScanRejection; detail: string };

const labels: Record<ScanContentType, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
};

// Non-standard but common spelling from some clients; accepting it costs nothing.
const aliases: Record<string, ScanContentType> = { 'image/jpg': 'image/jpeg' };

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The type the bytes say they are, from magic bytes at offset 0 only. PDF readers tolerate
 * up to 1024 bytes of junk before %PDF-, but we do not: a file that starts as something else
 * is how polyglots are built, and every later consumer (viewer, previewer, OCR) should agree
 * on what the file is.
 */
export function detectContentType(bytes: Uint8Array): ScanContentType | undefined {
  const startsWith = (sig: readonly number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (startsWith([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(pngSignature)) return 'image/png';
  if (startsWith([0x49, 0x49, 0x2a, 0x00]) || startsWith([0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return undefined;
}

export async function inspectScan(
  bytes: Uint8Array,
  declaredType: string,
  limits: ScanLimits,
): Promise<ScanInspection> {
  assertLimits(limits);
  if (bytes.length === 0) return reject('empty', 'The file is empty.');

  const declared = normaliseDeclaredType(declaredType);
  if (declared === undefined) {
    return reject('unsupported-type', 'Only PDF, JPEG, PNG and TIFF files are accepted.');
  }

  const detected = detectContentType(bytes);
  if (detected !== declared) {
    const actual = detected === undefined ? 'not a PDF, JPEG, PNG or TIFF file' : labels[detected];
    return reject('type-mismatch', `The file is declared as ${labels[declared]} but its content is ${actual}.`);
  }

  switch (declared) {
    case 'application/pdf':
      return inspectPdf(bytes, limits);
    case 'image/tiff':
      return inspectTiff(bytes, limits);
    case 'image/jpeg':
    case 'image/png':
      return inspectSingleImage(bytes, declared, limits);
  }
}

function normaliseDeclaredType(declaredType: string): ScanContentType | undefined {
  // Content-Type headers may carry parameters ("; charset=binary") and any case.
  const bare = (declaredType.split(';')[0] ?? '').trim().toLowerCase();
  if (bare in aliases) return aliases[bare];
  return (scanContentTypes as readonly string[]).includes(bare) ? (bare as ScanContentType) : undefined;
}

function assertLimits(limits: ScanLimits): void {
  for (const key of ['maxPixels', 'maxPages'] as const) {
    const value = limits[key];
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`ScanLimits.${key} must be a finite number >= 0`);
  }
}

function reject(reason: ScanRejection, detail: string): ScanInspection {
  return { ok: false, reason, detail };
}

// ---------------------------------------------------------------------------------------- PDF

// pdf-lib ships ES5 classes, so its errors are plain Error instances and `instanceof
// EncryptedPDFError` is always false; the message, taken from the class itself, is what identifies it.
const encryptedPdfMessage = new EncryptedPDFError().message;

const damagedPdf = 'The PDF is damaged or incomplete and cannot be read.';
const encryptedPdf = 'The PDF is password-protected or encrypted; upload an unprotected copy.';

async function inspectPdf(bytes: Uint8Array, limits: ScanLimits): Promise<ScanInspection> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // pdf-lib parses object by object and recovers from a missing xref or trailer, so a file cut
  // short can still "load". Like Acrobat, require %%EOF within the last 1024 bytes.
  if (buffer.indexOf('%%EOF', Math.max(0, buffer.length - 1024), 'latin1') === -1) {
    return reject('pdf-unparseable', damagedPdf);
  }

  let doc: PDFDocument;
  try {
    // Lenient parsing (throwOnInvalidObject off) on purpose: with it on, the encrypted object
    // streams of an encrypted file fail to parse before pdf-lib gets to report the encryption.
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    const encrypted =
      error instanceof EncryptedPDFError ||
      (error instanceof Error && error.message === encryptedPdfMessage) ||
      hasEncryptEntry(buffer);
    return encrypted ? reject('pdf-encrypted', encryptedPdf) : reject('pdf-unparseable', damagedPdf);
  }

  // pdf-lib only throws when the /Encrypt dictionary resolves; a dangling reference, or an
  // earlier trailer's /Encrypt replaced by a later xref stream, still means encrypted content.
  if (doc.isEncrypted || doc.context.trailerInfo.Encrypt !== undefined || hasEncryptEntry(buffer)) {
    return reject('pdf-encrypted', encryptedPdf);
  }

  const pages = countPdfPages(doc, limits.maxPages);
  if (pages === 'malformed') return reject('pdf-unparseable', damagedPdf);
  if (pages === 'too-many') return tooManyPages(limits.maxPages);
  if (pages === 0) return reject('pdf-unparseable', 'The PDF has no pages.');

  // Safe now that the tree is known to be finite and small; must agree with our count.
  const pageCount = doc.getPageCount();
  if (pageCount !== pages) return reject('pdf-unparseable', damagedPdf);
  return { ok: true, contentType: 'application/pdf', pageCount };
}

/** A trailer-style `/Encrypt n g R` or `/Encrypt <<` anywhere in the raw bytes. */
function hasEncryptEntry(buffer: Buffer): boolean {
  const entry = /^\/Encrypt(?:[\s\0]*<<|[\s\0]+\d+[\s\0]+\d+[\s\0]+R)/;
  for (let at = buffer.indexOf('/Encrypt', 0, 'latin1'); at !== -1; at = buffer.indexOf('/Encrypt', at + 1, 'latin1')) {
    if (entry.test(buffer.toString('latin1', at, at + 40))) return true;
  }
  return false;
}

/**
 * Counts leaves of the page tree ourselves before letting pdf-lib do it: pdf-lib recurses
 * without a visited set, so a shared or cyclic node (a page-tree bomb) would blow up or hang.
 * Stops as soon as the count passes maxPages.
 */
function countPdfPages(doc: PDFDocument, maxPages: number): number | 'malformed' | 'too-many' {
  const { context } = doc;
  // Typed as always present, but undefined when the file has no usable catalog.
  const catalog: unknown = doc.catalog;
  const root = catalog instanceof PDFDict ? catalog.get(PDFName.of('Pages')) : undefined;
  if (root === undefined) return 'malformed';

  const seen = new Set<PDFObject>();
  const pending: PDFObject[] = [root];
  let leaves = 0;
  while (pending.length > 0) {
    const node = context.lookup(pending.pop());
    if (node === undefined || seen.has(node)) return 'malformed';
    seen.add(node);
    if (node instanceof PDFPageLeaf) {
      leaves += 1;
      if (leaves > maxPages) return 'too-many';
    } else if (node instanceof PDFPageTree) {
      const kids = node.lookup(PDFName.of('Kids'));
      if (!(kids instanceof PDFArray)) return 'malformed';
      pending.push(...kids.asArray());
    } else {
      return 'malformed';
    }
  }
  return leaves;
}

// ------------------------------------------------------------------------------------- images

const damagedImage = 'The image is damaged or incomplete and its size cannot be read.';

interface Dimensions {
  width: number;
  height: number;
}

function inspectSingleImage(
  bytes: Uint8Array,
  contentType: 'image/jpeg' | 'image/png',
  limits: ScanLimits,
): ScanInspection {
  // image-size reads through DataViews over the whole underlying ArrayBuffer, so on a view
  // into a larger buffer (Node's pooled Buffers) a short header would read a neighbour's bytes
  // instead of failing. An exactly-sized copy makes every overrun a RangeError.
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  let size: Dimensions;
  try {
    const result = imageSize(exact);
    if (result.type !== (contentType === 'image/png' ? 'png' : 'jpg')) {
      return reject('image-unparseable', damagedImage);
    }
    size = { width: result.width, height: result.height };
  } catch {
    return reject('image-unparseable', damagedImage);
  }
  if (!validDimensions(size)) return reject('image-unparseable', damagedImage);
  return checkImagePages([size], contentType, limits);
}

function inspectTiff(bytes: Uint8Array, limits: ScanLimits): ScanInspection {
  const pages = readTiffPages(bytes, limits.maxPages);
  if (pages === 'malformed') return reject('image-unparseable', damagedImage);
  return checkImagePages(pages, 'image/tiff', limits);
}

function checkImagePages(pages: Dimensions[], contentType: ScanContentType, limits: ScanLimits): ScanInspection {
  for (const { width, height } of pages) {
    if (width * height > limits.maxPixels) {
      return reject(
        'too-many-pixels',
        `The image is too large (${width} x ${height} pixels); the limit is ${limits.maxPixels} pixels per page.`,
      );
    }
  }
  if (pages.length > limits.maxPages) return tooManyPages(limits.maxPages);
  // Report the largest page: the one the pixel limit is about.
  const largest = pages.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  return { ok: true, contentType, pageCount: pages.length, width: largest.width, height: largest.height };
}

function validDimensions({ width, height }: Dimensions): boolean {
  return Number.isSafeInteger(width) && Number.isSafeInteger(height) && width > 0 && height > 0;
}

function tooManyPages(maxPages: number): ScanInspection {
  return reject('too-many-pages', `The file has more than ${maxPages} pages.`);
}

const tiffTag = { width: 256, height: 257 } as const;
const tiffType = { short: 3, long: 4 } as const;

/**
 * Width and height of every image file directory (page) of a classic TIFF. image-size 2.x
 * reads only the first IFD and exposes no `images` list for TIFF, so we walk the chain
 * ourselves. Returns at most maxPages + 1 pages: enough to know there are too many.
 */
function readTiffPages(bytes: Uint8Array, maxPages: number): Dimensions[] | 'malformed' {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49; // II = little-endian, MM = big-endian
  const pages: Dimensions[] = [];
  const seen = new Set<number>();
  try {
    let offset = view.getUint32(4, le);
    while (offset !== 0 && pages.length <= maxPages) {
      if (seen.has(offset)) return 'malformed'; // an IFD chain that loops back
      seen.add(offset);
      const entries = view.getUint16(offset, le);
      let width = 0;
      let height = 0;
      for (let i = 0; i < entries; i++) {
        const entry = offset + 2 + i * 12;
        const tag = view.getUint16(entry, le);
        if (tag !== tiffTag.width && tag !== tiffTag.height) continue;
        const type = view.getUint16(entry + 2, le);
        if (view.getUint32(entry + 4, le) !== 1) return 'malformed';
        // A single SHORT or LONG sits left-justified in the 4-byte value field.
        const value =
          type === tiffType.short
            ? view.getUint16(entry + 8, le)
            : type === tiffType.long
              ? view.getUint32(entry + 8, le)
              : 0;
        if (tag === tiffTag.width) width = value;
        else height = value;
      }
      if (!validDimensions({ width, height })) return 'malformed';
      pages.push({ width, height });
      offset = view.getUint32(offset + 2 + entries * 12, le);
    }
  } catch {
    return 'malformed'; // an offset past the end of the file
  }
  return pages.length === 0 ? 'malformed' : pages;
}

export function isScanContentType(value: string): value is ScanContentType {
  return (scanContentTypes as readonly string[]).includes(value);
}
