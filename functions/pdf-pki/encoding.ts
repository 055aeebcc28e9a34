import { createHash } from 'node:crypto';

/** Byte helpers shared by the signing use cases: digests and the text forms records and the API use. */
export const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
export const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
export const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
export const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
export const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);

/** The CN of an RFC 4514 subject string, e.g. for the signer name shown in a PDF. */
export function commonName(subject: string): string | undefined {
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1];
}
