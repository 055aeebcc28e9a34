import { PDFDocument } from 'pdf-lib';

/** Scan bytes made in code, so the tests do not depend on fixture files appearing. */

const fixedDate = new Date('2025-01-01T00:00:00.000Z');

export async function makePdf(pages = 1, options: { useObjectStreams?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setCreationDate(fixedDate);
  doc.setModificationDate(fixedDate);
  for (let i = 0; i < pages; i += 1) doc.addPage([200, 280]);
  return doc.save({ useObjectStreams: options.useObjectStreams ?? true });
}

/**
 * A PDF whose trailer names an /Encrypt dictionary, as a password-protected file's does.
 * The trailer sits after the xref table, so inserting into it moves no object offsets.
 */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const plain = Buffer.from(await makePdf(1, { useObjectStreams: false })).toString('latin1');
  const marker = 'trailer\n<<\n';
  const at = plain.lastIndexOf(marker);
  if (at < 0) throw new Error('pdf-lib output has no classic trailer');
  const encrypt =
    '/Encrypt << /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>\n';
  const insertAt = at + marker.length;
  return new Uint8Array(Buffer.from(plain.slice(0, insertAt) + encrypt + plain.slice(insertAt), 'latin1'));
}

/** A real 1 x 1 PNG. */
export const samplePng: Uint8Array = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/**
 * A file from test/fixtures when it is there (real files: qpdf-encrypted PDF, PNG bomb),
 * otherwise the stand-in made in code.
 */
export async function fixtureOr(name: string, fallback: () => Promise<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    return fallback();
  }
}
