import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPopulationDatabase } from '../../../functions/composition/population-database.ts';
import { PopulationDatabaseUnavailableError } from '../../../functions/identity/core/population-database.ts';
import {
  startPopulationDatabaseSimulator,
  type PopulationDatabaseSimulator,
} from '../../simulators/population-database-simulator.ts';

/** The HTTP adapter with the gateway's real client-credentials authentication, against the simulator. */
let simulator: PopulationDatabaseSimulator;
const client = (overrides: Record<string, unknown> = {}) =>
  createPopulationDatabase({ ...simulator.clientConfig(), authentication: simulator.authentication, ...overrides });

before(async () => {
  simulator = await startPopulationDatabaseSimulator();
});
after(async () => {
  await simulator.close();
});
beforeEach(async () => {
  await simulator.comeBack();
  simulator.failNext(0);
  simulator.setDelay(0);
});

describe('population database over HTTP', () => {
  test('finds a citizen by personal ID and by legacy CMND, dates mapped to ISO', async () => {
    const database = client();
    assert.deepEqual(await database.findCitizen({ personalId: '079203001234' }), {
      personalId: '079203001234',
      fullName: 'Nguyễn Văn An',
      birthDate: '2003-02-14',
    });
    assert.deepEqual(await database.findCitizen({ legacyId: '171234567' }), {
      personalId: '038064357769',
      fullName: 'Lưu Xuân Hiển',
      birthDate: '1964-07-17',
    });
    assert.equal(await database.findCitizen({ personalId: '001200099999' }), undefined);
    assert.deepEqual(simulator.lookups().slice(-3), [
      { personalId: '079203001234' },
      { legacyId: '171234567' },
      { personalId: '001200099999' },
    ]);
  });

  test('down, 5xx, slow and refused credentials are unavailable', async () => {
    const database = client({ requestTimeoutMs: 300 });
    simulator.failNext(1, 502);
    await assert.rejects(database.findCitizen({ personalId: '079203001234' }), PopulationDatabaseUnavailableError);
    simulator.setDelay(1_000);
    await assert.rejects(database.findCitizen({ personalId: '079203001234' }), /did not answer in time/);
    simulator.setDelay(0);
    await simulator.goDown();
    await assert.rejects(database.findCitizen({ personalId: '079203001234' }), PopulationDatabaseUnavailableError);
    await simulator.comeBack();
    assert.equal((await database.findCitizen({ personalId: '079203001234' }))?.fullName, 'Nguyễn Văn An');
    const wrongSecret = createPopulationDatabase({
      ...simulator.clientConfig(),
      authentication: { ...simulator.authentication, clientSecret: 'not-the-secret' },
    });
    await assert.rejects(wrongSecret.findCitizen({ personalId: '079203001234' }), /gave no credential/);
  });

  test('configuration errors name the field, never a secret; plain http is refused off loopback', () => {
    assert.throws(
      () =>
        createPopulationDatabase({
          baseUrl: 'http://gateway.example.vn',
          authentication: { kind: 'client-credentials', clientId: 'vault', clientSecret: 'hunter2-secret' },
        }),
      (error: Error) => /baseUrl: https is required/.test(error.message) && !error.message.includes('hunter2'),
    );
    assert.throws(
      () => createPopulationDatabase({ baseUrl: 'https://gateway.example.vn', authentication: { kind: 'x' } }),
      /authentication/,
    );
  });
});
