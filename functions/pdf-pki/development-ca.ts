/**
 * A development certificate authority: the embedded runtime creates one on first start
 * (root → agency certificate) and tests use it as their trust anchor. Production imports
 * its certificates and never calls this module.
 */
import { createHash, type webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { subtle, toArrayBuffer, type CryptoKey } from './crypto-engine.ts';

export type { CryptoKey };

export interface IssuedCredential {
  certificate: Uint8Array;
  privateKey: CryptoKey;
  privateKeyPkcs8: Uint8Array;
}

/** A certificate for a key held elsewhere (KMS, a token): there is no private key to return. */
export interface IssuedCertificate {
  certificate: Uint8Array;
  privateKey: undefined;
  privateKeyPkcs8: undefined;
}

type KeyAlgorithmName = 'EC' | 'RSA';

interface IssueCertificateInput {
  issuer: IssuedCredential;
  commonName: string;
  organization?: string;
  /** X.520 serialNumber attribute, e.g. a personal ID number. */
  subjectSerialNumber?: string;
  /** SPKI DER of a key held elsewhere; when absent a fresh key pair is made. */
  publicKey?: Uint8Array;
  validFrom?: Date;
  validDays?: number;
  algorithm?: KeyAlgorithmName;
}

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const RSA_KEY: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const DAY_MS = 86_400_000;

const OID = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/** KeyUsage bits as the DER BIT STRING's first byte (bit 0 is the high bit) and its unused-bit count. */
const KEY_USAGE = {
  certificateAuthority: { byte: 0x06, unusedBits: 1 }, // keyCertSign | cRLSign
  endEntity: { byte: 0xc0, unusedBits: 6 }, // digitalSignature | nonRepudiation
} as const;

function keyParams(algorithm: KeyAlgorithmName): webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams {
  return algorithm === 'RSA' ? RSA_KEY : EC_KEY;
}

async function generateKeyPair(algorithm: KeyAlgorithmName): Promise<webcrypto.CryptoKeyPair> {
  return (await subtle.generateKey(keyParams(algorithm), true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/**
 * Names are UTF8String (PrintableString cannot hold Vietnamese); serialNumber is
 * PrintableString per X.520. Each attribute is its own RDN: pkijs would otherwise put them
 * all in one multi-valued RDN.
 */
function distinguishedName(input: { commonName: string; organization?: string; subjectSerialNumber?: string }) {
  const rdns: Array<[string, asn1js.BaseStringBlock]> = [
    [OID.commonName, new asn1js.Utf8String({ value: input.commonName })],
  ];
  if (input.organization) rdns.push([OID.organization, new asn1js.Utf8String({ value: input.organization })]);
  if (input.subjectSerialNumber)
    rdns.push([OID.serialNumber, new asn1js.PrintableString({ value: input.subjectSerialNumber })]);
  const name = new asn1js.Sequence({
    value: rdns.map(
      ([type, value]) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] }),
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(name.toBER(false));
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType | pkijs.PkiObject): pkijs.Extension {
  const schema = value instanceof pkijs.PkiObject ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function keyUsage(usage: { byte: number; unusedBits: number }): pkijs.Extension {
  const bits = new asn1js.BitString({ valueHex: new Uint8Array([usage.byte]).buffer, unusedBits: usage.unusedBits });
  return extension(OID.keyUsage, true, bits);
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKeyInfo: pkijs.PublicKeyInfo): asn1js.OctetString {
  const digest = createHash('sha1').update(publicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  return new asn1js.OctetString({ valueHex: toArrayBuffer(digest) });
}

function randomSerial(): asn1js.Integer {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40; // positive, and no leading zero byte
  return new asn1js.Integer({ valueHex: bytes.buffer });
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime after. */
function certificateTime(value: Date): pkijs.Time {
  const type = value.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value });
}

async function buildCertificate(input: {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  publicKeyInfo: pkijs.PublicKeyInfo;
  authorityKeyInfo: pkijs.PublicKeyInfo;
  certificateAuthority: boolean;
  validFrom: Date | undefined;
  validDays: number;
  signingKey: CryptoKey;
}): Promise<Uint8Array> {
  const notBefore = input.validFrom ?? new Date(Date.now() - 60_000);
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: randomSerial(),
    subject: input.subject,
    issuer: input.issuer,
    subjectPublicKeyInfo: input.publicKeyInfo,
    notBefore: certificateTime(notBefore),
    notAfter: certificateTime(new Date(notBefore.getTime() + input.validDays * DAY_MS)),
    extensions: [
      extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: input.certificateAuthority })),
      keyUsage(input.certificateAuthority ? KEY_USAGE.certificateAuthority : KEY_USAGE.endEntity),
      extension(OID.subjectKeyIdentifier, false, keyIdentifier(input.publicKeyInfo)),
      extension(
        OID.authorityKeyIdentifier,
        false,
        new pkijs.AuthorityKeyIdentifier({ keyIdentifier: keyIdentifier(input.authorityKeyInfo) }),
      ),
    ],
  });
  await certificate.sign(input.signingKey as never, 'SHA-256');
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

async function publicKeyInfoOf(publicKey: CryptoKey): Promise<pkijs.PublicKeyInfo> {
  return pkijs.PublicKeyInfo.fromBER(await subtle.exportKey('spki', publicKey));
}

async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('pkcs8', key));
}

