/**
 * PAdES (ETSI.CAdES.detached) in PDF: preparing a signature as an incremental update with
 * a zero-filled /Contents placeholder, embedding the CMS into it, and reading every
 * signature back with its byte range for verification.
 */
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFString,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';
import * as asn1js from 'asn1js';
import { PdfPkiInputError } from './errors.ts';
import { toArrayBuffer } from './crypto-engine.ts';
import { sha256 } from './encoding.ts';
import { indexPdfObjects, lookupArray, lookupDict, walkFields, type FieldVisit } from './pdf-object-index.ts';
import {
  readPreviousRevision,
  writeIncrementalUpdate,
  type PreviousRevision,
  type UpdateObject,
} from './pdf-incremental-update.ts';

export interface PreparedPdf {
  bytes: Uint8Array;
  byteRange: [number, number, number, number];
  /** SHA-256 of the two byte ranges: what the CMS message-digest attribute must hold. */
  contentDigest: Uint8Array;
}

export class SignaturePlaceholderTooSmallError extends PdfPkiInputError {}

export interface EmbeddedPdfSignature {
  fieldName: string;
  byteRange: [number, number, number, number];
  /** The CMS DER, trailing zero padding removed. */
  cms: Uint8Array;
  /** SHA-256 of the ranges as they are in this file. */
  contentDigest: Uint8Array;
  /** byteRange[2] + byteRange[3]: where the signed revision ends. */
  revisionEnd: number;
  coversWholeDocument: boolean;
  /** From /M, ISO. */
  signingTime?: string;
  subFilter?: string;
  /** The ranges are well formed, within the file, and the gap is exactly the /Contents hex string. */
  rangeValid: boolean;
}

type ByteRange = [number, number, number, number];

const DEFAULT_CONTENTS_BYTES = 16_384;
/** Wide enough for any offset below 10 GB; the real numbers are written over it, space-padded. */
const BYTE_RANGE_PLACEHOLDER = `[0 ${'0'.repeat(10)} ${'0'.repeat(10)} ${'0'.repeat(10)}]`;
const SIG_FLAGS = 3; // SignaturesExist | AppendOnly
const WIDGET_FLAGS = 132; // Print | Locked
const BYTE_RANGE_PATTERN = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

function assertPdf(pdf: Uint8Array): void {
  const head = Buffer.from(pdf.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new PdfPkiInputError('The file is not a PDF.');
}

async function loadPdf(pdf: Uint8Array): Promise<PDFDocument> {
  assertPdf(pdf);
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (error) {
    if (error instanceof EncryptedPDFError)
      throw new PdfPkiInputError('Encrypted PDFs cannot be signed.', { cause: error });
    throw new PdfPkiInputError('The PDF could not be read.', { cause: error });
  }
}

/** A PDF text string that holds any Unicode text (UTF-16BE with BOM, hex-encoded so nothing needs escaping). */
function textString(value: string): PDFHexString {
  return PDFHexString.fromText(value);
}

function uniqueFieldName(existing: FieldVisit[]): string {
  const names = new Set(existing.map((visit) => visit.name));
  let index = 1;
  while (names.has(`Signature${index}`)) index += 1;
  return `Signature${index}`;
}

/** The /Sig dictionary text: pdf-lib writes the ordinary entries, the two placeholders are appended verbatim. */
function signatureDictionaryText(context: PDFContext, options: SignatureOptions, contentsBytes: number): string {
  const dict = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    M: PDFString.fromDate(options.signingTime),
    Name: options.signerName === undefined ? undefined : textString(options.signerName),
    Reason: options.reason === undefined ? undefined : textString(options.reason),
    Location: options.location === undefined ? undefined : textString(options.location),
  });
  const placeholders = `/ByteRange ${BYTE_RANGE_PLACEHOLDER}\n/Contents <${'0'.repeat(contentsBytes * 2)}>\n>>`;
  return dict.toString().replace(/>>$/, placeholders);
}

interface SignatureOptions {
  signingTime: Date;
  signerName?: string;
  reason?: string;
  location?: string;
  contentsBytes?: number;
}

/**
 * Adds the widget to page 1's /Annots and the field to the AcroForm (created if missing,
 * SigFlags 3), returning the objects that changed and so must be rewritten in the update.
 */
