/**
 * The national warehouse's HTTP adapter against the simulator, over real HTTP on loopback: pushes,
 * pulls, gateway authentication, and every failure mode the simulator has, each classified as the
 * queue needs it (retryable or permanent).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  NationalWarehouseError,
  isRetryableWarehouseFailure,
  type Dossier,
  type NationalWarehouse,
  type NationalWarehouseFailure,
} from '../../../functions/sync/core/national-warehouse.ts';
import type { NationalWarehouseConfigInput } from '../../../functions/sync/adapters/national-warehouse-config.ts';
import { createNationalWarehouseHttpClient } from '../../../functions/sync/adapters/national-warehouse-http-client.ts';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
} from '../../simulators/national-warehouse-simulator.ts';

const ownerId = '079203001234';

function dossier(overrides: Partial<Dossier> = {}): Dossier {
  const code = `000.00.01.H22-${randomUUID().slice(0, 8)}`;
  return {
    dossierCode: code,
    procedureCode: '1.004616.000.00.00.H56',
    procedureName: 'Cấp giấy phép sử dụng vật liệu nổ công nghiệp',
    ownerName: 'Nguyễn Văn An',
    ownerKind: 'citizen',
    ownerCode: ownerId,
    ownerIdentifiers: [{ kind: 'personal-id', number: ownerId }],
    receivedAt: new Date('2026-12-01T01:30:00Z'),
    dueAt: new Date('2026-12-10T10:00:00Z'),
    returnedAt: new Date('2026-12-03T05:04:05Z'),
    status: 10,
    processingUnit: '000.00.01.H22',
    digitised: true,
    reusable: true,
    results: [result('doc-1')],
    ...overrides,
  };
}

function result(paperId: string) {
  return {
    name: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
    paperId,
    resultTypeCode: 'KQ.G15.000031',
    fileUrl: `https://vault.example.vn/results/${paperId}?X-Amz-Expires=86400`,
  };
}

async function failsWith(
  call: Promise<unknown>,
  failure: NationalWarehouseFailure,
  retryable: boolean,
): Promise<NationalWarehouseError> {
  const error = await call.then(
    () => assert.fail(`expected a ${failure} failure`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof NationalWarehouseError, `not a NationalWarehouseError: ${String(error)}`);
  assert.equal(error.failure, failure, error.message);
  assert.equal(error.retryable, retryable);
  assert.equal(isRetryableWarehouseFailure(error), retryable);
  return error;
}

let simulator: NationalWarehouseSimulator;
let warehouse: NationalWarehouse;

before(async () => {
  simulator = await startNationalWarehouseSimulator();
  warehouse = createNationalWarehouseHttpClient(
    simulator.clientConfig('client-credentials', { requestTimeoutMs: 2000 }),
  );
});

after(() => simulator.close());

beforeEach(() => {
  simulator.failNext(0);
  simulator.malformNext(0);
  simulator.setDelay(0);
  simulator.setAlreadyExistsOnCreate(false);
  simulator.loseRepliesAfterCreate(0);
});

describe('pushing dossiers', () => {
  test('a new dossier is created, found by the existence check, and stored as sent', async () => {
    const pushed = dossier();
    assert.equal(await warehouse.findDossier(pushed.dossierCode), undefined);

    const outcome = await warehouse.createDossier(pushed);
    assert.equal(outcome.outcome, 'created');
    assert.ok(outcome.outcome === 'created' && outcome.remoteId);

    assert.deepEqual(await warehouse.findDossier(pushed.dossierCode), {
      dossierCode: pushed.dossierCode,
      remoteId: outcome.remoteId,
    });
    const stored = simulator.dossier(pushed.dossierCode);
    assert.equal(stored?.NgayTiepNhan, '20261201083000');
    assert.equal(stored?.NgayTra, '20261203120405');
    assert.equal(stored?.TrangThaiHoSo, '10');
    assert.deepEqual(stored?.DinhDanhCHS, [{ LoaiDinhDanh: '1', SoDinhDanh: ownerId }]);
    assert.equal(stored?.DanhSachGiayToKetQua[0]?.DuongDanTepTinKetQua, pushed.results[0]?.fileUrl);
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-1'), 1);
  });

  test('a second create gets "already exists" (-3); the update then applies, each result still once', async () => {
    const pushed = dossier();
    assert.equal((await warehouse.createDossier(pushed)).outcome, 'created');
    assert.deepEqual(await warehouse.createDossier(pushed), { outcome: 'already-exists' });

    const updated = { ...pushed, status: 9 as const, results: [result('doc-1'), result('doc-2')] };
    const outcome = await warehouse.updateDossier(updated);
    assert.equal(outcome.outcome, 'updated');
    assert.equal(simulator.dossier(pushed.dossierCode)?.TrangThaiHoSo, '9');
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-1'), 1);
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-2'), 1);
  });

  test('the other spelling, code 3 with "đã tồn tại", is "already exists" too', async () => {
    simulator.setAlreadyExistsOnCreate(true);
    const pushed = dossier();
    assert.deepEqual(await warehouse.createDossier(pushed), { outcome: 'already-exists' });
    assert.equal(simulator.dossier(pushed.dossierCode), undefined);
  });

  test('an update of a dossier the portal does not hold is a permanent business error', async () => {
    const error = await failsWith(warehouse.updateDossier(dossier()), 'business-error', false);
    assert.equal(error.portalCode, '-1');
  });

  test('a field the portal refuses is a permanent business error; nothing is stored', async () => {
    const strictCodes = createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', {
        codes: { ownerKinds: { citizen: '9', enterprise: '2', organisation: '3' } },
      }),
    );
    const pushed = dossier();
    const error = await failsWith(strictCodes.createDossier(pushed), 'business-error', false);
    assert.match(error.message, /LoaiDoiTuong/);
    assert.equal(simulator.dossier(pushed.dossierCode), undefined);
  });

  test('a message that breaks the wire format is never sent', async () => {
    const before = simulator.requestCount('createDossier');
    const pushed = dossier({ results: [{ ...result('doc-1'), resultTypeCode: 'KQ.G15\u0007000031' }] });
    await failsWith(warehouse.createDossier(pushed), 'invalid-message', false);
    assert.equal(simulator.requestCount('createDossier'), before);
  });

  test('the simulator itself refuses what a strict portal would: a bad date, a missing field', async () => {
    const token = await fetch(`${simulator.url}${simulator.paths.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: simulator.clientId,
        client_secret: simulator.clientSecret,
      }),
    }).then((response) => response.json() as Promise<{ access_token: string }>);
    const send = (body: unknown) =>
      fetch(`${simulator.url}${simulator.paths.createDossier}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
    const valid = {
      MaHoSo: `HS-${randomUUID()}`,
      MaTTHC: '1.000046',
      TenTTHC: 'Thủ tục',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: '1',
      MaDoiTuong: ownerId,
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: ownerId }],
      NgayTiepNhan: '20261201083000',
      NgayHenTra: '20261210170000',
      TrangThaiHoSo: '4',
      DonViXuLy: '000.00.01.H22',
      DuocSoHoa: '1',
      DuocTaiSuDung: '0',
      DanhSachGiayToKetQua: [],
    };
    const badDate = await send({ ...valid, NgayHenTra: '20260231170000' });
    assert.deepEqual(
      [badDate.status, badDate.body.error_code, badDate.body.message],
      [200, -1, 'Trường NgayHenTra không hợp lệ'],
    );
    const { ChuHoSo: _missing, ...withoutOwner } = valid;
    assert.equal((await send(withoutOwner)).body.message, 'Trường ChuHoSo không hợp lệ');
    assert.equal((await send({ ...valid, Extra: 'x' })).body.message, 'Trường Extra không hợp lệ');
    assert.equal((await send(valid)).body.error_code, 0);
  });
});

describe('pulling results', () => {
  const pdf = Buffer.from('%PDF-1.7\n' + randomBytes(2048).toString('base64'));
  const owner = '001090001234';

  before(() => {
    simulator.seedResults(owner, [
      {
        resultTypeCode: 'KQ.G15.000031',
        name: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
        number: '123/GP-PC06',
        issuingBody: '000.00.01.H22',
        files: [
          { name: 'giay-phep.pdf', path: '/kho/h22/giay-phep.pdf', content: pdf },
          { name: 'phu-luc.pdf', path: '/kho/h22/phu-luc.pdf', content: 'fails' },
        ],
      },
      {
        resultTypeCode: 'KQ.G15.000032',
        name: 'Xác nhận',
        number: '77/XN',
        issuingBody: '000.00.02.H22',
        files: [{ name: 'xac-nhan.pdf', path: '/kho/h22/xac-nhan.pdf', content: Buffer.from('%PDF-1.4 xn') }],
      },
    ]);
  });

  const request = (wanted: { resultTypeCode: string; number?: string }[]) => ({
    ownerId: owner,
    channel: 'citizen' as const,
    requesterId: owner,
    requesterName: 'Trần Thị Bình',
    procedureCode: '1.000046',
    wanted,
  });

  test("an owner's results come with their files and the portal's signature, kept unverified", async () => {
    const pulled = await warehouse.pullResults(request([]));
    assert.equal(pulled.results.length, 2);
    assert.deepEqual(pulled.results[0], {
      resultTypeCode: 'KQ.G15.000031',
      name: 'Giấy phép sử dụng vật liệu nổ công nghiệp',
      number: '123/GP-PC06',
      issuingBody: '000.00.01.H22',
      files: [
        { name: 'giay-phep.pdf', path: '/kho/h22/giay-phep.pdf' },
        { name: 'phu-luc.pdf', path: '/kho/h22/phu-luc.pdf' },
      ],
    });
    assert.match(pulled.portalSignature ?? '', /^[A-Za-z0-9+/]+=*$/);

    const bytes = await warehouse.getFile({ issuingBody: '000.00.01.H22', path: '/kho/h22/giay-phep.pdf' });
    assert.deepEqual(Buffer.from(bytes), pdf);
  });

  test('a pull narrowed to a result type and number returns only that result', async () => {
    const pulled = await warehouse.pullResults(request([{ resultTypeCode: 'KQ.G15.000032', number: '77/XN' }]));
    assert.deepEqual(
      pulled.results.map((item) => item.number),
      ['77/XN'],
    );
    const none = await warehouse.pullResults(request([{ resultTypeCode: 'KQ.G15.000032', number: '78/XN' }]));
    assert.deepEqual(none.results, []);
  });

  test('a file the portal fails to read is retryable; one it does not have is a permanent refusal', async () => {
    await failsWith(
      warehouse.getFile({ issuingBody: '000.00.01.H22', path: '/kho/h22/phu-luc.pdf' }),
      'server-error',
      true,
    );
    await failsWith(
      warehouse.getFile({ issuingBody: '000.00.01.H22', path: '/kho/none.pdf' }),
      'business-error',
      false,
    );
  });

  test('a file larger than the configured reply limit is refused, not read into memory', async () => {
    const small = createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', { maxReplyBytes: 1024 }),
    );
    await failsWith(
      small.getFile({ issuingBody: '000.00.01.H22', path: '/kho/h22/giay-phep.pdf' }),
      'reply-too-large',
      false,
    );
  });
});

describe('failure modes, classified for the queue', () => {
  test('down: connection refused is retryable; after recovery the same call succeeds', async () => {
    const pushed = dossier();
    await simulator.goDown();
    try {
      await failsWith(warehouse.createDossier(pushed), 'unreachable', true);
    } finally {
      await simulator.comeBack();
    }
    assert.equal((await warehouse.createDossier(pushed)).outcome, 'created');
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-1'), 1);
  });

  test('5xx and 408/429 are retryable, with their status', async () => {
    for (const [status, failure] of [
      [500, 'server-error'],
      [502, 'server-error'],
      [503, 'server-error'],
      [408, 'throttled'],
      [429, 'throttled'],
    ] as const) {
      simulator.failNext(1, status, 'createDossier');
      const pushed = dossier();
      const error = await failsWith(warehouse.createDossier(pushed), failure, true);
      assert.equal(error.status, status);
      assert.equal(simulator.dossier(pushed.dossierCode), undefined, 'a failed call applied nothing');
    }
  });

  test('several 5xx in a row stay retryable until the portal recovers', async () => {
    simulator.failNext(3, 503, 'findDossier');
    for (let i = 0; i < 3; i += 1) await failsWith(warehouse.findDossier('HS-1'), 'server-error', true);
    assert.equal(await warehouse.findDossier('HS-1'), undefined);
  });

  test('other 4xx are permanent; so is an endpoint that does not exist', async () => {
    simulator.failNext(1, 400, 'createDossier');
    await failsWith(warehouse.createDossier(dossier()), 'rejected', false);
    simulator.failNext(1, 403, 'createDossier');
    await failsWith(warehouse.createDossier(dossier()), 'rejected', false);
    const misconfigured = createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', {
        paths: { ...simulator.clientConfig().paths, createDossier: '/no/such/endpoint' },
      }),
    );
    const error = await failsWith(misconfigured.createDossier(dossier()), 'rejected', false);
    assert.equal(error.status, 404);
  });

  test('slow: no answer within the timeout is retryable', async () => {
    const impatient = createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', { requestTimeoutMs: 200 }),
    );
    await impatient.findDossier('HS-warm-up');
    simulator.setDelay(1500);
    const startedAt = Date.now();
    await failsWith(impatient.findDossier('HS-1'), 'timeout', true);
    assert.ok(Date.now() - startedAt < 1000, 'the call gave up at its timeout');
  });

  test('a create that timed out may still have been applied: the retry finds it and it is applied once', async () => {
    const impatient = createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', { requestTimeoutMs: 200 }),
    );
    await impatient.findDossier('HS-warm-up');
    const pushed = dossier({ results: [result('doc-slow')] });
    simulator.setDelay(400);
    await failsWith(impatient.createDossier(pushed), 'timeout', true);
    simulator.setDelay(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-slow'), 1, 'the portal applied it after our timeout');
    assert.deepEqual(await impatient.createDossier(pushed), { outcome: 'already-exists' });
    assert.equal((await impatient.updateDossier(pushed)).outcome, 'updated');
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-slow'), 1);
  });

  test('malformed JSON, or a reply off its schema, is retryable', async () => {
    await warehouse.findDossier('HS-warm-up');
    simulator.malformNext(1);
    await failsWith(warehouse.createDossier(dossier()), 'malformed-reply', true);
    simulator.malformNext(1);
    await failsWith(warehouse.getFile({ issuingBody: 'H22', path: '/x' }), 'malformed-reply', true);
  });

  test('a lost reply after the create was applied: the retry gets "already exists", the update applies, once', async () => {
    const pushed = dossier({ results: [result('doc-lost-1'), result('doc-lost-2')] });
    simulator.loseRepliesAfterCreate(1);
    await failsWith(warehouse.createDossier(pushed), 'unreachable', true);
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-lost-1'), 1, 'the portal applied it');

    // What the queue consumer does on its retry.
    assert.deepEqual(await warehouse.createDossier(pushed), { outcome: 'already-exists' });
    assert.equal((await warehouse.updateDossier(pushed)).outcome, 'updated');

    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-lost-1'), 1);
    assert.equal(simulator.timesApplied(pushed.dossierCode, 'doc-lost-2'), 1);
    const duplicates = [...simulator.appliedIdentities()].filter(([, times]) => times > 1);
    assert.deepEqual(duplicates, []);
  });
});

describe('gateway authentication', () => {
  test('client credentials: one token for many calls, fetched once for concurrent callers', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig());
      await Promise.all(Array.from({ length: 5 }, (_, i) => client.findDossier(`HS-${i}`)));
      await client.createDossier(dossier());
      assert.equal(own.requestCount('token'), 1);
      assert.equal(own.requestCount('findDossier'), 5);
    } finally {
      await own.close();
    }
  });

  test('credentials as form fields work as the Basic header does', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const config = own.clientConfig();
      const client = createNationalWarehouseHttpClient({
        ...config,
        authentication: { ...(config.authentication as object), sendCredentialsAs: 'form-fields' },
      } as NationalWarehouseConfigInput);
      assert.equal(await client.findDossier('HS-1'), undefined);
      assert.equal(own.requestCount('token'), 1);
    } finally {
      await own.close();
    }
  });

  test('a token revoked at the gateway: the 401 drops it, one new token, the call succeeds', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig());
      await client.findDossier('HS-1');
      own.revokeCredentials();
      assert.equal((await client.createDossier(dossier())).outcome, 'created');
      assert.equal(own.requestCount('token'), 2);
      assert.equal(own.requestCount('createDossier'), 2);
    } finally {
      await own.close();
    }
  });

  test('401 again with a fresh token: permanent, after exactly one refresh', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig());
      await client.findDossier('HS-1');
      own.failNext(5, 401, 'createDossier');
      await failsWith(client.createDossier(dossier()), 'unauthorised', false);
      assert.equal(own.requestCount('createDossier'), 2);
      assert.equal(own.requestCount('token'), 2);
    } finally {
      await own.close();
    }
  });

  test('a token is renewed shortly before it expires, without a 401', async () => {
    // A 4 s token is kept for half its life at most (the 60 s margin cannot apply to it).
    const own = await startNationalWarehouseSimulator({ tokenLifetimeSeconds: 4 });
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig());
      await client.findDossier('HS-1');
      await client.findDossier('HS-2');
      assert.equal(own.requestCount('token'), 1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await client.findDossier('HS-3');
      assert.equal(own.requestCount('token'), 2);
      assert.equal(own.requestCount('findDossier'), 3, 'no call was refused');
    } finally {
      await own.close();
    }
  });

  test('a wrong client secret is permanent and no API call is made', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const config = own.clientConfig();
      const client = createNationalWarehouseHttpClient({
        ...config,
        authentication: { kind: 'client-credentials', clientId: own.clientId, clientSecret: 'wrong-secret' },
      });
      const error = await failsWith(client.createDossier(dossier()), 'unauthorised', false);
      assert.equal(error.message.includes('wrong-secret'), false);
      assert.equal(own.requestCount('createDossier'), 0);
    } finally {
      await own.close();
    }
  });

  test('the token endpoint down or failing is retryable', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig());
      own.failNext(1, 503, 'token');
      await failsWith(client.findDossier('HS-1'), 'server-error', true);
      own.malformNext(1);
      await failsWith(client.findDossier('HS-1'), 'malformed-reply', true);
      assert.equal(await client.findDossier('HS-1'), undefined);
    } finally {
      await own.close();
    }
  });

  test('session login: one login, the session carried in the body, a new login after the session is refused', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient(own.clientConfig('session-login'));
      const pushed = dossier();
      assert.equal((await client.createDossier(pushed)).outcome, 'created');
      assert.equal(own.dossier(pushed.dossierCode)?.session, undefined, 'the session is not stored as dossier data');
      await client.findDossier(pushed.dossierCode);
      assert.equal(own.requestCount('login'), 1);
      assert.equal(own.requestCount('token'), 0);
      own.revokeCredentials();
      assert.equal((await client.updateDossier(pushed)).outcome, 'updated');
      assert.equal(own.requestCount('login'), 2);
    } finally {
      await own.close();
    }
  });

  test('session login with a wrong password is permanent', async () => {
    const own = await startNationalWarehouseSimulator();
    try {
      const client = createNationalWarehouseHttpClient({
        ...own.clientConfig('session-login'),
        authentication: { kind: 'session-login', loginPath: own.paths.login, username: own.username, password: 'nope' },
      });
      await failsWith(client.findDossier('HS-1'), 'unauthorised', false);
      assert.equal(own.requestCount('findDossier'), 0);
    } finally {
      await own.close();
    }
  });
});
