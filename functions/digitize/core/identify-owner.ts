import { auditEntry } from '../../audit/core/audit.ts';
import {
  confirmOwner,
  legacyIdPattern,
  resolveLegacyId,
  type IdentityOutcome,
} from '../../identity/core/owner-identification.ts';
import type { PopulationDatabase } from '../../identity/core/population-database.ts';
import { isPersonalId } from '../../platform/core/principal.ts';
import { normaliseName } from '../../templates/core/normalisers.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { OwnerIdentification, Recognition, Upload } from './upload-model.ts';
import { uploaderContext } from './workflow-upload.ts';

export interface IdentifyOwnerDeps extends Pick<VaultDeps, 'clock' | 'ids'> {
  population: PopulationDatabase;
  repository: UnitOfWork;
}

const text = (value: string | number | undefined) => (typeof value === 'string' && value.trim() ? value : undefined);

/** The database's spelling of a name in the form the name normaliser gives every name field. */
function asNameField(name: string): string | undefined {
  const value = normaliseName(name)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Why the look-up leaves the owner unconfirmed, for the reviewer; undefined when confirmed. */
function reviewReason(outcome: IdentityOutcome, upload: Upload, legacyId: boolean): string | undefined {
  switch (outcome.outcome) {
    case 'confirmed':
      return outcome.personalId === upload.ownerId
        ? undefined
        : `the identity card number on the page belongs to personal ID ${outcome.personalId}, not the owner ${upload.ownerId}`;
    case 'mismatch': {
      const what = outcome.fields.map((field) => (field === 'fullName' ? 'name' : 'date of birth')).join(' and ');
      return legacyId
        ? `the identity card number on the page is registered with another ${what}`
        : `the ${what} on the page differ${outcome.fields.length > 1 ? '' : 's'} from the population database's record of the owner ${upload.ownerId}`;
    }
    case 'not-found':
      return legacyId
        ? 'the identity card number on the page is not in the population database'
        : `the population database has no citizen ${upload.ownerId}`;
    case 'unavailable':
      return `the population database could not confirm the owner (${outcome.reason})`;
  }
}

/**
 * Confirms an officer's page against the owner the officer named, through the population
 * database: a legacy 9-digit number is resolved with the page's name and date of birth (and must
 * lead to the owner); otherwise the page's name and date of birth are compared with the owner's
 * record. Returns the reasons to review (none when confirmed or when the page names nobody)
 * and, when the owner is confirmed but the page's name matched only with diacritics folded, the
 * name as the database spells it.
 * Each look-up is audited in the owner's chain with the upload, its kind, outcome and the
 * fields that differed: never the name, the date or the legacy number. The result is kept on
 * the upload (`ownerIdentification`), written once with the audit entry.
 */
export async function identifyPageOwner(
  deps: IdentifyOwnerDeps,
  upload: Upload,
  fields: Recognition['fields'],
): Promise<OwnerIdentification> {
  // A retried Extract step reuses the first look-up: the database is asked, and the look-up audited, once.
  if (upload.ownerIdentification) return upload.ownerIdentification;
  if (!isPersonalId(upload.ownerId)) return { reasons: [] };
  const fullName = text(fields.fullName);
  const birthDate = text(fields.dateOfBirth);
  const legacyId = text(fields.legacyId);
  if (!fullName && !birthDate && !legacyId) return { reasons: [] };
  if (legacyId && !legacyIdPattern.test(legacyId))
    return { reasons: ['the identity card number on the page is not 9 digits'] };
  if (legacyId && !(fullName && birthDate))
    return { reasons: ['the identity card number cannot be resolved without the name and date of birth on the page'] };
  const outcome =
    legacyId && fullName && birthDate
      ? await resolveLegacyId(deps.population, { legacyId, fullName, birthDate })
      : await confirmOwner(deps.population, {
          personalId: upload.ownerId,
          ...(fullName ? { fullName } : {}),
          ...(birthDate ? { birthDate } : {}),
        });
  const reason = reviewReason(outcome, upload, legacyId !== undefined);
  const reasons = reason ? [reason] : [];
  const nameAsRegistered =
    outcome.outcome === 'confirmed' && outcome.personalId === upload.ownerId && outcome.nameFolded
      ? asNameField(outcome.registeredName)
      : undefined;
  const identification: OwnerIdentification = { reasons, ...(nameAsRegistered ? { nameAsRegistered } : {}) };
  // Written once, with its audit entry, on the condition that the upload is unchanged: a
  // concurrent run fails here and its retry finds the stored result.
  await deps.repository.commit({
    ownerId: upload.ownerId,
    uploads: [
      {
        next: { ...upload, ownerIdentification: identification, updatedAt: deps.clock.now().toISOString() },
        previous: upload,
      },
    ],
    audit: [
      auditEntry(deps, uploaderContext(upload), {
        ownerId: upload.ownerId,
        action: 'identity.lookup',
        resourceType: 'upload',
        resourceId: upload.id,
        outcome: outcome.outcome === 'unavailable' ? 'failed' : 'success',
        detail: {
          uploadId: upload.id,
          by: legacyId ? 'legacy-id' : 'personal-id',
          result: outcome.outcome,
          ...(outcome.outcome === 'mismatch' ? { differs: outcome.fields.join(',') } : {}),
          ...(outcome.outcome === 'confirmed' ? { nameFolded: outcome.nameFolded, ownerConfirmed: !reason } : {}),
        },
      }),
    ],
  });
  return identification;
}