function linkSignatureField(
  document: PDFDocument,
  catalogRef: PDFRef,
  widgetRef: PDFRef,
  allocate: () => PDFRef,
): UpdateObject[] {
  const { context, catalog } = document;
  const changed = new Map<PDFRef, PDFObject>();
  const page = document.getPage(0);
  const annots = page.node.get(PDFName.of('Annots'));
  const annotsArray = lookupArray(context, annots);
  if (annots instanceof PDFRef && annotsArray) {
    annotsArray.push(widgetRef);
    changed.set(annots, annotsArray);
  } else {
    page.node.set(PDFName.of('Annots'), context.obj([...(annotsArray?.asArray() ?? []), widgetRef]));
    changed.set(page.ref, page.node);
  }

  const acroFormEntry = catalog.get(PDFName.of('AcroForm'));
  const acroForm = lookupDict(context, acroFormEntry) ?? context.obj({});
  const fieldsEntry = acroForm.get(PDFName.of('Fields'));
  const fields = lookupArray(context, fieldsEntry);
  if (fieldsEntry instanceof PDFRef && fields) {
    fields.push(widgetRef);
    changed.set(fieldsEntry, fields);
  } else {
    acroForm.set(PDFName.of('Fields'), context.obj([...(fields?.asArray() ?? []), widgetRef]));
  }
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(SIG_FLAGS));
  if (acroFormEntry instanceof PDFRef) {
    changed.set(acroFormEntry, acroForm);
  } else if (acroFormEntry instanceof PDFDict) {
    changed.set(catalogRef, catalog);
  } else {
    const acroFormRef = allocate();
    catalog.set(PDFName.of('AcroForm'), acroFormRef);
    changed.set(acroFormRef, acroForm);
    changed.set(catalogRef, catalog);
  }
  return [...changed].map(([ref, object]) => ({ ref, object }));
}

function previousRevisionOf(pdf: Uint8Array, context: PDFContext): PreviousRevision {
  try {
    return readPreviousRevision(pdf, context);
  } catch (error) {
    throw new PdfPkiInputError('The PDF cross-reference section could not be read.', { cause: error });
  }
}

function digestRanges(pdf: Uint8Array, byteRange: ByteRange): Uint8Array {
  const [start, length, secondStart, secondLength] = byteRange;
  return sha256(
    Buffer.concat([pdf.subarray(start, start + length), pdf.subarray(secondStart, secondStart + secondLength)]),
  );
}

/**
 * Appends an incremental update holding an invisible signature field on page 1 and its /Sig
 * dictionary, with /ByteRange filled in and /Contents a zero-filled placeholder of
 * `contentsBytes` bytes. The original bytes are untouched, so earlier signatures stay valid.
 */
