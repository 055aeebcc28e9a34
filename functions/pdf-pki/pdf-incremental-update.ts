/**
 * Writes a PDF incremental update: changed and new objects appended after the original
 * bytes, then a cross-reference section chained to the previous one with /Prev. The
 * original bytes are never touched, which is what keeps earlier signatures valid. The
 * new section has the same form as the previous one (table or stream), because readers
 * are not required to follow a classic table's /Prev into a cross-reference stream.
 */
import {
  PDFContext,
  PDFCrossRefStream,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  type PDFObject,
} from 'pdf-lib';

export interface PreviousRevision {
  /** Offset of the previous cross-reference section (its startxref value). */
  startXref: number;
  usesXrefStream: boolean;
  /** The previous trailer's /Size: the first object number free for new objects. */
  size: number;
  /** /ID from the previous trailer, carried into the new one. */
  id: PDFObject | undefined;
}

/** One object of the update: pdf-lib objects are serialised by pdf-lib, raw text is written as is. */
export type UpdateObject = { ref: PDFRef; object: PDFObject } | { ref: PDFRef; text: string };

export interface WrittenUpdate {
  bytes: Uint8Array;
  /** Absolute offset in `bytes` where each object's body (after "n g obj\n") starts. */
  bodyOffsets: Map<number, number>;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const matches = [...tail.matchAll(/startxref\s+(\d+)/g)];
  const offset = Number(matches.at(-1)?.[1]);
  if (!Number.isInteger(offset) || offset >= pdf.length) throw new Error('no startxref');
  return offset;
}

function parseObjectAt(pdf: Uint8Array, offset: number, context: PDFContext): PDFObject {
  return PDFObjectParser.forBytes(pdf.subarray(offset), context).parseObject();
}

/** Reads where the previous cross-reference section is, its form and its trailer's /Size and /ID. */
export function readPreviousRevision(pdf: Uint8Array, context: PDFContext): PreviousRevision {
  const startXref = lastStartXref(pdf);
  const head = Buffer.from(pdf.subarray(startXref, startXref + 64)).toString('latin1');
  const usesXrefStream = !head.startsWith('xref');
  let trailer: PDFObject;
  if (usesXrefStream) {
    const header = /^\s*\d+\s+\d+\s+obj\s*/.exec(head);
    if (!header) throw new Error('no cross-reference stream at startxref');
    const stream = parseObjectAt(pdf, startXref + header[0].length, context);
    trailer = stream instanceof PDFRawStream ? stream.dict : stream;
  } else {
    const at = Buffer.from(pdf).indexOf('trailer', startXref, 'latin1');
    if (at < 0) throw new Error('no trailer');
    trailer = parseObjectAt(pdf, at + 'trailer'.length, context);
  }
  if (!(trailer instanceof PDFDict)) throw new Error('no trailer dictionary');
  const size = trailer.get(PDFName.of('Size'));
  return {
    startXref,
    usesXrefStream,
    size: size instanceof PDFNumber ? size.asNumber() : 0,
    id: trailer.get(PDFName.of('ID')),
  };
}

function serialize(object: PDFObject): Uint8Array {
  const buffer = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(buffer, 0);
  return buffer;
}

function xrefTable(entries: Array<{ ref: PDFRef; offset: number }>): string {
  let table = 'xref\n';
  let index = 0;
  while (index < entries.length) {
    let end = index + 1;
    while (end < entries.length && entries[end]!.ref.objectNumber === entries[end - 1]!.ref.objectNumber + 1) end += 1;
    table += `${entries[index]!.ref.objectNumber} ${end - index}\n`;
    for (const { ref, offset } of entries.slice(index, end)) {
      table += `${String(offset).padStart(10, '0')} ${String(ref.generationNumber).padStart(5, '0')} n\r\n`;
    }
    index = end;
  }
  return table;
}

/**
 * Appends `objects` and a cross-reference section to `pdf`. `trailer` holds /Root, /Info;
 * /Size, /Prev and /ID are filled in here. `xrefStreamRef` is required when the previous
 * revision uses a cross-reference stream.
 */
export function writeIncrementalUpdate(input: {
  pdf: Uint8Array;
  context: PDFContext;
  previous: PreviousRevision;
  objects: UpdateObject[];
  trailer: { Root: PDFRef; Info?: PDFObject };
  xrefStreamRef?: PDFRef;
}): WrittenUpdate {
  const { pdf, context, previous } = input;
  const chunks: Uint8Array[] = [pdf];
  let offset = pdf.length;
  const append = (bytes: Uint8Array) => {
    chunks.push(bytes);
    offset += bytes.length;
  };
  if (pdf[pdf.length - 1] !== 0x0a && pdf[pdf.length - 1] !== 0x0d) append(latin1('\n'));

  const entries: Array<{ ref: PDFRef; offset: number }> = [];
  const bodyOffsets = new Map<number, number>();
  for (const item of input.objects) {
    entries.push({ ref: item.ref, offset });
    const header = latin1(`${item.ref.objectNumber} ${item.ref.generationNumber} obj\n`);
    append(header);
    bodyOffsets.set(item.ref.objectNumber, offset);
    append('text' in item ? latin1(item.text) : serialize(item.object));
    append(latin1('\nendobj\n'));
  }

  const allRefs = [...input.objects.map((item) => item.ref), ...(input.xrefStreamRef ? [input.xrefStreamRef] : [])];
  const size = Math.max(previous.size, ...allRefs.map((ref) => ref.objectNumber + 1));
  const trailer = context.obj({
    Size: size,
    Root: input.trailer.Root,
    Info: input.trailer.Info,
    ID: previous.id,
    Prev: previous.startXref,
  });
  const xrefOffset = offset;
  if (previous.usesXrefStream) {
    if (!input.xrefStreamRef) throw new Error('a cross-reference stream needs an object number');
    entries.push({ ref: input.xrefStreamRef, offset: xrefOffset });
    entries.sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
    // PDFCrossRefStream.create adds the object-0 free entry, harmless in an update.
    const stream = PDFCrossRefStream.create(trailer);
    for (const entry of entries) stream.addUncompressedEntry(entry.ref, entry.offset);
    append(latin1(`${input.xrefStreamRef.objectNumber} 0 obj\n`));
    append(serialize(stream));
    append(latin1('\nendobj\n'));
  } else {
    entries.sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
    append(latin1(`${xrefTable(entries)}trailer\n`));
    append(serialize(trailer));
    append(latin1('\n'));
  }
  append(latin1(`startxref\n${xrefOffset}\n%%EOF\n`));
  const bytes = Buffer.concat(chunks);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), bodyOffsets };
}
