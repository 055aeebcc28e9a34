import { isAccessByOthers } from '../core/access-log.ts';
import type { AuditEntry } from '../../vault/core/model.ts';

export const accessLogPk = (ownerId: string) => `ACCESS#${ownerId}`;

/**
 * Audit entries of others reading (or trying to read) an owner's papers also sit in the
 * owner's access-log partition of gsi2, newest first: "who looked at my papers and why"
 * without a Scan. gsi1 already holds the resource's history, so the log needs the other index.
 */
export function accessLogIndexKeys(entry: AuditEntry): { gsi2pk?: string; gsi2sk?: string } {
  return isAccessByOthers(entry) ? { gsi2pk: accessLogPk(entry.ownerId), gsi2sk: `${entry.at}#${entry.id}` } : {};
}
