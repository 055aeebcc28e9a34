/**
 * The National Population Database as the vault sees it: a citizen's record found by the
 * 12-digit personal ID or by a legacy 9-digit identity-card number (CMND). The comparison with
 * what a page says happens here in the core (owner-identification.ts), not in the database.
 */

/** What the database holds of a citizen and the vault compares: nothing else is read. */
export interface CitizenRecord {
  personalId: string;
  fullName: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
}

export type CitizenKey = { personalId: string } | { legacyId: string };

export interface PopulationDatabase {
  /** The citizen, or undefined when the database has none under this key; throws PopulationDatabaseUnavailableError. */
  findCitizen(key: CitizenKey): Promise<CitizenRecord | undefined>;
}

/** The database (or its gateway) did not answer usably: timeout, refusal, 5xx, a malformed reply. Retryable. */
export class PopulationDatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PopulationDatabaseUnavailableError';
  }
}
