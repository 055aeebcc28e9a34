import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { RecognitionTemplate } from './template-model.ts';

/**
 * Where recognition templates live. Every change is a new immutable version; the current
 * version is what classification uses. Writes throw ConcurrentUpdateError when the current
 * version is no longer `previous` (or, for a new template, when the id is taken).
 */
export interface TemplateRepository {
  /** Current versions of every template, active or not. */
  listTemplates(): Promise<RecognitionTemplate[]>;
  getTemplate(id: string): Promise<RecognitionTemplate | undefined>;
  getTemplateVersion(id: string, version: number): Promise<RecognitionTemplate | undefined>;
  /** Every version of a template, oldest first. */
  listTemplateVersions(id: string): Promise<RecognitionTemplate[]>;
  /** Audit entries are written in the same transaction; read them with VaultRepository.listHistory. */
  saveTemplate(
    next: RecognitionTemplate,
    previous: RecognitionTemplate | undefined,
    audit: AuditEntry[],
  ): Promise<void>;
}

/** Template operations are audited under this pseudo-owner, apart from every vault. */
export const templateAuditOwner = 'templates';
