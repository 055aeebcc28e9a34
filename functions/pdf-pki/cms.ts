/**
 * Detached CMS (CAdES-BES) signatures: the signed attributes a signer signs, the SignedData
 * that carries the signature and chain, and the check of a CMS against its content.
 * The signature value itself is made elsewhere (KMS, a token, a phone), which is why
 * building the attributes and assembling the CMS are two steps.
 */
import { createHash, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfPkiInputError } from './errors.ts';
import { certificatePublicKey, decodeCertificate } from './certificates.ts';
import { toArrayBuffer } from './crypto-engine.ts';
import { toHex } from './encoding.ts';

export interface CmsCheck {
  /** The message-digest attribute equals the digest of the content. */
  intact: boolean;
  /** The signature over the signed attributes verifies with the signer certificate's key. */
  signatureValid: boolean;
  signerCertificate?: Uint8Array;
  /** Every certificate the CMS carries, signer first. */
  certificates: Uint8Array[];
  /** Hex of the message-digest attribute. */
  contentDigest: string;
  digestAlgorithm: 'SHA-256' | string;
  /** ISO, from the signing-time attribute when present. */
  signingTime?: string;
  /** A safe sentence when intact or signatureValid is false. */
  reason?: string;
}

export class InvalidSignatureFormatError extends PdfPkiInputError {}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** Digest algorithms a signer may have used, as WebCrypto and Node name them. */
const DIGESTS: Record<string, { name: string; node: string }> = {
  '1.3.14.3.2.26': { name: 'SHA-1', node: 'sha1' },
  [OID.sha256]: { name: 'SHA-256', node: 'sha256' },
  '2.16.840.1.101.3.4.2.2': { name: 'SHA-384', node: 'sha384' },
  '2.16.840.1.101.3.4.2.3': { name: 'SHA-512', node: 'sha512' },
};

const DIRECTORY_NAME = 4; // GeneralName [4]
const SUBJECT_KEY_IDENTIFIER_OID = '2.5.29.14';

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** ESS SigningCertificateV2 (RFC 5035): hashAlgorithm is omitted because SHA-256 is its DER default. */
function signingCertificateV2(certificateDer: Uint8Array): asn1js.Sequence {
  const certificate = decodeCertificate(certificateDer);
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({
      names: [new pkijs.GeneralName({ type: DIRECTORY_NAME, value: certificate.issuer })],
    }),
    serialNumber: certificate.serialNumber,
  });
  const certHash = new asn1js.OctetString({ valueHex: createHash('sha256').update(certificateDer).digest() });
  const essCertIdV2 = new asn1js.Sequence({ value: [certHash, issuerSerial.toSchema()] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * DER of the signed attributes (the SET OF Attribute whose DER is what gets signed):
 * content-type id-data, message-digest, signing-certificate-v2, and signing-time only
 * when given (CAdES for other files; PAdES must leave it out and use the PDF's /M).
 */
export function buildSignedAttributes(input: {
  contentDigest: Uint8Array;
  signerCertificate: Uint8Array;
  signingTime?: Date;
}): Uint8Array {
  const attributes = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(input.contentDigest) })),
    attribute(OID.signingCertificateV2, signingCertificateV2(input.signerCertificate)),
  ];
  if (input.signingTime)
    attributes.push(attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: input.signingTime })));
  // DER orders a SET OF by encoding; verifiers (OpenSSL) re-encode it that way before checking.
  const encoded = attributes.map((item) => new Uint8Array(item.toSchema().toBER(false))).sort(compareBytes);
  const set = new asn1js.Set({ value: encoded.map((der) => asn1js.fromBER(toArrayBuffer(der)).result) });
  return new Uint8Array(set.toBER(false));
}

/** The signedAttrs field as SignerInfo holds it: the same SET, tagged [0] IMPLICIT. */
function decodeSignedAttributes(signedAttributes: Uint8Array): pkijs.SignedAndUnsignedAttributes {
  const tagged = Uint8Array.from(signedAttributes);
  tagged[0] = 0xa0;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(tagged));
    const attributes = new pkijs.SignedAndUnsignedAttributes({ type: 0, schema: parsed.result });
    if (compareBytes(new Uint8Array(attributes.toSchema().toBER(false)), tagged) !== 0) throw new Error('not DER');
    return attributes;
  } catch (error) {
    throw new InvalidSignatureFormatError('The signed attributes are not a DER-encoded attribute set.', {
      cause: error,
    });
  }
}

/** The CMS signature algorithm that matches the signer's key type. */
function signatureAlgorithmFor(certificate: pkijs.Certificate): pkijs.AlgorithmIdentifier {
  switch (certificate.subjectPublicKeyInfo.algorithm.algorithmId) {
    case OID.ecPublicKey:
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
    case OID.rsaEncryption:
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() });
    default:
      throw new InvalidSignatureFormatError(
        'The signer certificate has a key type that cannot sign here (EC or RSA only).',
      );
  }
}

/**
 * Detached CMS ContentInfo(SignedData) DER with SHA-256, the given signed attributes and signature, and the chain (leaf
 * first).
 */
