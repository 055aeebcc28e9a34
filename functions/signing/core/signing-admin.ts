import { auditEntry } from '../../audit/core/audit.ts';
import { ForbiddenRoleError, InvalidInputError, SignatureRejectedError } from '../../platform/core/errors.ts';
import type { CertificateFacts } from './signature-model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import { toPem } from '../../pdf-pki/certificates.ts';
import { certificatePublicKey, checkCertificateChain, describeCertificate, parseCertificates } from './pki.ts';
import { toHex } from '../../pdf-pki/encoding.ts';
import { signatureProviderNames, type SignatureProviderName, type SigningMode } from './signature-provider.ts';
import { signingAuditOwner } from './signing-settings.ts';
import { sealProblem, sealReadiness, sealReadinessOf, sealSetupAction, type SealReadiness } from './seal-readiness.ts';

/** What these use cases need: the store ports they read, the unit of work, and the rest of VaultDeps they use. */
export interface SigningAdminDeps extends Pick<VaultDeps, 'clock' | 'ids' | 'signing'> {
  repository: UnitOfWork;
}

function requireAdmin(context: RequestContext): void {
  if (context.principal.role !== 'admin') throw new ForbiddenRoleError('Only administrators manage signing settings');
}

export interface SigningSettingsView {
  /** `configured` only while the seal can seal (readiness's judgement); `reason` says why not. */
  seal: { configured: boolean; status: SealReadiness['status']; reason?: string; certificates: CertificateFacts[] };
  providers: { name: SignatureProviderName; mode: SigningMode | null; trustAnchors: CertificateFacts[] }[];
}

export async function getSigningSettings(
  deps: SigningAdminDeps,
  context: RequestContext,
): Promise<SigningSettingsView> {
  requireAdmin(context);
  const describeAll = (pem: string | undefined) => (pem ? parseCertificates(pem).map(describeCertificate) : []);
  const sealPem = await deps.signing.settings.getSealCertificates();
  const seal = sealReadinessOf(sealPem, deps.clock.now());
  return {
    seal: {
      configured: seal.status === 'configured',
      status: seal.status,
      ...(seal.status === 'configured' ? {} : { reason: sealProblem(seal) }),
      certificates: describeAll(sealPem),
    },
    providers: await Promise.all(
      signatureProviderNames.map(async (name) => ({
        name,
        mode: deps.signing.providers[name]?.mode ?? null,
        trustAnchors: describeAll(await deps.signing.settings.getTrustAnchors(name)),
      })),
    ),
  };
}

export interface Readiness {
  ready: boolean;
  seal: SealReadiness & { action?: string };
}

/** Whether this stage can issue results: today that is the seal (every issued result is sealed). */
export async function getReadiness(deps: SigningAdminDeps, context: RequestContext): Promise<Readiness> {
  requireAdmin(context);
  const seal = await sealReadiness(deps.signing.settings, deps.clock.now());
  const ready = seal.status === 'configured';
  return { ready, seal: ready ? seal : { ...seal, action: sealSetupAction } };
}

/** Replaces a provider's trust anchors: the roots a signature made with it must chain to. */
export async function setTrustAnchors(
  deps: SigningAdminDeps,
  context: RequestContext,
  provider: SignatureProviderName,
  pem: string,
): Promise<CertificateFacts[]> {
  requireAdmin(context);
  const anchors = parseCertificates(pem);
  if (anchors.length === 0 || anchors.length > 20)
    throw new InvalidInputError('Give between 1 and 20 trust anchor certificates');
  const facts = anchors.map(describeCertificate);
  await deps.signing.settings.saveTrustAnchors(provider, anchors.map(toPem).join(''), [
    auditEntry(deps, context, {
      ownerId: signingAuditOwner,
      action: 'signing.trust-anchors.set',
      resourceType: 'signing-settings',
      resourceId: provider,
      detail: { provider, anchors: facts.map((anchor) => anchor.sha256).join(',') },
    }),
  ]);
  return facts;
}

/**
 * Imports the agency seal's certificate chain. Production certificates come from a CA; the
 * vault only checks that the leaf certifies the seal key and chains to the seal's anchors.
 */
export async function importSealCertificates(
  deps: SigningAdminDeps,
  context: RequestContext,
  pem: string,
): Promise<CertificateFacts[]> {
  requireAdmin(context);
  const sealKey = deps.signing.sealKey;
  if (!sealKey) throw new InvalidInputError('This deployment has no seal key');
  const chain = parseCertificates(pem);
  const [leaf] = chain;
  if (!leaf) throw new InvalidInputError('Give the seal certificate, then its issuers');
  if (toHex(certificatePublicKey(leaf)) !== toHex(await sealKey.publicKey())) {
    throw new SignatureRejectedError('The certificate does not certify the seal key');
  }
  const anchorsPem = await deps.signing.settings.getTrustAnchors('agency-seal');
  const check = await checkCertificateChain({
    chain,
    trustAnchors: anchorsPem ? parseCertificates(anchorsPem) : [],
    at: deps.clock.now(),
  });
  if (!check.trusted)
    throw new SignatureRejectedError(
      `The chain does not reach an agency-seal trust anchor: ${check.reason ?? 'untrusted'}`,
    );
  if (!check.validAtTime)
    throw new SignatureRejectedError(`The certificate is not valid now: ${check.reason ?? 'expired or not yet valid'}`);
  const facts = chain.map(describeCertificate);
  await deps.signing.settings.saveSealCertificates(chain.map(toPem).join(''), [
    auditEntry(deps, context, {
      ownerId: signingAuditOwner,
      action: 'signing.seal-certificate.import',
      resourceType: 'signing-settings',
      resourceId: 'agency-seal',
      detail: {
        serialNumber: facts[0]?.serialNumber ?? '',
        subject: facts[0]?.subject ?? '',
        sha256: facts[0]?.sha256 ?? '',
      },
    }),
  ]);
  return facts;
}
