import {
  PopulationDatabaseUnavailableError,
  type CitizenKey,
  type CitizenRecord,
  type PopulationDatabase,
} from '../../functions/identity/core/population-database.ts';
import { defaultCitizens, type SimulatedCitizen } from '../simulators/population-database-simulator.ts';

/** The population database as a list the test can extend or take down; the comparison stays the real core's. */
export class InMemoryPopulationDatabase implements PopulationDatabase {
  readonly citizens: SimulatedCitizen[] = [...defaultCitizens];
  readonly lookups: CitizenKey[] = [];
  down = false;

  findCitizen(key: CitizenKey): Promise<CitizenRecord | undefined> {
    if (this.down) return Promise.reject(new PopulationDatabaseUnavailableError('the test took it down'));
    this.lookups.push(key);
    const found = this.citizens.find((citizen) =>
      'personalId' in key ? citizen.personalId === key.personalId : citizen.legacyId === key.legacyId,
    );
    return Promise.resolve(
      found ? { personalId: found.personalId, fullName: found.fullName, birthDate: found.birthDate } : undefined,
    );
  }
}
