import { auditEntry, workflowContext, type AuditFacts } from '../../audit/core/audit.ts';
import { objectKeys } from '../../platform/storage/schema.ts';
import {
  ConcurrentUpdateError,
  ConflictError,
  ExpiredError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  SignatureRejectedError,
} from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { DocumentSignature, SignatureFormat } from './signature-model.ts';
import type { DocumentVersion } from '../../vault/core/model.ts';
import { ownVault, type RequestContext } from '../../platform/core/principal.ts';
import { retryOnConcurrentUpdate } from '../../platform/core/retry.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { DocumentStore, VersionStore } from '../../vault/core/vault-store.ts';
import type { SignatureStore } from './signature-store.ts';
import { withCurrentVersion } from '../../vault/core/versions.ts';
import { commonName, fromBase64, fromHex, sameBytes, sha256, toBase64, toHex } from '../../pdf-pki/encoding.ts';
import {
  assembleCms,
  buildSignedAttributes,
  checkCertificateChain,
  describeCertificate,
  embedPdfSignature,
  inspectCms,
  parseCertificates,
  preparePdfSignature,
  verifyRawSignature,
} from './pki.ts';
import {
  SignatureProviderUnavailableError,
  type SignatureAttempt,
  type SignatureProvider,
  type SignatureProviderName,
} from './signature-provider.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface SignatureDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'signing'> {
  repository: UnitOfWork & DocumentStore & VersionStore & SignatureStore;
}

const addSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

export const isPdf = (contentType: string) => contentType === 'application/pdf';

/** Where the prepared PDF revision of a pending PAdES signature waits. */
const preparedKey = objectKeys.preparedForSigning;
/** A detached signature lives beside the document's versions. */
export const detachedSignatureKey = objectKeys.detachedSignature;
/** A signed PDF is a new version of the document, stored under the signature's id. */
const signedVersionKey = objectKeys.documentBlob;

export interface SignatureRequestInput {
  provider: SignatureProviderName;
  /** The version to sign; the current one when absent. */
  version?: number;
  /** Deferred providers: the signer's certificate chain (PEM, leaf first). */
  certificateChain?: string;
  /** Remote providers: the signer's account there (a mobile number, a SmartCA user ID). */
  account?: string;
}

/** What a deferred client signs: the SHA-256 of the DER signed attributes, or a CMS over the content digest. */
export interface SignatureChallenge {
  digestAlgorithm: 'SHA-256';
  /** Base64 DER signed attributes. */
  signedAttributes: string;
  /** Base64 SHA-256 of the signed attributes: sign this with the token (raw signature mode). */
  digest: string;
  /** Hex SHA-256 of the signed content: what a client-built CMS must carry as its message digest. */
  contentDigest: string;
}

export interface SignatureCompletion {
  /** Base64 raw signature over the signed attributes (DER ECDSA or PKCS#1 v1.5). */
  signature?: string;
  /** Base64 DER CMS SignedData the client built over the content digest. */
  cms?: string;
  /** PEM chain; when given, its leaf must be the certificate the request was prepared for. */
  certificateChain?: string;
}

/** The content one signature covers and the signed attributes the signer's key signs. */
export interface PreparedSignature {
  format: SignatureFormat;
  contentDigest: Uint8Array;
  signedAttributes: Uint8Array;
  /** PAdES: the prepared revision with an empty signature placeholder. */
  preparedPdf?: Uint8Array;
}

/**
 * Prepares PAdES for a PDF (no signing-time attribute: PAdES keeps the time in /M) or detached CAdES for anything else.
 */
export async function prepareSignature(
  deps: Pick<VaultDeps, 'policy'>,
  content: Uint8Array,
  contentType: string,
  signerCertificate: Uint8Array,
  options: { signingTime: Date; signerName?: string; reason: string },
): Promise<PreparedSignature> {
  if (isPdf(contentType)) {
    const prepared = await preparePdfSignature(content, {
      signingTime: options.signingTime,
      reason: options.reason,
      contentsBytes: deps.policy.pdfSignatureBytes,
      ...(options.signerName ? { signerName: options.signerName } : {}),
    });
    return {
      format: 'pades',
      contentDigest: prepared.contentDigest,
      signedAttributes: buildSignedAttributes({ contentDigest: prepared.contentDigest, signerCertificate }),
      preparedPdf: prepared.bytes,
    };
  }
  const contentDigest = sha256(content);
  return {
    format: 'cades-detached',
    contentDigest,
    signedAttributes: buildSignedAttributes({ contentDigest, signerCertificate, signingTime: options.signingTime }),
  };
}

