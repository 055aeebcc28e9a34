/**
 * One place that wires Node's WebCrypto into pkijs, so every signing
 * module uses the same engine whichever of them is imported first.
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));

/** Node's WebCrypto key type, named here because the project compiles without the DOM lib. */
export type CryptoKey = webcrypto.CryptoKey;

export const subtle: webcrypto.SubtleCrypto = webcrypto.subtle;

/** A standalone ArrayBuffer holding exactly these bytes (a view may share a larger buffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
