import { auditEntry } from '../../audit/core/audit.ts';
import { ConcurrentUpdateError, ConflictError } from '../../platform/core/errors.ts';
import type { Folder, SystemFolderKind } from './model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { FolderStore } from './vault-store.ts';

export interface ProvisioningDeps {
  repository: UnitOfWork & Pick<FolderStore, 'isProvisioned'>;
  clock: Clock;
  ids: IdGenerator;
}

/** The default folders every vault starts with, named as citizens know them. */
export const systemFolders: ReadonlyArray<{ kind: SystemFolderKind; name: string }> = [
  { kind: 'identity', name: 'Giấy tờ tùy thân' },
  { kind: 'results', name: 'Kết quả thủ tục hành chính' },
  { kind: 'self', name: 'Giấy tờ tự số hóa' },
];

export function systemFolderId(kind: SystemFolderKind): string {
  return `sys-${kind}`;
}

/** Owners known to be provisioned, per repository: provisioning is never undone, so this only saves reads. */
const provisionedOwners = new WeakMap<object, Set<string>>();

/**
 * Makes sure the owner's vault exists, creating the default folders on first use.
 * Two first requests may race: the loser's commit fails on the vault marker, which is fine.
 */
export async function ensureVault(deps: ProvisioningDeps, context: RequestContext, ownerId: string): Promise<void> {
  const known = provisionedOwners.get(deps.repository) ?? new Set<string>();
  provisionedOwners.set(deps.repository, known);
  if (known.has(ownerId)) return;
  if (!(await deps.repository.isProvisioned(ownerId))) {
    const now = deps.clock.now().toISOString();
    const folders: Folder[] = systemFolders.map(({ kind, name }) => ({
      id: systemFolderId(kind),
      ownerId,
      name,
      parentId: null,
      system: kind,
      createdAt: now,
      updatedAt: now,
    }));
    try {
      await deps.repository.commit({
        ownerId,
        provisionVault: true,
        folders: folders.map((folder) => ({ next: folder })),
        audit: [
          auditEntry(deps, context, { ownerId, action: 'vault.provision', resourceType: 'vault', resourceId: ownerId }),
        ],
      });
    } catch (error) {
      // A concurrent first request provisioned the vault: its marker or its folder names won.
      const lostRace = error instanceof ConcurrentUpdateError || error instanceof ConflictError;
      if (!lostRace || !(await deps.repository.isProvisioned(ownerId))) throw error;
    }
  }
  known.add(ownerId);
}
