import { auditEntry } from '../../audit/core/audit.ts';
import { ForbiddenRoleError, NotFoundError } from '../../platform/core/errors.ts';
import type { VaultDocument } from '../../vault/core/model.ts';
import type { RequestContext } from '../../platform/core/principal.ts';
import type { Clock } from '../../platform/core/runtime.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import { systemFolderId } from '../../vault/core/vault-provisioning.ts';
import type { DocumentStore, FolderStore } from '../../vault/core/vault-store.ts';
import type { ShareStore } from './sharing-store.ts';
import { accessActions } from './access-log.ts';
import { isRevokedOrExpired, type Share, type SharePermission } from './share-model.ts';
import { coversDocument, presignCurrentContent } from './share-scope.ts';
import type { ShareScopeDeps } from './share-scope.ts';
import { isShareActive } from './shares.ts';

/** What these use cases need, with what the share scope checks need. */
export interface OfficerAccessDeps extends ShareScopeDeps, Pick<VaultDeps, 'clock' | 'ids'> {
  repository: ShareScopeDeps['repository'] & UnitOfWork & DocumentStore & ShareStore;
}

/** Why an officer reads a citizen's paper: the administrative procedure and the case file. */
export interface ReadPurpose {
  procedureCode: string;
  caseNumber: string;
}

type Part = 'metadata' | 'content';
const partPermission: Record<Part, SharePermission> = { metadata: 'metadata', content: 'download' };

/**
 * Whether the officer's unit may read this document now: it issued the document, or the
 * owner gave the unit a consent (a share to the unit) that covers it and allows the part.
 */
async function accessBasis(
  deps: OfficerAccessDeps,
  unit: string,
  ownerId: string,
  document: VaultDocument,
  part: Part,
): Promise<string | undefined> {
  if (document.source === 'issued' && document.issuingUnit === unit) return 'issued-by-unit';
  for (const consent of await deps.repository.listUnitConsents(unit, ownerId)) {
    if (!consent.permissions.includes(partPermission[part]) || !(await isShareActive(deps, consent))) continue;
    if (await coversDocument(deps, consent, document)) return `consent:${consent.id}`;
  }
  return undefined;
}

/**
 * An officer's read of a citizen's document within a recorded purpose. Allowed only on a
 * basis (see accessBasis); the read, or its refusal, goes to the citizen's history and
 * access log with the purpose, so the citizen sees who looked and why.
 */
async function readAsOfficer(
  deps: OfficerAccessDeps,
  context: RequestContext,
  ownerId: string,
  documentId: string,
  purpose: ReadPurpose,
  part: Part,
): Promise<VaultDocument> {
  const { unit } = context.principal;
  if (context.principal.role !== 'officer' || !unit)
    throw new ForbiddenRoleError("Only officers read citizens' documents for a procedure");
  const found = await deps.repository.getDocument(ownerId, documentId);
  const document = found && !found.trashedAt ? found : undefined;
  const basis = document && (await accessBasis(deps, unit, ownerId, document, part));
  const detail = { procedureCode: purpose.procedureCode, caseNumber: purpose.caseNumber, unit, part };
  if (!document || !basis) {
    await deps.repository.appendAudit(
      auditEntry(deps, context, {
        ownerId,
        action: accessActions.officerDenied,
        resourceType: 'document',
        resourceId: documentId,
        outcome: 'denied',
        detail,
      }),
    );
    throw new NotFoundError('Document');
  }
  await deps.repository.appendAudit(
    auditEntry(deps, context, {
      ownerId,
      action: accessActions.officerRead,
      resourceType: 'document',
      resourceId: documentId,
      detail: { ...detail, basis },
    }),
  );
  return document;
}

export function getDocumentForProcedure(
  deps: OfficerAccessDeps,
  context: RequestContext,
  ownerId: string,
  documentId: string,
  purpose: ReadPurpose,
): Promise<VaultDocument> {
  return readAsOfficer(deps, context, ownerId, documentId, purpose, 'metadata');
}

export async function getDocumentContentForProcedure(
  deps: OfficerAccessDeps,
  context: RequestContext,
  ownerId: string,
  documentId: string,
  purpose: ReadPurpose,
): Promise<string> {
  const document = await readAsOfficer(deps, context, ownerId, documentId, purpose, 'content');
  return (await presignCurrentContent(deps, document)).url;
}

/**
 * The consent that lets an officer's unit pull the owner's papers from the national warehouse
 * into the owner's vault: given by the owner themself (a grantee resharing cannot let anyone
 * write into someone else's vault), not revoked or expired, on the folder the pulled papers are
 * filed in, while that folder is not in the trash. The papers land in that folder, so the same
 * consent is what lets the officer read them afterwards (with its permissions).
 */
export async function pullConsent(
  deps: { repository: Pick<ShareStore, 'listUnitConsents'> & Pick<FolderStore, 'getFolder'>; clock: Clock },
  unit: string,
  ownerId: string,
): Promise<Share | undefined> {
  const folderId = systemFolderId('imported');
  const folder = await deps.repository.getFolder(ownerId, folderId);
  if (!folder || folder.trashedAt) return undefined;
  const now = deps.clock.now();
  return (await deps.repository.listUnitConsents(unit, ownerId)).find(
    (consent) =>
      consent.grantedBy === ownerId &&
      !consent.parentShareId &&
      consent.resourceType === 'folder' &&
      consent.resourceId === folderId &&
      !isRevokedOrExpired(consent, now),
  );
}
