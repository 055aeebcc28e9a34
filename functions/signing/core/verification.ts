import { NotFoundError } from '../../platform/core/errors.ts';
import type { CertificateFacts, DocumentSignature } from './signature-model.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { DocumentStore, VersionStore } from '../../vault/core/vault-store.ts';
import type { SignatureStore } from './signature-store.ts';
import type { CmsCheck } from '../../pdf-pki/cms.ts';
import { sha256, toHex } from '../../pdf-pki/encoding.ts';
import { checkCertificateChain, describeCertificate, inspectCms, parseCertificates, readPdfSignatures } from './pki.ts';
import { signatureProviderNames, type SignatureProviderName } from './signature-provider.ts';
import { isPdf } from './signatures.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface VerificationDeps extends Pick<VaultDeps, 'blobs' | 'signing'> {
  repository: DocumentStore & VersionStore & SignatureStore;
}

export interface SignatureVerdict {
  /** `embedded` for PAdES inside the PDF, `detached` for a `.p7s` beside the version. */
  kind: 'embedded' | 'detached';
  /** Our signature record, when the signature is one the vault made. */
  signatureId?: string;
  provider?: SignatureProviderName;
  signer?: CertificateFacts;
  /** Claimed by the signer (PDF /M or the signing-time attribute); there is no timestamp authority. */
  signingTime?: string;
  /** The signed bytes still hash to the digest the signature carries. */
  integrity: boolean;
  /** The signature verifies with the signer certificate's key. */
  cryptographicallyValid: boolean;
  /** The certificate chains to a configured trust anchor (of `trustedFor`). */
  trusted: boolean;
  trustedFor?: SignatureProviderName;
  /** Every certificate of the path was valid at the signing time. */
  validAtSigningTime: boolean;
  coversWholeDocument: boolean;
  /** Bytes were added after this signature that no later valid signature covers. */
  modifiedAfterSigning: boolean;
  valid: boolean;
  problems: string[];
}

export interface DocumentVerification {
  documentId: string;
  version: number;
  sha256: string;
  /** True when there is at least one signature and every one is valid. */
  valid: boolean;
  signatures: SignatureVerdict[];
  /** The issuer revoked the document: whatever its signatures say, it no longer stands. */
  revoked?: { at: string; reason: string; by: string };
}

type TrustAnchors = (provider: SignatureProviderName) => Promise<Uint8Array[] | undefined>;

/** Each provider's anchors read and parsed at most once per verification, however many signatures there are. */
function trustAnchorsOnce(deps: Pick<VaultDeps, 'signing'>): TrustAnchors {
  const loaded = new Map<SignatureProviderName, Promise<Uint8Array[] | undefined>>();
  return (provider) => {
    let anchors = loaded.get(provider);
    if (!anchors) {
      anchors = deps.signing.settings
        .getTrustAnchors(provider)
        .then((pem) => (pem ? parseCertificates(pem) : undefined));
      loaded.set(provider, anchors);
    }
    return anchors;
  };
}

/** Chain check against each provider's anchors; the first that trusts the chain wins. */
async function trustOf(anchorsOf: TrustAnchors, chain: Uint8Array[], at: Date, preferred?: SignatureProviderName) {
  const order = preferred
    ? [preferred, ...signatureProviderNames.filter((name) => name !== preferred)]
    : [...signatureProviderNames];
  let last: { trusted: boolean; validAtTime: boolean; reason?: string } = {
    trusted: false,
    validAtTime: false,
    reason: 'no trust anchor is configured',
  };
  for (const provider of order) {
    const trustAnchors = await anchorsOf(provider);
    if (!trustAnchors) continue;
    const check = await checkCertificateChain({ chain, trustAnchors, at });
    if (check.trusted) return { ...check, provider };
    last = check;
  }
  return { ...last, provider: undefined };
}

interface CheckedSignature {
  record?: DocumentSignature;
  coversWholeDocument: boolean;
  modifiedAfterSigning: boolean;
  claimedTime?: string;
  rangeProblem?: string;
}

async function verdictOf(
  anchorsOf: TrustAnchors,
  kind: SignatureVerdict['kind'],
  cms: CmsCheck,
  checked: CheckedSignature,
): Promise<SignatureVerdict> {
  const problems: string[] = checked.rangeProblem ? [checked.rangeProblem] : [];
  const signingTime = checked.claimedTime ?? cms.signingTime ?? checked.record?.completedAt;
  const at = signingTime ? new Date(signingTime) : new Date();
  // inspectCms lists the signer certificate first, as a chain starts.
  const trust = cms.signerCertificate
    ? await trustOf(anchorsOf, cms.certificates, at, checked.record?.provider)
    : {
        trusted: false,
        validAtTime: false,
        reason: 'the signature carries no signer certificate',
        provider: undefined,
      };
  if (!cms.intact) problems.push(cms.reason ?? 'The signed content has changed');
  if (!cms.signatureValid) problems.push(cms.reason ?? 'The signature does not verify');
  if (!trust.trusted) problems.push(`Not trusted: ${trust.reason ?? 'no path to a trust anchor'}`);
  if (trust.trusted && !trust.validAtTime)
    problems.push(`Certificate not valid at signing time: ${trust.reason ?? ''}`.trim());
  if (checked.modifiedAfterSigning) problems.push('The document was modified after this signature');
  const integrity = cms.intact && !checked.rangeProblem;
  return {
    kind,
    ...(checked.record ? { signatureId: checked.record.id, provider: checked.record.provider } : {}),
    ...(cms.signerCertificate ? { signer: describeCertificate(cms.signerCertificate) } : {}),
    ...(signingTime ? { signingTime } : {}),
    integrity,
    cryptographicallyValid: cms.signatureValid,
    trusted: trust.trusted,
    ...(trust.provider ? { trustedFor: trust.provider } : {}),
    validAtSigningTime: trust.validAtTime,
    coversWholeDocument: checked.coversWholeDocument,
    modifiedAfterSigning: checked.modifiedAfterSigning,
    valid: problems.length === 0,
    problems,
  };
}

