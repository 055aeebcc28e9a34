import { ConcurrentUpdateError } from '../../functions/platform/core/errors.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { RecognitionTemplate } from '../../functions/templates/core/template-model.ts';
import type { TemplateRepository } from '../../functions/templates/core/template-repository.ts';
import type { InMemoryVaultRepository } from './in-memory-vault-repository.ts';

/** Templates in memory, versioned like the DynamoDB adapter; audit goes to the vault fake so listHistory sees it. */
export class InMemoryTemplateRepository implements TemplateRepository {
  private readonly versions = new Map<string, RecognitionTemplate[]>();

  constructor(private readonly vault: InMemoryVaultRepository) {}

  async listTemplates(): Promise<RecognitionTemplate[]> {
    return [...this.versions.values()].map((versions) => structuredClone(versions.at(-1) as RecognitionTemplate));
  }

  async getTemplate(id: string): Promise<RecognitionTemplate | undefined> {
    const current = this.versions.get(id)?.at(-1);
    return current && structuredClone(current);
  }

  async getTemplateVersion(id: string, version: number): Promise<RecognitionTemplate | undefined> {
    const found = this.versions.get(id)?.find((template) => template.version === version);
    return found && structuredClone(found);
  }

  async listTemplateVersions(id: string): Promise<RecognitionTemplate[]> {
    return (this.versions.get(id) ?? []).map((template) => structuredClone(template));
  }

  async saveTemplate(
    next: RecognitionTemplate,
    previous: RecognitionTemplate | undefined,
    audit: AuditEntry[],
  ): Promise<void> {
    const versions = this.versions.get(next.id) ?? [];
    const current = versions.at(-1);
    if (previous ? current?.version !== previous.version : current !== undefined) throw new ConcurrentUpdateError();
    if (versions.some((template) => template.version === next.version)) throw new ConcurrentUpdateError();
    this.versions.set(next.id, [...versions, structuredClone(next)]);
    for (const entry of audit) await this.vault.appendAudit(entry);
  }
}
