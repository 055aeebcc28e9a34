/**
 * What administrators see of sync and how they retry what died: a summary by state, the dead
 * records with their last error, and a redrive that makes dead records pending again (the
 * dispatcher then queues them) and moves the dead-letter queue's messages back.
 */
import { auditEntry, staffAuditOwner } from '../../audit/core/audit.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import { ConcurrentUpdateError, ForbiddenRoleError } from '../../platform/core/errors.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { SyncRecordStore } from './sync-ports.ts';
import { syncStates, type SyncRecord, type SyncState } from './sync-record.ts';

/**
 * The dead-letter queue's side of a redrive: how many messages moved, or `started` for an
 * asynchronous move (SQS StartMessageMoveTask).
 */
export type DeadLetterMove = number | 'started';
export interface DeadLetters {
  redrive(): Promise<{ moved: DeadLetterMove }>;
}

export interface SyncAdminDeps {
  store: Pick<SyncRecordStore, 'listSyncRecords' | 'putSyncRecord'>;
  deadLetters: DeadLetters;
  audit: { appendAudit(entry: AuditEntry): Promise<void> };
  clock: Clock;
  ids: IdGenerator;
}

/** How many records a status count or a redrive reads per state. */
const scanLimit = 1000;

/** Anyone else is refused, and the refusal audited. */
async function requireAdmin(deps: SyncAdminDeps, context: RequestContext, action: string): Promise<void> {
  if (context.principal.role === 'admin') return;
  await deps.audit.appendAudit(
    auditEntry(deps, context, {
      ownerId: staffAuditOwner,
      action,
      resourceType: 'sync',
      resourceId: 'national-warehouse',
      outcome: 'denied',
    }),
  );
  throw new ForbiddenRoleError('Only administrators manage sync');
}

export interface SyncStatus {
  counts: Record<SyncState, number>;
  /** True when a state has more records than were counted. */
  truncated: boolean;
  dead: { ownerId: string; documentId: string; versionNumber: number; attempts: number; lastError?: string }[];
}

export async function syncStatus(deps: SyncAdminDeps, context: RequestContext): Promise<SyncStatus> {
  await requireAdmin(deps, context, 'sync.status');
  const byState = await Promise.all(syncStates.map((state) => deps.store.listSyncRecords(state, scanLimit)));
  const counts = Object.fromEntries(syncStates.map((state, index) => [state, byState[index]?.length ?? 0]));
  const dead = byState[syncStates.indexOf('dead')] ?? [];
  return {
    counts: counts as Record<SyncState, number>,
    truncated: byState.some((records) => records.length >= scanLimit),
    dead: dead.map((record) => ({
      ownerId: record.ownerId,
      documentId: record.documentId,
      versionNumber: record.event.versionNumber,
      attempts: record.attempts,
      ...(record.lastError ? { lastError: record.lastError } : {}),
    })),
  };
}

export async function redriveSync(
  deps: SyncAdminDeps,
  context: RequestContext,
): Promise<{ reset: number; deadLetters: DeadLetterMove }> {
  await requireAdmin(deps, context, 'sync.redrive');
  let reset = 0;
  const now = deps.clock.now().toISOString();
  for (const record of await deps.store.listSyncRecords('dead', scanLimit)) {
    const { dispatchedAt: _queued, ...rest } = record;
    const next: SyncRecord = { ...rest, state: 'pending', attempts: 0, updatedAt: now };
    try {
      await deps.store.putSyncRecord(next, record);
      reset += 1;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  const { moved } = await deps.deadLetters.redrive();
  await deps.audit.appendAudit(
    auditEntry(deps, context, {
      ownerId: staffAuditOwner,
      action: 'sync.redrive',
      resourceType: 'sync',
      resourceId: 'national-warehouse',
      detail: { reset, deadLetters: moved },
    }),
  );
  return { reset, deadLetters: moved };
}
