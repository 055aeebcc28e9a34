import { isPersonalId } from '../../platform/core/principal.ts';
import {
  PopulationDatabaseUnavailableError,
  type CitizenRecord,
  type PopulationDatabase,
} from './population-database.ts';

/** The page fields a look-up compares. */
export type ComparedField = 'fullName' | 'birthDate';

export type IdentityOutcome =
  | {
      outcome: 'confirmed';
      personalId: string;
      /** The name matched only with diacritics folded. */ nameFolded: boolean;
      /** The database's spelling of the name: PII, kept out of audit entries and logs. */
      registeredName: string;
    }
  | { outcome: 'mismatch'; personalId: string; fields: ComparedField[] }
  | { outcome: 'not-found' }
  | { outcome: 'unavailable'; reason: string };

/** A 9-digit identity card number (CMND), issued before the 12-digit personal ID. */
export const legacyIdPattern = /^\d{9}$/;

/**
 * A name as compared: Unicode-normalised, upper case, tone marks and other diacritics folded to
 * base letters (Đ → D), punctuation dropped, one space between words. OCR misreads stacked marks
 * (NGUYỄN → NGUYÊN) far more often than it invents a letter, and the ID and the date of birth
 * must match as well; a different base letter, a missing or an extra word is a different name.
 */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[Đđ]/g, 'D')
    .toUpperCase()
    .replace(/[^\p{L}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .join(' ');
}

/** The same name exactly, apart from case, spacing and Unicode composition. */
function sameExactName(left: string, right: string): boolean {
  const exact = (name: string) => name.normalize('NFC').toUpperCase().trim().split(/\s+/).join(' ');
  return exact(left) === exact(right);
}

function compare(record: CitizenRecord, page: { fullName?: string; birthDate?: string }): IdentityOutcome {
  const fields: ComparedField[] = [];
  if (page.fullName !== undefined && foldName(page.fullName) !== foldName(record.fullName)) fields.push('fullName');
  if (page.birthDate !== undefined && page.birthDate !== record.birthDate) fields.push('birthDate');
  if (fields.length > 0) return { outcome: 'mismatch', personalId: record.personalId, fields };
  return {
    outcome: 'confirmed',
    personalId: record.personalId,
    nameFolded: page.fullName !== undefined && !sameExactName(page.fullName, record.fullName),
    registeredName: record.fullName,
  };
}

async function lookUp(
  database: PopulationDatabase,
  key: Parameters<PopulationDatabase['findCitizen']>[0],
  page: { fullName?: string; birthDate?: string },
): Promise<IdentityOutcome> {
  try {
    const record = await database.findCitizen(key);
    return record ? compare(record, page) : { outcome: 'not-found' };
  } catch (error) {
    if (error instanceof PopulationDatabaseUnavailableError) return { outcome: 'unavailable', reason: error.message };
    throw error;
  }
}

/** Confirms that the citizen with this personal ID has the name and date of birth given (each when given). */
export async function confirmOwner(
  database: PopulationDatabase,
  query: { personalId: string; fullName?: string; birthDate?: string },
): Promise<IdentityOutcome> {
  if (!isPersonalId(query.personalId)) throw new TypeError('confirmOwner needs a 12-digit personal ID');
  return lookUp(database, { personalId: query.personalId }, query);
}

/**
 * The personal ID behind a legacy 9-digit number, confirmed by name and date of birth: a
 * number alone is not enough (CMND numbers were issued per province and some were reissued).
 */
export async function resolveLegacyId(
  database: PopulationDatabase,
  query: { legacyId: string; fullName: string; birthDate: string },
): Promise<IdentityOutcome> {
  if (!legacyIdPattern.test(query.legacyId))
    throw new TypeError('resolveLegacyId needs a 9-digit identity card number');
  return lookUp(database, { legacyId: query.legacyId }, query);
}
