import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { SignatureProviderName } from '../../functions/signing/core/signature-provider.ts';
import type { SigningSettingsRepository } from '../../functions/signing/core/signing-settings.ts';
import type { InMemoryVaultRepository } from './in-memory-vault-repository.ts';

/** Signing settings in memory; audit entries go to the vault repository, as in the table. */
export class InMemorySigningSettings implements SigningSettingsRepository {
  private readonly anchors = new Map<SignatureProviderName, string>();

  constructor(
    private readonly repository: InMemoryVaultRepository,
    /** The seal's certificate chain already imported, if any. */
    private seal?: string,
  ) {}

  async getSealCertificates(): Promise<string | undefined> {
    return this.seal;
  }

  async saveSealCertificates(pem: string, audit: AuditEntry[]): Promise<void> {
    this.seal = pem;
    for (const entry of audit) await this.repository.appendAudit(entry);
  }

  async getTrustAnchors(provider: SignatureProviderName): Promise<string | undefined> {
    return this.anchors.get(provider);
  }

  async saveTrustAnchors(provider: SignatureProviderName, pem: string, audit: AuditEntry[]): Promise<void> {
    this.anchors.set(provider, pem);
    for (const entry of audit) await this.repository.appendAudit(entry);
  }
}