async function trustAnchorsOf(deps: SignatureDeps, provider: SignatureProviderName): Promise<Uint8Array[]> {
  const pem = await deps.signing.settings.getTrustAnchors(provider);
  return pem ? parseCertificates(pem) : [];
}

/** The chain must build to one of the provider's configured anchors and be valid at `at`. */
async function requireTrustedChain(
  deps: SignatureDeps,
  provider: SignatureProviderName,
  chain: Uint8Array[],
  at: Date,
): Promise<void> {
  const [leaf] = chain;
  if (!leaf) throw new SignatureRejectedError('No signing certificate was given');
  const check = await checkCertificateChain({ chain, trustAnchors: await trustAnchorsOf(deps, provider), at });
  if (!check.trusted)
    throw new SignatureRejectedError(
      `The certificate is not trusted for ${provider}: ${check.reason ?? 'no trusted path'}`,
    );
  if (!check.validAtTime)
    throw new SignatureRejectedError(
      `The certificate is not valid now: ${check.reason ?? 'outside its validity period'}`,
    );
}

function providerOf(deps: SignatureDeps, name: SignatureProviderName): SignatureProvider {
  const provider = deps.signing.providers[name];
  if (!provider) throw new InvalidInputError(`Signing with ${name} is not configured in this deployment`);
  return provider;
}

async function readVersion(deps: SignatureDeps, ownerId: string, documentId: string, number?: number) {
  const document = await deps.repository.getDocument(ownerId, documentId);
  if (!document || document.trashedAt) throw new NotFoundError('Document');
  const version = await deps.repository.getVersion(ownerId, documentId, number ?? document.currentVersion);
  if (!version) throw new NotFoundError('Version');
  return { document, version };
}

/** Audits a refused signing act under the caller's vault, then rethrows. */
async function auditRefusal(
  deps: SignatureDeps,
  context: RequestContext,
  facts: Omit<AuditFacts, 'outcome'>,
  error: unknown,
): Promise<never> {
  if (
    error instanceof SignatureRejectedError ||
    error instanceof NotFoundError ||
    error instanceof ConflictError ||
    error instanceof ExpiredError ||
    error instanceof InvalidInputError
  ) {
    await deps.repository.appendAudit(
      auditEntry(deps, context, {
        ...facts,
        outcome: 'denied',
        detail: { ...facts.detail, reason: error.message.slice(0, 300) },
      }),
    );
  }
  throw error;
}

export interface RequestedSignature {
  signature: DocumentSignature;
  /** Deferred providers only: what the client must sign. */
  challenge?: SignatureChallenge;
}

/**
 * A citizen or organisation asks to sign one of their documents. Deferred providers get a
 * challenge back; remote providers are asked to prompt the signer and are then polled.
 */