export async function preparePdfSignature(pdf: Uint8Array, options: SignatureOptions): Promise<PreparedPdf> {
  const document = await loadPdf(pdf);
  if (document.getPageCount() === 0) throw new PdfPkiInputError('The PDF has no page to carry the signature.');
  const { context } = document;
  const catalogRef = context.trailerInfo.Root;
  if (!(catalogRef instanceof PDFRef)) throw new PdfPkiInputError('The PDF has no document catalog.');
  const previous = previousRevisionOf(pdf, context);
  let nextNumber = Math.max(previous.size, context.largestObjectNumber + 1);
  const allocate = () => PDFRef.of(nextNumber++);
  const signatureRef = allocate();
  const widgetRef = allocate();

  const existingFields = walkFields(context, lookupDict(context, document.catalog.get(PDFName.of('AcroForm'))));
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: textString(uniqueFieldName(existingFields)),
    V: signatureRef,
    F: WIDGET_FLAGS,
    Rect: [0, 0, 0, 0],
    P: document.getPage(0).ref,
  });
  const contentsBytes = options.contentsBytes ?? DEFAULT_CONTENTS_BYTES;
  const signatureText = signatureDictionaryText(context, options, contentsBytes);
  const linked = linkSignatureField(document, catalogRef, widgetRef, allocate);
  const { bytes, bodyOffsets } = writeIncrementalUpdate({
    pdf,
    context,
    previous,
    objects: [{ ref: signatureRef, text: signatureText }, { ref: widgetRef, object: widget }, ...linked],
    trailer: { Root: catalogRef, Info: context.trailerInfo.Info },
    xrefStreamRef: previous.usesXrefStream ? allocate() : undefined,
  });
  const signatureStart = bodyOffsets.get(signatureRef.objectNumber)!;
  const contentsStart = signatureStart + signatureText.indexOf('/Contents <') + '/Contents '.length;
  const contentsEnd = contentsStart + contentsBytes * 2 + 2;
  const byteRange: ByteRange = [0, contentsStart, contentsEnd, bytes.length - contentsEnd];
  const rangeText = `[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  bytes.set(Buffer.from(rangeText, 'latin1'), signatureStart + signatureText.indexOf(BYTE_RANGE_PLACEHOLDER));
  return { bytes, byteRange, contentDigest: digestRanges(bytes, byteRange) };
}

/** The newest /ByteRange in the file: the one preparePdfSignature just wrote. */
function lastByteRange(pdf: Uint8Array): ByteRange | undefined {
  const tail = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length).toString('latin1');
  const match = [...tail.matchAll(BYTE_RANGE_PATTERN)].at(-1);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] : undefined;
}

/** Writes the CMS DER as hex into the newest signature's /Contents placeholder. */
export function embedPdfSignature(prepared: Uint8Array, cms: Uint8Array): Uint8Array {
  const byteRange = lastByteRange(prepared);
  if (!byteRange || !gapIsHexString(prepared, byteRange)) {
    throw new PdfPkiInputError('The PDF has no prepared signature placeholder.');
  }
  const capacity = (byteRange[2] - byteRange[1] - 2) / 2;
  if (cms.length > capacity) {
    throw new SignaturePlaceholderTooSmallError(
      `The signature needs ${cms.length} bytes but the PDF placeholder holds only ${capacity}.`,
    );
  }
  const signed = Uint8Array.from(prepared);
  signed.set(Buffer.from(Buffer.from(cms).toString('hex').toUpperCase(), 'latin1'), byteRange[1] + 1);
  return signed;
}

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** The gap between the two ranges is exactly "<hex…>" and everything lies within the file. */
function gapIsHexString(pdf: Uint8Array, byteRange: ByteRange): boolean {
  const [start, length, secondStart, secondLength] = byteRange;
  if (start !== 0 || length <= 0 || secondStart <= length + 1 || secondLength < 0) return false;
  if (secondStart + secondLength > pdf.length) return false;
  if (pdf[length] !== 0x3c || pdf[secondStart - 1] !== 0x3e) return false;
  return pdf.subarray(length + 1, secondStart - 1).every(isHexDigit);
}

function numbersOf(value: PDFArray | undefined): ByteRange | undefined {
  const numbers = value?.asArray().map((item) => (item instanceof PDFNumber ? item.asNumber() : Number.NaN));
  if (!numbers || numbers.length !== 4 || !numbers.every((item) => Number.isSafeInteger(item) && item >= 0))
    return undefined;
  return numbers as ByteRange;
}

/** The CMS without the placeholder's zero padding: its DER length says where it ends. */
function trimCms(contents: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(toArrayBuffer(contents));
  return parsed.offset > 0 ? contents.slice(0, parsed.offset) : contents.slice();
}

function contentsBytesOf(value: PDFObject | undefined): Uint8Array {
  return value instanceof PDFHexString || value instanceof PDFString ? value.asBytes() : new Uint8Array();
}

function signingTimeOf(value: PDFObject | undefined): string | undefined {
  if (!(value instanceof PDFString || value instanceof PDFHexString)) return undefined;
  try {
    return value.decodeDate().toISOString();
  } catch {
    return undefined; // a malformed /M is reported as absent
  }
}

/**
 * Every signature field's signature, oldest revision first. A damaged signature is
 * reported with rangeValid false rather than thrown; bytes that are not a PDF throw.
 */
export function readPdfSignatures(pdf: Uint8Array): EmbeddedPdfSignature[] {
  assertPdf(pdf);
  const { context, catalog } = indexPdfObjects(pdf);
  const acroForm = lookupDict(context, catalog?.get(PDFName.of('AcroForm')));
  const signatures: EmbeddedPdfSignature[] = [];
  for (const { field, name, type } of walkFields(context, acroForm)) {
    if (type !== PDFName.of('Sig')) continue;
    const signature = lookupDict(context, field.get(PDFName.of('V')));
    if (!signature) continue; // an empty signature field: nothing signed yet
    const declared = numbersOf(lookupArray(context, signature.get(PDFName.of('ByteRange'))));
    const byteRange: ByteRange = declared ?? [0, 0, 0, 0];
    const rangeValid = declared !== undefined && gapIsHexString(pdf, declared);
    const contents = rangeValid
      ? new Uint8Array(
          Buffer.from(Buffer.from(pdf.subarray(byteRange[1] + 1, byteRange[2] - 1)).toString('latin1'), 'hex'),
        )
      : contentsBytesOf(signature.get(PDFName.of('Contents')));
    const revisionEnd = byteRange[2] + byteRange[3];
    const subFilter = signature.get(PDFName.of('SubFilter'));
    const signingTime = signingTimeOf(signature.get(PDFName.of('M')));
    signatures.push({
      fieldName: name,
      byteRange,
      cms: trimCms(contents),
      contentDigest: digestRanges(pdf, byteRange),
      revisionEnd,
      coversWholeDocument: rangeValid && revisionEnd === pdf.length,
      ...(signingTime ? { signingTime } : {}),
      ...(subFilter instanceof PDFName ? { subFilter: subFilter.decodeText() } : {}),
      rangeValid,
    });
  }
  return signatures.sort((a, b) => a.revisionEnd - b.revisionEnd);
}