/** Self-signed root CA (P-256 ECDSA unless `algorithm: 'RSA'`), CA:true, keyCertSign|cRLSign. */
export async function createRootCa(input: {
  commonName: string;
  organization?: string;
  validFrom?: Date;
  validDays?: number;
  algorithm?: KeyAlgorithmName;
}): Promise<IssuedCredential> {
  const keys = await generateKeyPair(input.algorithm ?? 'EC');
  const name = distinguishedName(input);
  const publicKeyInfo = await publicKeyInfoOf(keys.publicKey);
  const certificate = await buildCertificate({
    subject: name,
    issuer: name,
    publicKeyInfo,
    authorityKeyInfo: publicKeyInfo,
    certificateAuthority: true,
    validFrom: input.validFrom,
    validDays: input.validDays ?? 3650,
    signingKey: keys.privateKey,
  });
  return { certificate, privateKey: keys.privateKey, privateKeyPkcs8: await exportPkcs8(keys.privateKey) };
}

/**
 * End-entity certificate signed by the issuer (digitalSignature|nonRepudiation), for
 * `publicKey` when given, else for a fresh key pair whose private key is returned too.
 */
export async function issueCertificate(
  input: IssueCertificateInput & { publicKey: Uint8Array },
): Promise<IssuedCertificate>;
export async function issueCertificate(
  input: IssueCertificateInput & { publicKey?: undefined },
): Promise<IssuedCredential>;
export async function issueCertificate(input: IssueCertificateInput): Promise<IssuedCredential | IssuedCertificate>;
export async function issueCertificate(input: IssueCertificateInput): Promise<IssuedCredential | IssuedCertificate> {
  const keys = input.publicKey ? undefined : await generateKeyPair(input.algorithm ?? 'EC');
  const publicKeyInfo = input.publicKey
    ? pkijs.PublicKeyInfo.fromBER(toArrayBuffer(input.publicKey))
    : await publicKeyInfoOf(keys!.publicKey);
  const issuer = pkijs.Certificate.fromBER(toArrayBuffer(input.issuer.certificate));
  const certificate = await buildCertificate({
    subject: distinguishedName(input),
    issuer: issuer.subject,
    publicKeyInfo,
    authorityKeyInfo: issuer.subjectPublicKeyInfo,
    certificateAuthority: false,
    validFrom: input.validFrom,
    validDays: input.validDays ?? 730,
    signingKey: input.issuer.privateKey,
  });
  if (!keys) return { certificate, privateKey: undefined, privateKeyPkcs8: undefined };
  return { certificate, privateKey: keys.privateKey, privateKeyPkcs8: await exportPkcs8(keys.privateKey) };
}

/** Signs the SHA-256 digest of `data`; ECDSA comes back DER-encoded (as CMS needs), not as WebCrypto's raw r||s. */
export async function signWithKey(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const ecdsa = privateKey.algorithm.name === 'ECDSA';
  const algorithm = ecdsa ? { name: 'ECDSA', hash: 'SHA-256' } : { name: privateKey.algorithm.name };
  const signature = await subtle.sign(algorithm, privateKey, toArrayBuffer(data));
  return new Uint8Array(ecdsa ? pkijs.createCMSECDSASignature(signature) : signature);
}

export async function importPkcs8(pkcs8: Uint8Array, algorithm: KeyAlgorithmName): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', toArrayBuffer(pkcs8), keyParams(algorithm), true, ['sign']);
}
