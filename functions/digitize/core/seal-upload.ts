import { commonName, sha256, toBase64, toHex } from '../../pdf-pki/encoding.ts';
import { assembleCms, describeCertificate, embedPdfSignature } from '../../signing/core/pki.ts';
import { prepareSignature } from '../../signing/core/signatures.ts';
import { carriesTrustedSignature } from '../../signing/core/verification.ts';
import { requireSealReady } from '../../signing/core/seal-readiness.ts';
import type { DocumentSignature } from '../../signing/core/signature-model.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import type { Upload } from './upload-model.ts';
import type { UploadStore } from './upload-store.ts';
import { loadUpload, recordStep } from './workflow-upload.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface SealingDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'policy' | 'signing'> {
  repository: UnitOfWork & UploadStore;
}

/** What the Seal step hands to File: the sealed content, or the detached seal of the original. */
export interface SealedUpload {
  signatureId: string;
  format: DocumentSignature['format'];
  signedAt: string;
  /** PAdES: the sealed PDF that becomes the version. CAdES: the `.p7s` to keep beside it. */
  blobKey: string;
  sha256: string;
  size: number;
  contentDigest: string;
  signedAttributesDigest: string;
  /** Base64 DER, leaf first. */
  certificateChain: string[];
}

/**
 * Results an officer files on a citizen's behalf carry the agency's seal (Decree 45/2020,
 * Art. 25); so do a business system's results, unless the file is a PDF already carrying a
 * valid signature that chains to a configured trust anchor (the issuer signed it).
 */
export async function needsSeal(deps: Pick<VaultDeps, 'blobs' | 'signing'>, upload: Upload): Promise<boolean> {
  if (upload.createdByRole === 'officer') return true;
  if (!upload.given) return false;
  return !(await carriesTrustedSignature(deps, await deps.blobs.read(upload.blobKey), upload.contentType));
}

/** Workflow Seal step: every upload passes it; only those that need the seal are sealed. */
export async function sealStep(deps: SealingDeps, uploadId: string): Promise<{ sealed: SealedUpload | null }> {
  const upload = await recordStep(deps, await loadUpload(deps, uploadId), 'seal');
  return { sealed: (await needsSeal(deps, upload)) ? await sealUpload(deps, upload) : null };
}

/**
 * Seals the scan with the agency key. The work object is keyed by the
 * upload, so a retried step overwrites its own output and File reads whichever finished.
 */
export async function sealUpload(deps: SealingDeps, upload: Upload): Promise<SealedUpload> {
  const provider = deps.signing.providers['agency-seal'];
  if (!provider) throw new Error('The agency seal is not configured for this function');
  const signedAt = deps.clock.now();
  // Ready when the upload was accepted, but the certificate may have expired (or been replaced) since.
  await requireSealReady(deps.signing.settings, signedAt);
  const chain = await provider.signerCertificates({ ownerId: upload.ownerId });
  const [leaf] = chain as [Uint8Array];
  const content = await deps.blobs.read(upload.blobKey);
  const subject = describeCertificate(leaf).subject;
  const prepared = await prepareSignature(deps, content, upload.contentType, leaf, {
    signingTime: signedAt,
    reason: 'Kết quả số hóa được đóng dấu số của cơ quan cấp',
    signerName: commonName(subject) ?? 'khoso',
  });
  const signedAttributesDigest = sha256(prepared.signedAttributes);
  const attempt = await provider.requestSignature({
    digest: signedAttributesDigest,
    signer: { ownerId: upload.ownerId },
    requestId: `seal-${upload.id}`,
    description: upload.fileName,
  });
  if (attempt.status !== 'signed') throw new Error(`The agency seal answered ${attempt.status}`);
  const cms = assembleCms({ signedAttributes: prepared.signedAttributes, signature: attempt.signature, chain });
  const output = prepared.preparedPdf ? embedPdfSignature(prepared.preparedPdf, cms) : cms;
  const blobKey = objectKeys.sealOutput(upload.id, prepared.preparedPdf ? 'sealed.pdf' : 'seal.p7s');
  await deps.blobs.write(blobKey, output, prepared.preparedPdf ? 'application/pdf' : 'application/pkcs7-signature');
  return {
    signatureId: `seal-${upload.id}`,
    format: prepared.format,
    signedAt: signedAt.toISOString(),
    blobKey,
    sha256: toHex(sha256(output)),
    size: output.byteLength,
    contentDigest: toHex(prepared.contentDigest),
    signedAttributesDigest: toHex(signedAttributesDigest),
    certificateChain: chain.map(toBase64),
  };
}
