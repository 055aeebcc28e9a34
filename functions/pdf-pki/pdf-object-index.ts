/**
 * A synchronous, read-only index of a PDF's objects, newest definition winning, so that
 * signatures can be read without pdf-lib's asynchronous loader. It scans the file for
 * "n g obj" headers (signature dictionaries are never compressed: their /Contents must be
 * a byte gap in the file) and opens object streams so that fields stored in them are found.
 * Also the AcroForm field walk that preparing and reading signatures share.
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFHexString,
  PDFString,
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  type PDFObject,
} from 'pdf-lib';

export interface PdfObjectIndex {
  context: PDFContext;
  /** The newest catalog (/Type /Catalog) in file order, when there is one. */
  catalog: PDFDict | undefined;
}

const OBJECT_HEADER = /(\d+)\s+(\d+)\s+obj\b/g;

function typeOf(object: PDFObject): PDFObject | undefined {
  const dict = object instanceof PDFRawStream ? object.dict : object;
  return dict instanceof PDFDict ? dict.get(PDFName.of('Type')) : undefined;
}

function parseObject(bytes: Uint8Array, context: PDFContext): PDFObject | undefined {
  try {
    return PDFObjectParser.forBytes(bytes, context).parseObject();
  } catch {
    return undefined; // a damaged object is skipped; the rest of the file is still read
  }
}

/** The objects an object stream holds: a header of "number offset" pairs, then the objects from /First. */
function objectStreamMembers(stream: PDFRawStream, context: PDFContext): Array<[PDFRef, PDFObject]> {
  const first = stream.dict.get(PDFName.of('First'));
  const count = stream.dict.get(PDFName.of('N'));
  if (!(first instanceof PDFNumber) || !(count instanceof PDFNumber)) return [];
  let decoded: Uint8Array;
  try {
    decoded = decodePDFRawStream(stream).decode();
  } catch {
    return []; // an undecodable object stream contributes nothing
  }
  const header = Buffer.from(decoded.subarray(0, first.asNumber())).toString('latin1').trim().split(/\s+/).map(Number);
  const members: Array<[PDFRef, PDFObject]> = [];
  for (let index = 0; index < count.asNumber(); index += 1) {
    const objectNumber = header[index * 2];
    const offset = header[index * 2 + 1];
    if (objectNumber === undefined || offset === undefined) break;
    const object = parseObject(decoded.subarray(first.asNumber() + offset), context);
    if (object) members.push([PDFRef.of(objectNumber), object]);
  }
  return members;
}

export function indexPdfObjects(pdf: Uint8Array): PdfObjectIndex {
  const context = PDFContext.create();
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length).toString('latin1');
  let catalog: PDFDict | undefined;
  const remember = (ref: PDFRef, object: PDFObject) => {
    context.assign(ref, object);
    if (typeOf(object) === PDFName.of('Catalog') && object instanceof PDFDict) catalog = object;
  };
  OBJECT_HEADER.lastIndex = 0;
  for (let match = OBJECT_HEADER.exec(text); match; match = OBJECT_HEADER.exec(text)) {
    const bodyStart = match.index + match[0].length;
    const object = parseObject(pdf.subarray(bodyStart), context);
    if (!object) continue;
    if (object instanceof PDFRawStream) {
      // Skip the stream's data so that its bytes are not mistaken for object headers.
      OBJECT_HEADER.lastIndex = bodyStart + object.contents.length;
      if (typeOf(object) === PDFName.of('ObjStm')) {
        for (const [ref, member] of objectStreamMembers(object, context)) remember(ref, member);
        continue;
      }
    }
    remember(PDFRef.of(Number(match[1]), Number(match[2])), object);
  }
  return { context, catalog };
}

function decodeText(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

export function lookupDict(context: PDFContext, value: PDFObject | undefined): PDFDict | undefined {
  const resolved = value instanceof PDFRef ? context.lookup(value) : value;
  return resolved instanceof PDFDict ? resolved : undefined;
}

export function lookupArray(context: PDFContext, value: PDFObject | undefined): PDFArray | undefined {
  const resolved = value instanceof PDFRef ? context.lookup(value) : value;
  return resolved instanceof PDFArray ? resolved : undefined;
}

export interface FieldVisit {
  field: PDFDict;
  name: string;
  type: PDFObject | undefined;
}

/** Every terminal field under the AcroForm, with its full name and its (inherited) /FT. */
export function walkFields(context: PDFContext, acroForm: PDFDict | undefined): FieldVisit[] {
  const visits: FieldVisit[] = [];
  const seen = new Set<PDFDict>();
  const visit = (entry: PDFObject, parentName: string, parentType: PDFObject | undefined) => {
    const field = lookupDict(context, entry);
    if (!field || seen.has(field)) return;
    seen.add(field);
    const partial = decodeText(field.get(PDFName.of('T')));
    const name = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial;
    const type = field.get(PDFName.of('FT')) ?? parentType;
    const kids = lookupArray(context, field.get(PDFName.of('Kids')));
    const namedKids = kids?.asArray().filter((kid) => lookupDict(context, kid)?.has(PDFName.of('T')));
    if (namedKids && namedKids.length > 0) namedKids.forEach((kid) => visit(kid, name, type));
    else visits.push({ field, name, type });
  };
  lookupArray(context, acroForm?.get(PDFName.of('Fields')))
    ?.asArray()
    .forEach((entry) => visit(entry, '', undefined));
  return visits;
}