/** The verdicts of the signatures embedded in a PDF, matched to our records where we made them. */
async function embeddedVerdicts(
  anchorsOf: TrustAnchors,
  content: Uint8Array,
  records: DocumentSignature[],
): Promise<SignatureVerdict[]> {
  const embedded = readPdfSignatures(content);
  // Later revisions that a valid signature covers are that signer's (signature-only) updates.
  const checks = await Promise.all(
    embedded.map((signature) => inspectCms(signature.cms, { sha256: signature.contentDigest })),
  );
  const lastCoveredEnd = Math.max(
    0,
    ...embedded
      .filter((signature, index) => signature.rangeValid && checks[index]?.intact && checks[index]?.signatureValid)
      .map((signature) => signature.revisionEnd),
  );
  const verdicts: SignatureVerdict[] = [];
  for (const [index, signature] of embedded.entries()) {
    const digest = toHex(signature.contentDigest);
    const record = records.find(
      (candidate) =>
        candidate.status === 'completed' && candidate.format === 'pades' && candidate.contentDigest === digest,
    );
    verdicts.push(
      await verdictOf(anchorsOf, 'embedded', checks[index] as CmsCheck, {
        coversWholeDocument: signature.coversWholeDocument,
        modifiedAfterSigning: !signature.coversWholeDocument && lastCoveredEnd < content.byteLength,
        ...(record ? { record } : {}),
        ...(signature.signingTime ? { claimedTime: signature.signingTime } : {}),
        ...(signature.rangeValid ? {} : { rangeProblem: 'The signed byte ranges are malformed' }),
      }),
    );
  }
  return verdicts;
}

/**
 * Whether a file already carries a signature the vault would call valid: a PDF with an
 * embedded signature that verifies, chains to a configured trust anchor and covers the
 * whole file. Images and unsigned PDFs do not.
 */
export async function carriesTrustedSignature(
  deps: Pick<VaultDeps, 'signing'>,
  content: Uint8Array,
  contentType: string,
): Promise<boolean> {
  if (!isPdf(contentType)) return false;
  const verdicts = await embeddedVerdicts(trustAnchorsOnce(deps), content, []);
  return verdicts.some((verdict) => verdict.valid && verdict.coversWholeDocument);
}

/**
 * Checks every signature of one version: those embedded in a PDF (including ones the vault
 * did not make) and the detached `.p7s` files the vault keeps beside it.
 */
export async function verifyDocument(
  deps: VerificationDeps,
  context: RequestContext,
  documentId: string,
  versionNumber?: number,
): Promise<DocumentVerification> {
  const ownerId = ownVault(context.principal);
  const document = await deps.repository.getDocument(ownerId, documentId);
  if (!document) throw new NotFoundError('Document');
  const version = await deps.repository.getVersion(ownerId, documentId, versionNumber ?? document.currentVersion);
  if (!version) throw new NotFoundError('Version');
  const content = await deps.blobs.read(version.blobKey);
  const records = await deps.repository.listSignatures(ownerId, documentId);
  const anchorsOf = trustAnchorsOnce(deps);
  const verdicts: SignatureVerdict[] = [];

  if (isPdf(version.contentType)) verdicts.push(...(await embeddedVerdicts(anchorsOf, content, records)));
  for (const record of records) {
    if (
      record.status !== 'completed' ||
      record.format !== 'cades-detached' ||
      record.versionNumber !== version.number ||
      !record.signatureBlobKey
    )
      continue;
    const cms = await inspectCms(await deps.blobs.read(record.signatureBlobKey), content);
    verdicts.push(
      await verdictOf(anchorsOf, 'detached', cms, { record, coversWholeDocument: true, modifiedAfterSigning: false }),
    );
  }
  return {
    documentId,
    version: version.number,
    sha256: toHex(sha256(content)),
    valid: verdicts.length > 0 && verdicts.every((verdict) => verdict.valid),
    signatures: verdicts,
    ...(document.revoked
      ? { revoked: { at: document.revoked.at, reason: document.revoked.reason, by: document.revoked.by } }
      : {}),
  };
}