export async function requestDocumentSignature(
  deps: SignatureDeps,
  context: RequestContext,
  documentId: string,
  input: SignatureRequestInput,
): Promise<RequestedSignature> {
  const ownerId = ownVault(context.principal);
  const signatureId = deps.ids.newId();
  const audited = {
    ownerId,
    action: 'signature.request',
    resourceType: 'document' as const,
    resourceId: documentId,
    detail: { provider: input.provider, signatureId },
  };
  try {
    if (input.provider === 'agency-seal')
      throw new InvalidInputError('The agency seal is applied by the digitisation workflow, not on request');
    const provider = providerOf(deps, input.provider);
    if (provider.mode === 'deferred' && !input.certificateChain)
      throw new InvalidInputError('certificateChain is required for this provider');
    if (provider.mode === 'remote' && !input.account)
      throw new InvalidInputError('account is required for this provider');
    const { document, version } = await readVersion(deps, ownerId, documentId, input.version);
    const signer = {
      ownerId,
      ...(input.account ? { account: input.account } : {}),
      ...(input.certificateChain ? { certificates: parseCertificates(input.certificateChain) } : {}),
    };
    const chain = await withProvider(() => provider.signerCertificates(signer));
    const now = deps.clock.now();
    await requireTrustedChain(deps, provider.name, chain, now);
    const [leaf] = chain as [Uint8Array];
    const certificate = describeCertificate(leaf);
    const signerName = commonName(certificate.subject);
    const content = await deps.blobs.read(version.blobKey);
    const prepared = await prepareSignature(deps, content, version.contentType, leaf, {
      signingTime: now,
      reason: `Ký số: ${document.title}`.slice(0, 200),
      ...(signerName ? { signerName } : {}),
    });
    if (prepared.preparedPdf) await deps.blobs.write(preparedKey(signatureId), prepared.preparedPdf, 'application/pdf');
    const signedAttributesDigest = sha256(prepared.signedAttributes);
    const signature: DocumentSignature = {
      id: signatureId,
      ownerId,
      documentId,
      provider: provider.name,
      format: prepared.format,
      status: 'pending',
      versionNumber: version.number,
      requestedBy: {
        sub: context.principal.sub,
        role: context.principal.role,
        ...(context.principal.unit ? { unit: context.principal.unit } : {}),
      },
      requestedAt: now.toISOString(),
      expiresAt: addSeconds(now, deps.policy.signatureRequestTtlSeconds),
      digestAlgorithm: 'SHA-256',
      contentDigest: toHex(prepared.contentDigest),
      signedAttributes: toBase64(prepared.signedAttributes),
      signedAttributesDigest: toHex(signedAttributesDigest),
      certificate,
      certificateChain: chain.map(toBase64),
      ...(prepared.preparedPdf ? { preparedBlobKey: preparedKey(signatureId) } : {}),
      ...(provider.mode === 'remote' && input.account
        ? {
            remote: {
              account: input.account,
              checks: 0,
              nextCheckAt: addSeconds(now, deps.policy.remoteSignatureFirstCheckSeconds),
            },
          }
        : {}),
    };
    // Recorded before the provider is asked, so a prompt on the signer's phone always has a request behind it.
    await deps.repository.commit({
      ownerId,
      signatures: [{ next: signature }],
      audit: [auditEntry(deps, context, { ...audited, detail: { ...audited.detail, version: version.number } })],
    });
    if (provider.mode === 'remote') {
      return { signature: await askRemoteProviderOnce(deps, provider, signature, document.title) };
    }
    return {
      signature,
      challenge: {
        digestAlgorithm: 'SHA-256',
        signedAttributes: toBase64(prepared.signedAttributes),
        digest: toBase64(signedAttributesDigest),
        contentDigest: toHex(prepared.contentDigest),
      },
    };
  } catch (error) {
    return auditRefusal(deps, context, audited, error);
  }
}

async function withProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SignatureProviderUnavailableError)
      throw new ProviderUnavailableError('The signing provider cannot be reached now; try again later');
    throw error;
  }
}

/**
 * The request is recorded as due for checking, so the poller may check it while the provider
 * is still being asked here; when it got there first, its record is the answer.
 */
async function askRemoteProviderOnce(
  deps: SignatureDeps,
  provider: SignatureProvider,
  signature: DocumentSignature,
  title: string,
): Promise<DocumentSignature> {
  try {
    return await askRemoteProvider(deps, provider, signature, title);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    return (await deps.repository.getSignature(signature.ownerId, signature.documentId, signature.id)) ?? signature;
  }
}

/** Sends the signing request to a remote provider; an unreachable provider is asked again by the poller. */
async function askRemoteProvider(
  deps: SignatureDeps,
  provider: SignatureProvider,
  signature: DocumentSignature,
  title: string,
): Promise<DocumentSignature> {
  let attempt: SignatureAttempt;
  try {
    attempt = await provider.requestSignature({
      digest: fromHex(signature.signedAttributesDigest ?? ''),
      signer: { ownerId: signature.ownerId, ...(signature.remote ? { account: signature.remote.account } : {}) },
      requestId: signature.id,
      description: `Ký số tài liệu: ${title}`,
    });
  } catch (error) {
    if (!(error instanceof SignatureProviderUnavailableError)) throw error;
    return reschedule(deps, signature);
  }
  return settleAttempt(deps, provider, signature, attempt);
}

/** The next check, twice as late as the last one, never later than the maximum interval. */
async function reschedule(
  deps: SignatureDeps,
  signature: DocumentSignature,
  transactionId?: string,
): Promise<DocumentSignature> {
  const remote = signature.remote;
  if (!remote) return signature;
  const delay = Math.min(
    deps.policy.remoteSignatureFirstCheckSeconds * 2 ** remote.checks,
    deps.policy.remoteSignatureMaxCheckIntervalSeconds,
  );
  const next: DocumentSignature = {
    ...signature,
    remote: {
      ...remote,
      checks: remote.checks + 1,
      nextCheckAt: addSeconds(deps.clock.now(), delay),
      ...((transactionId ?? remote.transactionId) ? { transactionId: transactionId ?? remote.transactionId } : {}),
    },
  };
  await deps.repository.commit({ ownerId: signature.ownerId, signatures: [{ next, previous: signature }], audit: [] });
  return next;
}