export function assembleCms(input: {
  signedAttributes: Uint8Array;
  signature: Uint8Array;
  chain: Uint8Array[];
}): Uint8Array {
  const [leafDer] = input.chain;
  if (!leafDer) throw new InvalidSignatureFormatError('A signer certificate is required.');
  const certificates = input.chain.map(decodeCertificate);
  const leaf = certificates[0]!;
  const sha256 = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm: sha256,
    signedAttrs: decodeSignedAttributes(input.signedAttributes),
    signatureAlgorithm: signatureAlgorithmFor(leaf),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(input.signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

function verifySignature(data: Uint8Array, signature: Uint8Array, certificate: Uint8Array, digest: string): boolean {
  try {
    const key = {
      key: Buffer.from(certificatePublicKey(certificate)),
      format: 'der',
      type: 'spki',
      dsaEncoding: 'der',
    } as const;
    return verify(digest, data, key, signature);
  } catch {
    return false; // a key or signature that cannot even be read does not verify
  }
}

/** Verifies a raw signature value (ECDSA DER-encoded, or RSA PKCS#1 v1.5, both SHA-256) over DER signed attributes. */
export async function verifyRawSignature(input: {
  signedAttributes: Uint8Array;
  signature: Uint8Array;
  certificate: Uint8Array;
}): Promise<boolean> {
  return verifySignature(input.signedAttributes, input.signature, input.certificate, 'sha256');
}

function decodeSignedData(cms: Uint8Array): pkijs.SignedData {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
    if (contentInfo.contentType !== OID.signedData) throw new Error('not SignedData');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length === 0) throw new Error('no signer');
    return signedData;
  } catch (error) {
    throw new InvalidSignatureFormatError('The signature is not a CMS SignedData structure.', { cause: error });
  }
}

/** A SubjectKeyIdentifier sid is kept by pkijs as the raw [0] primitive holding the key id. */
function sidKeyIdentifier(sid: unknown): Uint8Array | undefined {
  return sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : undefined;
}

function isSigner(certificate: pkijs.Certificate, signerInfo: pkijs.SignerInfo): boolean {
  if (signerInfo.sid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      certificate.issuer.isEqual(signerInfo.sid.issuer) && certificate.serialNumber.isEqual(signerInfo.sid.serialNumber)
    );
  }
  const wanted = sidKeyIdentifier(signerInfo.sid);
  const own = certificate.extensions?.find((extension) => extension.extnID === SUBJECT_KEY_IDENTIFIER_OID)?.parsedValue;
  return (
    wanted !== undefined && own instanceof asn1js.OctetString && compareBytes(own.valueBlock.valueHexView, wanted) === 0
  );
}

function attributeValue(attributes: pkijs.SignedAndUnsignedAttributes | undefined, type: string): unknown {
  return attributes?.attributes.find((candidate) => candidate.type === type)?.values[0];
}

function signingTimeOf(attributes: pkijs.SignedAndUnsignedAttributes | undefined): string | undefined {
  const value = attributeValue(attributes, OID.signingTime);
  return value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime
    ? value.toDate().toISOString()
    : undefined;
}

function digestOf(content: Uint8Array | { sha256: Uint8Array }, digest: { name: string; node: string } | undefined) {
  if (!digest) return undefined;
  if (content instanceof Uint8Array) return new Uint8Array(createHash(digest.node).update(content).digest());
  return digest.name === 'SHA-256' ? content.sha256 : undefined;
}

/**
 * Checks a detached CMS against the content (bytes) or its SHA-256 digest: integrity from
 * the message-digest attribute, cryptographic validity of the first signer's signature.
 * Throws InvalidSignatureFormatError only when the bytes are not a CMS SignedData at all.
 */
export async function inspectCms(cms: Uint8Array, content: Uint8Array | { sha256: Uint8Array }): Promise<CmsCheck> {
  const signedData = decodeSignedData(cms);
  const signerInfo = signedData.signerInfos[0]!;
  const carried = (signedData.certificates ?? []).filter((item) => item instanceof pkijs.Certificate);
  const signer = carried.find((certificate) => isSigner(certificate, signerInfo));
  const certificates = [...(signer ? [signer] : []), ...carried.filter((item) => item !== signer)].map(
    (certificate) => new Uint8Array(certificate.toSchema().toBER(false)),
  );
  const digest = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  const messageDigest = attributeValue(signerInfo.signedAttrs, OID.messageDigest);
  const claimed = messageDigest instanceof asn1js.OctetString ? messageDigest.valueBlock.valueHexView : undefined;
  const actual = digestOf(content, digest);
  const intact = claimed !== undefined && actual !== undefined && compareBytes(claimed, actual) === 0;
  const signatureValid =
    signer !== undefined &&
    signerInfo.signedAttrs !== undefined &&
    digest !== undefined &&
    verifySignature(
      new Uint8Array(signerInfo.signedAttrs.encodedValue),
      signerInfo.signature.valueBlock.valueHexView,
      certificates[0]!,
      digest.node,
    );
  const reasons = [
    ...(intact ? [] : [integrityReason(claimed, actual, digest)]),
    ...(signatureValid ? [] : [signatureReason(signer, signerInfo)]),
  ];
  const signingTime = signingTimeOf(signerInfo.signedAttrs);
  return {
    intact,
    signatureValid,
    ...(signer ? { signerCertificate: certificates[0] } : {}),
    certificates,
    contentDigest: claimed ? toHex(claimed) : '',
    digestAlgorithm: digest?.name ?? signerInfo.digestAlgorithm.algorithmId,
    ...(signingTime ? { signingTime } : {}),
    ...(reasons.length > 0 ? { reason: reasons.join(' ') } : {}),
  };
}

function integrityReason(claimed: Uint8Array | undefined, actual: Uint8Array | undefined, digest: unknown): string {
  if (!digest) return 'The signature uses a digest algorithm that is not supported.';
  if (!claimed) return 'The signature has no message-digest attribute.';
  if (!actual) return 'The content digest was given as SHA-256 but the signature uses another digest algorithm.';
  return 'The signed content has been modified: its digest does not match the signature.';
}

function signatureReason(signer: pkijs.Certificate | undefined, signerInfo: pkijs.SignerInfo): string {
  if (!signer) return 'The signature does not carry its signer certificate.';
  if (!signerInfo.signedAttrs) return 'The signature has no signed attributes.';
  return 'The signature value does not verify with the signer certificate.';
}
