import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { AuditLog, StoredAuditChain } from '../../functions/audit/core/audit-log.ts';
import type { AuditHistory } from '../../functions/audit/core/history.ts';
import type { Page, PageRequest } from '../../functions/platform/core/page.ts';
import { copy, paginate, type InMemoryRecords, type StoredAudit } from './in-memory-records.ts';

/**
 * A page of audit entries, newest first; entries stamped in the same millisecond keep the order they were written in.
 */
export function auditPage(
  records: InMemoryRecords,
  scope: string,
  include: (stored: StoredAudit) => boolean,
  page: PageRequest,
): Page<AuditEntry> {
  const result = paginate(
    scope,
    records.audit.filter(include),
    ({ entry, seq }) => [entry.at, String(seq).padStart(12, '0')],
    page,
  );
  return { ...result, items: result.items.map(({ entry }) => entry) };
}

/** A resource's history and an owner's chain read from the in-memory records. */
export function inMemoryAuditLog(records: InMemoryRecords): AuditHistory & AuditLog {
  return {
    async listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>> {
      return auditPage(
        records,
        `history|${ownerId}|${resourceId}`,
        ({ entry }) => entry.ownerId === ownerId && entry.resourceId === resourceId,
        page,
      );
    },

    async readChain(ownerId: string): Promise<StoredAuditChain> {
      const head = records.auditHeads.get(ownerId);
      const entries = records.audit
        .filter(({ entry }) => entry.ownerId === ownerId)
        .sort((a, b) => a.link.seq - b.link.seq)
        .map(({ entry, link }) => ({ entry: copy(entry), link: { ...link } }));
      return { ...(head ? { head: { ...head } } : {}), entries };
    },
  };
}
