import { ConflictError } from '../../platform/core/errors.ts';
import { describeCertificate, parseCertificates } from './pki.ts';
import type { SigningSettingsRepository } from './signing-settings.ts';

/** What an administrator does to make the seal ready (docs/deployment.md, "The agency seal"). */
export const sealSetupAction =
  'An administrator must import the seal certificate: PUT /v1/signing/trust-anchors/agency-seal with its root, ' +
  'then PUT /v1/signing/seal-certificate with the chain (docs/deployment.md, "The agency seal")';

/**
 * Whether the agency seal can seal now. `configured` names the certificate (public facts only);
 * the others say why not.
 */
export type SealReadiness =
  | { status: 'configured'; subject: string; serialNumber: string; notAfter: string }
  | { status: 'not-configured' }
  | { status: 'expired'; notAfter: string }
  | { status: 'not-yet-valid'; notBefore: string };

/**
 * The seal cannot seal: no certificate imported, or the imported one is not valid now. Its name
 * is what the digitize workflow matches (workflowErrors.sealNotConfigured), its message what the
 * upload's failureReason and the API's problem say.
 */
export class SealNotConfiguredError extends ConflictError {
  constructor(readiness: Exclude<SealReadiness, { status: 'configured' }>) {
    super('seal-not-configured', `${sealProblem(readiness)}. ${sealSetupAction}`);
  }
}

/** Why the seal cannot seal, in the words the upload's failureReason and the API's problem use. */
export function sealProblem(readiness: Exclude<SealReadiness, { status: 'configured' }>): string {
  switch (readiness.status) {
    case 'not-configured':
      return 'The agency seal has no certificate yet, so results cannot be issued on this stage';
    case 'expired':
      return `The agency seal certificate expired at ${readiness.notAfter}, so results cannot be issued`;
    case 'not-yet-valid':
      return `The agency seal certificate is not valid before ${readiness.notBefore}, so results cannot be issued yet`;
  }
}

/** The seal's state at `at`, from the imported chain's leaf (the import checked the rest). */
export async function sealReadiness(settings: SigningSettingsRepository, at: Date): Promise<SealReadiness> {
  return sealReadinessOf(await settings.getSealCertificates(), at);
}

/** The seal's state at `at`, from its imported chain (PEM) if any. */
export function sealReadinessOf(pem: string | undefined, at: Date): SealReadiness {
  const [leaf] = pem ? parseCertificates(pem) : [];
  if (!leaf) return { status: 'not-configured' };
  const { subject, serialNumber, notBefore, notAfter } = describeCertificate(leaf);
  if (at.getTime() > Date.parse(notAfter)) return { status: 'expired', notAfter };
  if (at.getTime() < Date.parse(notBefore)) return { status: 'not-yet-valid', notBefore };
  return { status: 'configured', subject, serialNumber, notAfter };
}

/** Throws SealNotConfiguredError unless the seal can seal at `at`. */
export async function requireSealReady(settings: SigningSettingsRepository, at: Date): Promise<void> {
  const readiness = await sealReadiness(settings, at);
  if (readiness.status !== 'configured') throw new SealNotConfiguredError(readiness);
}
