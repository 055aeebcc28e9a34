import { z } from 'zod';
import { resourceId } from '../../platform/http/contract/schemas.ts';
import { documentRevocation } from '../../vault/contract/schemas.ts';

const signatureProvider = z.enum(['agency-seal', 'ca-token', 'ban-co-yeu', 'sim', 'smartca']);

/** PEM certificates; a chain of a few certificates is a few kilobytes. */
const pemCertificates = z
  .string()
  .min(1)
  .max(32_768)
  .regex(/-----BEGIN CERTIFICATE-----/, 'must be PEM certificates');

const base64 = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const signatureParams = z.strictObject({ id: resourceId, sid: resourceId });

export const providerParams = z.strictObject({ provider: signatureProvider });

export const requestSignatureBody = z
  .strictObject({
    provider: signatureProvider
      .exclude(['agency-seal'])
      .describe(
        'ca-token and ban-co-yeu: the client signs (give certificateChain); sim and smartca: the signer confirms on their phone (give account)',
      ),
    version: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('The version to sign; the current one by default'),
    certificateChain: pemCertificates
      .optional()
      .describe('Deferred providers: the signer certificate, then its issuers'),
    account: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9+._@-]+$/, 'must be a mobile number or a user ID')
      .optional()
      .describe('Remote providers: the mobile number (sim) or the SmartCA user ID'),
  })
  .meta({
    id: 'RequestSignature',
    // What each kind of provider needs, as the core checks it.
    allOf: [
      {
        if: { properties: { provider: { enum: ['ca-token', 'ban-co-yeu'] } } },
        then: { required: ['certificateChain'] },
      },
      { if: { properties: { provider: { enum: ['sim', 'smartca'] } } }, then: { required: ['account'] } },
    ],
  });

export const completeSignatureBody = z
  .strictObject({
    signature: base64(4096)
      .optional()
      .describe('The raw signature over the challenge digest (DER ECDSA or PKCS#1 v1.5), base64'),
    cms: base64(65_536)
      .optional()
      .describe('Or a detached CMS SignedData over the challenge contentDigest, base64 DER'),
    certificateChain: pemCertificates
      .optional()
      .describe('When given, its first certificate must be the one the request was prepared for'),
  })
  .refine((body) => (body.signature === undefined) !== (body.cms === undefined), 'give either signature or cms')
  .meta({ id: 'CompleteSignature', oneOf: [{ required: ['signature'] }, { required: ['cms'] }] });

const certificateFacts = z
  .object({
    subject: z.string(),
    issuer: z.string(),
    serialNumber: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    sha256: z.string(),
  })
  .meta({ id: 'CertificateFacts' });

export const documentSignature = z
  .object({
    id: z.string(),
    documentId: z.string(),
    provider: signatureProvider,
    format: z.enum(['pades', 'cades-detached']),
    status: z.enum(['pending', 'completed', 'failed', 'expired']),
    versionNumber: z.number().int().describe('The version whose content is signed'),
    signedVersionNumber: z.number().int().optional().describe('PAdES: the version holding the signed PDF'),
    requestedBy: z.object({ sub: z.string(), role: z.string(), unit: z.string().optional() }),
    requestedAt: z.string(),
    completedAt: z.string().optional(),
    expiresAt: z.string(),
    digestAlgorithm: z.literal('SHA-256'),
    contentDigest: z.string().describe('Hex SHA-256 of the signed content'),
    signedAttributesDigest: z.string().optional(),
    certificate: certificateFacts.optional(),
    remote: z.object({ account: z.string() }).optional(),
    failureReason: z.string().optional(),
  })
  .meta({ id: 'DocumentSignature' });

export const signatureList = z.object({ items: z.array(documentSignature) }).meta({ id: 'SignatureList' });

export const requestedSignature = z
  .object({
    signature: documentSignature,
    challenge: z
      .object({
        digestAlgorithm: z.literal('SHA-256'),
        signedAttributes: z.string().describe('Base64 DER signed attributes'),
        digest: z.string().describe('Base64 SHA-256 of signedAttributes: sign this with the token'),
        contentDigest: z
          .string()
          .describe('Hex SHA-256 of the content: a client-built CMS carries it as message digest'),
      })
      .optional()
      .describe('Deferred providers: what the client signs'),
  })
  .meta({ id: 'RequestedSignature' });

export const verification = z
  .object({
    documentId: z.string(),
    version: z.number().int(),
    sha256: z.string(),
    valid: z.boolean().describe('At least one signature, and every one valid'),
    signatures: z.array(
      z.object({
        kind: z.enum(['embedded', 'detached']),
        signatureId: z.string().optional(),
        provider: signatureProvider.optional(),
        signer: certificateFacts.optional(),
        signingTime: z.string().optional(),
        integrity: z.boolean(),
        cryptographicallyValid: z.boolean(),
        trusted: z.boolean(),
        trustedFor: signatureProvider.optional(),
        validAtSigningTime: z.boolean(),
        coversWholeDocument: z.boolean(),
        modifiedAfterSigning: z.boolean(),
        valid: z.boolean(),
        problems: z.array(z.string()),
      }),
    ),
    revoked: documentRevocation.optional(),
  })
  .meta({ id: 'Verification' });

const sealStatus = z.enum(['configured', 'not-configured', 'expired', 'not-yet-valid']);

export const signingSettings = z
  .object({
    seal: z.object({
      /** True only while the seal can seal now: a certificate imported and valid (as readiness judges it). */
      configured: z.boolean(),
      status: sealStatus,
      /** Why the seal cannot seal, while it cannot. */
      reason: z.string().optional(),
      certificates: z.array(certificateFacts),
    }),
    providers: z.array(
      z.object({
        name: signatureProvider,
        mode: z.enum(['seal', 'deferred', 'remote']).nullable(),
        trustAnchors: z.array(certificateFacts),
      }),
    ),
  })
  .meta({ id: 'SigningSettings' });

export const readiness = z
  .object({
    /** True when nothing below stops this stage from issuing results. */
    ready: z.boolean(),
    seal: z.object({
      status: sealStatus,
      subject: z.string().optional(),
      serialNumber: z.string().optional(),
      notBefore: z.string().optional(),
      notAfter: z.string().optional(),
      /** What an administrator must do, while the seal is not ready. */
      action: z.string().optional(),
    }),
  })
  .meta({ id: 'Readiness' });

export const trustAnchorsBody = z.strictObject({ certificates: pemCertificates }).meta({ id: 'TrustAnchors' });

export const sealCertificateBody = z
  .strictObject({ certificateChain: pemCertificates })
  .meta({ id: 'SealCertificate' });

export const certificateList = z.object({ items: z.array(certificateFacts) }).meta({ id: 'CertificateList' });
