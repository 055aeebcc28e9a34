import {
  verifyAuditChain,
  type AuditChainHead,
  type AuditChainVerification,
  type ChainedAuditEntry,
} from './audit-chain.ts';
import { staffAuditOwner } from './audit.ts';
import { ForbiddenRoleError, InvalidInputError } from '../../platform/core/errors.ts';
import { isOwnerId, type RequestContext } from '../../platform/core/principal.ts';
import { authAuditOwner } from '../../auth/core/auth-audit.ts';
import { integrationAuditOwner } from '../../integration/core/result-model.ts';
import { syncAuditOwner } from '../../sync/core/sync-audit.ts';
import { signingAuditOwner } from '../../signing/core/signing-settings.ts';
import { templateAuditOwner } from '../../templates/core/template-repository.ts';

/** An owner's audit chain as stored: its head and every entry, in sequence order. */
export interface StoredAuditChain {
  head?: AuditChainHead;
  entries: ChainedAuditEntry[];
}

/** Reads audit chains for verification; writers chain entries as they append them. */
export interface AuditLog {
  readChain(ownerId: string): Promise<StoredAuditChain>;
}

/** Every owner of an audit chain: vault owners and the pseudo-owners of shared settings. */
function isAuditChainOwner(ownerId: string): boolean {
  return (
    isOwnerId(ownerId) ||
    [
      templateAuditOwner,
      signingAuditOwner,
      staffAuditOwner,
      authAuditOwner,
      integrationAuditOwner,
      syncAuditOwner,
    ].includes(ownerId)
  );
}

/** Re-computes one owner's chain (administrators only). */
export async function verifyOwnerAuditChain(
  deps: { auditLog: AuditLog },
  context: RequestContext,
  ownerId: string,
): Promise<AuditChainVerification> {
  if (context.principal.role !== 'admin') throw new ForbiddenRoleError('Only administrators verify audit chains');
  if (!isAuditChainOwner(ownerId))
    throw new InvalidInputError(
      'ownerId must be a personal ID, an enterprise code, "templates", "signing", "staff", "auth", "integration" or "sync"',
    );
  const chain = await deps.auditLog.readChain(ownerId);
  return verifyAuditChain(ownerId, chain.entries, chain.head);
}
