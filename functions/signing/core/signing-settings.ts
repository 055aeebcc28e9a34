import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { SignatureProviderName } from './signature-provider.ts';

/**
 * Signing configuration an administrator manages at run time: the certificate chain of the
 * agency seal (imported, never generated in production) and, per provider, the trust
 * anchors a signature must chain to. Values are PEM bundles.
 */
export interface SigningSettingsRepository {
  getSealCertificates(): Promise<string | undefined>;
  saveSealCertificates(pem: string, audit: AuditEntry[]): Promise<void>;
  getTrustAnchors(provider: SignatureProviderName): Promise<string | undefined>;
  saveTrustAnchors(provider: SignatureProviderName, pem: string, audit: AuditEntry[]): Promise<void>;
}

/** Changes to signing settings are audited under this pseudo-owner, apart from every vault. */
export const signingAuditOwner = 'signing';