async function settleAttempt(
  deps: SignatureDeps,
  provider: SignatureProvider,
  signature: DocumentSignature,
  attempt: SignatureAttempt,
): Promise<DocumentSignature> {
  switch (attempt.status) {
    case 'pending':
      return reschedule(deps, signature, attempt.transactionId);
    case 'awaiting-client':
      return signature;
    case 'refused':
      return closeSignature(
        deps,
        signature,
        'failed',
        `The signer or the provider refused: ${attempt.reason}`.slice(0, 300),
      );
    case 'expired':
      return closeSignature(deps, signature, 'expired', 'The signer did not confirm in time');
    case 'signed': {
      const chain = (signature.certificateChain ?? []).map(fromBase64);
      const signedAttributes = fromBase64(signature.signedAttributes ?? '');
      const [leaf] = chain;
      if (!leaf || !(await verifyRawSignature({ signedAttributes, signature: attempt.signature, certificate: leaf }))) {
        return closeSignature(
          deps,
          signature,
          'failed',
          `${provider.name} returned a signature that does not verify with the signer's certificate`,
        );
      }
      const cms = assembleCms({ signedAttributes, signature: attempt.signature, chain });
      return finishSignature(deps, signature, cms, systemSigningContext(signature));
    }
  }
}

/** Remote signatures complete in the background; their audit names the requester's act. */
function systemSigningContext(signature: DocumentSignature): RequestContext {
  return {
    ...workflowContext,
    principal: { sub: 'system:signature-poller', role: 'admin' },
    requestId: `signature:${signature.id}`,
  };
}

async function closeSignature(
  deps: SignatureDeps,
  signature: DocumentSignature,
  status: 'failed' | 'expired',
  reason: string,
  context: RequestContext = systemSigningContext(signature),
): Promise<DocumentSignature> {
  const next: DocumentSignature = {
    ...signature,
    status,
    failureReason: reason,
    completedAt: deps.clock.now().toISOString(),
  };
  await deps.repository.commit({
    ownerId: signature.ownerId,
    signatures: [{ next, previous: signature }],
    audit: [
      auditEntry(deps, context, {
        ownerId: signature.ownerId,
        action: `signature.${status === 'failed' ? 'fail' : 'expire'}`,
        resourceType: 'document',
        resourceId: signature.documentId,
        outcome: 'failed',
        detail: { signatureId: signature.id, provider: signature.provider, reason },
      }),
    ],
  });
  if (signature.preparedBlobKey) await deps.blobs.delete(signature.preparedBlobKey);
  return next;
}

/**
 * Puts a verified CMS in place: PAdES becomes a new version holding the signed PDF, CAdES a
 * `.p7s` beside the signed version. Record, version, document and audit change together.
 */
async function finishSignature(
  deps: SignatureDeps,
  signature: DocumentSignature,
  cms: Uint8Array,
  context: RequestContext,
): Promise<DocumentSignature> {
  const { ownerId, documentId } = signature;
  if (signature.format === 'cades-detached') {
    const key = detachedSignatureKey(ownerId, documentId, signature.id);
    await deps.blobs.write(key, cms, 'application/pkcs7-signature');
    const next: DocumentSignature = {
      ...signature,
      status: 'completed',
      completedAt: deps.clock.now().toISOString(),
      signatureBlobKey: key,
    };
    await deps.repository.commit({
      ownerId,
      signatures: [{ next, previous: signature }],
      audit: [completionAudit(deps, context, next)],
    });
    return next;
  }
  const prepared = await deps.blobs.read(signature.preparedBlobKey ?? '');
  const signedPdf = embedPdfSignature(prepared, cms);
  const key = signedVersionKey(ownerId, documentId, signature.id);
  await deps.blobs.write(key, signedPdf, 'application/pdf');
  const finished = await retryOnConcurrentUpdate(async () => {
    const document = await deps.repository.getDocument(ownerId, documentId);
    if (!document || document.trashedAt) throw new NotFoundError('Document');
    const signedFrom = await deps.repository.getVersion(ownerId, documentId, signature.versionNumber);
    const now = deps.clock.now().toISOString();
    const version: DocumentVersion = {
      documentId,
      ownerId,
      number: document.versionCount + 1,
      blobKey: key,
      fileName: signedFrom?.fileName ?? document.fileName,
      contentType: 'application/pdf',
      size: signedPdf.byteLength,
      sha256: toHex(sha256(signedPdf)),
      createdAt: now,
      createdBy: signature.requestedBy.sub,
      ...(signedFrom?.textBlobKey ? { textBlobKey: signedFrom.textBlobKey } : {}),
    };
    const next: DocumentSignature = {
      ...signature,
      status: 'completed',
      completedAt: now,
      signedVersionNumber: version.number,
    };
    delete next.preparedBlobKey;
    await deps.repository.commit({
      ownerId,
      documents: [{ next: withCurrentVersion(document, version, now), previous: document }],
      versions: [version],
      signatures: [{ next, previous: signature }],
      audit: [completionAudit(deps, context, next)],
    });
    return next;
  });
  await deps.blobs.delete(signature.preparedBlobKey ?? '');
  return finished;
}

