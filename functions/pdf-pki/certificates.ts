/**
 * X.509 certificates as the signing code sees them: parsing PEM/base64 input, a summary
 * for the signing history, and the chain check that verification reports.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfPkiInputError } from './errors.ts';
import { toArrayBuffer } from './crypto-engine.ts';
import { sameBytes, sha256, toHex } from './encoding.ts';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** Lower-case hex, without the sign-padding zero byte. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Hex SHA-256 of the DER: the certificate's fingerprint. */
  sha256: string;
}

export class InvalidCertificateError extends PdfPkiInputError {}

export interface ChainCheck {
  /** The chain builds to one of the anchors and every signature in it verifies. */
  trusted: boolean;
  /** Every certificate of the path is valid at the time asked about. */
  validAtTime: boolean;
  /** A safe English sentence when either is false. */
  reason?: string;
  anchor?: CertificateSummary;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_CHAIN_LENGTH = 8;
const BASIC_CONSTRAINTS_OID = '2.5.29.19';

/** Short names for the attributes Vietnamese certificates use; others print as their OID. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

/** Parses DER into a pkijs certificate, or throws InvalidCertificateError. */
export function decodeCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (error) {
    throw new InvalidCertificateError('The certificate is not a valid X.509 certificate.', { cause: error });
  }
}

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new InvalidCertificateError('The certificate is not valid PEM or base64.');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** PEM bundle (one or more BEGIN CERTIFICATE blocks) or base64 DER (one certificate) → DER list, in order. */
export function parseCertificates(text: string): Uint8Array[] {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((match) => match[1] ?? '');
  const ders = blocks.length > 0 ? blocks.map(decodeBase64) : [decodeBase64(text)];
  for (const der of ders) decodeCertificate(der);
  return ders;
}

export function toPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function attributeValue(value: unknown): string {
  if (value instanceof asn1js.BaseStringBlock) return value.valueBlock.value;
  if (value instanceof asn1js.BaseBlock) return `#${toHex(new Uint8Array(value.toBER(false)))}`;
  return String(value);
}

/** One line, attributes in certificate order: "CN=…, O=…". */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((attribute) => `${ATTRIBUTE_NAMES[attribute.type] ?? attribute.type}=${attributeValue(attribute.value)}`)
    .join(', ');
}

function serialHex(certificate: pkijs.Certificate): string {
  return toHex(certificate.serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, '') || '0';
}

function summarize(certificate: pkijs.Certificate, der: Uint8Array): CertificateSummary {
  return {
    subject: formatName(certificate.subject),
    issuer: formatName(certificate.issuer),
    serialNumber: serialHex(certificate),
    notBefore: certificate.notBefore.value.toISOString(),
    notAfter: certificate.notAfter.value.toISOString(),
    sha256: toHex(sha256(der)),
  };
}

export function describeCertificate(der: Uint8Array): CertificateSummary {
  return summarize(decodeCertificate(der), der);
}

/** The SubjectPublicKeyInfo DER of a certificate. */
export function certificatePublicKey(der: Uint8Array): Uint8Array {
  return new Uint8Array(decodeCertificate(der).subjectPublicKeyInfo.toSchema().toBER(false));
}

interface ChainMember {
  certificate: pkijs.Certificate;
  der: Uint8Array;
}

function decodeMember(der: Uint8Array): ChainMember {
  return { certificate: decodeCertificate(der), der };
}

function isCertificateAuthority(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === BASIC_CONSTRAINTS_OID);
  return extension?.parsedValue instanceof pkijs.BasicConstraints && extension.parsedValue.cA === true;
}

async function issuedBy(subject: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  if (!subject.issuer.isEqual(issuer.subject)) return false;
  try {
    return await subject.verify(issuer);
  } catch {
    return false; // an unsupported or malformed signature is simply not a match
  }
}

function validAt(certificate: pkijs.Certificate, at: Date): boolean {
  return certificate.notBefore.value.getTime() <= at.getTime() && at.getTime() <= certificate.notAfter.value.getTime();
}

/**
 * Walks from the leaf up through the other chain certificates, each step checked by name
 * and signature, until a trust anchor signed the current certificate (or is it). Path
 * building is done here rather than by pkijs's validation engine so that "untrusted" and
 * "not valid at that time" stay two separate verdicts.
 */
async function buildPath(leaf: ChainMember, intermediates: ChainMember[], anchors: ChainMember[]) {
  const path: ChainMember[] = [leaf];
  let current = leaf;
  while (path.length <= MAX_CHAIN_LENGTH) {
    const anchor = anchors.find((candidate) => sameBytes(candidate.der, current.der));
    if (anchor) return { path, anchor };
    for (const candidate of anchors) {
      if (await issuedBy(current.certificate, candidate.certificate))
        return { path: [...path, candidate], anchor: candidate };
    }
    let next: ChainMember | undefined;
    for (const candidate of intermediates) {
      if (path.includes(candidate) || !isCertificateAuthority(candidate.certificate)) continue;
      if (await issuedBy(current.certificate, candidate.certificate)) {
        next = candidate;
        break;
      }
    }
    if (!next) break;
    path.push(next);
    current = next;
  }
  return { path, anchor: undefined };
}

/**
 * Builds a path from chain[0] (the leaf) through the other certificates to a trust anchor
 * and checks every certificate of it at `at`. Returns the verdict, never throws for an
 * untrusted or expired chain (only for bytes that are not certificates).
 */
export async function checkCertificateChain(input: {
  chain: Uint8Array[];
  trustAnchors: Uint8Array[];
  at: Date;
}): Promise<ChainCheck> {
  const [leafDer, ...rest] = input.chain;
  if (!leafDer) return { trusted: false, validAtTime: false, reason: 'No signer certificate was provided.' };
  const { path, anchor } = await buildPath(
    decodeMember(leafDer),
    rest.map(decodeMember),
    input.trustAnchors.map(decodeMember),
  );
  const expired = path.find((member) => !validAt(member.certificate, input.at));
  const reasons: string[] = [];
  if (!anchor) reasons.push('The certificate chain does not lead to a trusted root certificate.');
  if (expired) {
    reasons.push(
      `The certificate "${formatName(expired.certificate.subject)}" was not valid on ${input.at.toISOString()}.`,
    );
  }
  return {
    trusted: anchor !== undefined,
    validAtTime: expired === undefined,
    ...(reasons.length > 0 ? { reason: reasons.join(' ') } : {}),
    ...(anchor ? { anchor: summarize(anchor.certificate, anchor.der) } : {}),
  };
}