function completionAudit(deps: SignatureDeps, context: RequestContext, signature: DocumentSignature): AuditEntry {
  return auditEntry(deps, context, {
    ownerId: signature.ownerId,
    action: 'signature.complete',
    resourceType: 'document',
    resourceId: signature.documentId,
    detail: {
      signatureId: signature.id,
      provider: signature.provider,
      version: signature.signedVersionNumber ?? signature.versionNumber,
      certificateSerial: signature.certificate?.serialNumber ?? '',
      contentDigest: signature.contentDigest,
    },
  });
}

/**
 * The client brings the signature for a deferred request. Everything is checked before
 * anything is stored: the certificate is the one prepared for and still trusted, and the
 * signature verifies over exactly the prepared digest. A bad signature ends the request.
 */
export async function completeDocumentSignature(
  deps: SignatureDeps,
  context: RequestContext,
  documentId: string,
  signatureId: string,
  input: SignatureCompletion,
): Promise<DocumentSignature> {
  const ownerId = ownVault(context.principal);
  const audited = {
    ownerId,
    action: 'signature.complete',
    resourceType: 'document' as const,
    resourceId: documentId,
    detail: { signatureId },
  };
  try {
    const signature = await deps.repository.getSignature(ownerId, documentId, signatureId);
    // Another user's request looks exactly like a missing one.
    if (!signature || signature.requestedBy.sub !== context.principal.sub) throw new NotFoundError('Signature');
    if (signature.status === 'completed') throw new ConflictError('conflict', 'This signature was already completed');
    if (signature.status !== 'pending')
      throw new ExpiredError(`This signing request is ${signature.status}; request a new one`);
    const now = deps.clock.now();
    if (now.toISOString() > signature.expiresAt) {
      await closeSignature(deps, signature, 'expired', 'Not completed in time', context);
      throw new ExpiredError('This signing request has expired; request a new one');
    }
    const provider = providerOf(deps, signature.provider);
    if (provider.mode !== 'deferred') throw new InvalidInputError('This signature completes at its provider, not here');
    if (Boolean(input.signature) === Boolean(input.cms)) throw new InvalidInputError('Give either signature or cms');
    try {
      const cms = await verifiedClientCms(deps, signature, input, now);
      return await finishSignature(deps, signature, cms, context);
    } catch (error) {
      if (error instanceof SignatureRejectedError || error instanceof InvalidInputError) {
        // One try per request: a wrong signature is never retried against the same challenge.
        await closeSignature(deps, signature, 'failed', error.message.slice(0, 300), context);
      }
      throw error;
    }
  } catch (error) {
    return auditRefusal(deps, context, audited, error);
  }
}

async function verifiedClientCms(
  deps: SignatureDeps,
  signature: DocumentSignature,
  input: SignatureCompletion,
  now: Date,
): Promise<Uint8Array> {
  const chain = (signature.certificateChain ?? []).map(fromBase64);
  const [leaf] = chain;
  if (!leaf) throw new SignatureRejectedError('The request has no signing certificate');
  if (input.certificateChain) {
    const [given] = parseCertificates(input.certificateChain);
    if (!given || !sameBytes(given, leaf)) {
      throw new SignatureRejectedError('The certificate is not the one this signature was prepared for');
    }
  }
  await requireTrustedChain(deps, signature.provider, chain, now);
  const signedAttributes = fromBase64(signature.signedAttributes ?? '');
  if (input.signature) {
    const value = fromBase64(input.signature);
    if (!(await verifyRawSignature({ signedAttributes, signature: value, certificate: leaf }))) {
      throw new SignatureRejectedError('The signature does not verify with the certificate over the prepared digest');
    }
    return assembleCms({ signedAttributes, signature: value, chain });
  }
  const cms = fromBase64(input.cms ?? '');
  const check = await inspectCms(cms, { sha256: fromHex(signature.contentDigest) });
  if (!check.intact) throw new SignatureRejectedError('The CMS signs a different digest than the one prepared');
  if (!check.signatureValid)
    throw new SignatureRejectedError(`The CMS signature does not verify: ${check.reason ?? 'invalid'}`);
  if (!check.signerCertificate || !sameBytes(check.signerCertificate, leaf)) {
    throw new SignatureRejectedError('The CMS is signed with another certificate than the one prepared for');
  }
  return cms;
}

/**
 * Checks a pending remote signature at its provider: completes it, closes it, or schedules
 * the next check. Safe to run twice at once: the loser's write fails and changes nothing.
 */
export async function checkRemoteSignature(
  deps: SignatureDeps,
  signature: DocumentSignature,
): Promise<DocumentSignature> {
  if (signature.status !== 'pending' || !signature.remote) return signature;
  try {
    if (deps.clock.now().toISOString() > signature.expiresAt) {
      return await closeSignature(deps, signature, 'expired', 'The signer did not confirm in time');
    }
    const provider = providerOf(deps, signature.provider);
    if (!signature.remote.transactionId) {
      const document = await deps.repository.getDocument(signature.ownerId, signature.documentId);
      return await askRemoteProvider(deps, provider, signature, document?.title ?? signature.documentId);
    }
    let attempt: SignatureAttempt;
    try {
      attempt = await provider.checkSignature(signature.remote.transactionId);
    } catch (error) {
      if (!(error instanceof SignatureProviderUnavailableError)) throw error;
      return await reschedule(deps, signature);
    }
    return await settleAttempt(deps, provider, signature, attempt);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return signature;
    throw error;
  }
}

/** One round of the poller: every remote signature due by now, a bounded number at a time. */
export async function checkDueRemoteSignatures(
  deps: SignatureDeps,
  limit = 25,
): Promise<{ checked: number; completed: number; closed: number }> {
  const due = await deps.repository.listDueSignatureChecks(deps.clock.now().toISOString(), limit);
  const outcomes = await Promise.all(due.map((signature) => checkRemoteSignature(deps, signature)));
  return {
    checked: due.length,
    completed: outcomes.filter((signature) => signature.status === 'completed').length,
    closed: outcomes.filter((signature) => signature.status === 'failed' || signature.status === 'expired').length,
  };
}

/** The signing history of one of the caller's documents, newest request first. */
export async function listDocumentSignatures(
  deps: SignatureDeps,
  context: RequestContext,
  documentId: string,
): Promise<DocumentSignature[]> {
  const ownerId = ownVault(context.principal);
  if (!(await deps.repository.getDocument(ownerId, documentId))) throw new NotFoundError('Document');
  return (await deps.repository.listSignatures(ownerId, documentId)).reverse();
}

export async function getDocumentSignature(
  deps: SignatureDeps,
  context: RequestContext,
  documentId: string,
  signatureId: string,
): Promise<DocumentSignature> {
  const ownerId = ownVault(context.principal);
  const signature = await deps.repository.getSignature(ownerId, documentId, signatureId);
  if (!signature) throw new NotFoundError('Signature');
  return signature;
}

/** A short-lived download of a detached signature (`.p7s`), named after the signed file; audited as a read. */
export async function getSignatureFileUrl(
  deps: SignatureDeps,
  context: RequestContext,
  documentId: string,
  signatureId: string,
): Promise<string> {
  const signature = await getDocumentSignature(deps, context, documentId, signatureId);
  if (!signature.signatureBlobKey) throw new NotFoundError('Signature file');
  const version = await deps.repository.getVersion(signature.ownerId, documentId, signature.versionNumber);
  const url = await deps.blobs.presignDownload({
    key: signature.signatureBlobKey,
    fileName: `${version?.fileName ?? documentId}.p7s`,
    contentType: 'application/pkcs7-signature',
    expiresInSeconds: Math.min(deps.policy.downloadUrlTtlSeconds, 300),
  });
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId: signature.ownerId,
      action: 'signature.read-file',
      resourceType: 'document',
      resourceId: documentId,
      detail: { signatureId },
    }),
  );
  return url;
}
