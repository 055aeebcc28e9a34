import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { assertProblem } from '../support/http-client.ts';
import { personas, startTestVault, type TestVault } from '../support/test-vault.ts';

let t: TestVault;
let admin: string;
let officer: string;
let citizen: string;

const builtinKeys = [
  'chung-nhan-antt',
  'cong-van',
  'dang-ky-xe',
  'giay-phep-lai-xe',
  'quyet-dinh-xu-phat',
  'xac-nhan-cu-tru',
];
const licence = 'builtin-giay-phep-lai-xe';

interface Template {
  id: string;
  key: string;
  version: number;
  name: string;
  active: boolean;
  permissions: Record<string, unknown[]>;
  fields: { name: string }[];
}

before(async () => {
  t = await startTestVault();
  admin = await t.token('admin');
  officer = await t.token('officer');
  citizen = await t.token('citizen');
});
after(async () => {
  await t.close();
});

async function history(id: string) {
  const response = await t.api<{ items: { action: string; outcome: string; actor: { sub: string } }[] }>(
    'GET',
    `/v1/ocr-templates/${id}/history`,
    { token: admin },
  );
  assert.equal(response.status, 200, response.text);
  return response.json.items;
}

describe('recognition templates', () => {
  test('the six built-in types are seeded once, visible to officers, not to citizens', async () => {
    const listed = await t.api<{ items: Template[] }>('GET', '/v1/ocr-templates', { token: officer });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.json.items.map((template) => template.key),
      builtinKeys,
    );
    const again = await t.api<{ items: Template[] }>('GET', '/v1/ocr-templates', { token: admin });
    assert.equal(again.json.items.length, 6, 'seeding is idempotent');
    const fields = listed.json.items
      .find((template) => template.key === 'giay-phep-lai-xe')
      ?.fields.map((field) => field.name)
      .sort();
    assert.deepEqual(fields, ['dateOfBirth', 'expiryDate', 'fullName', 'licenseClass', 'number']);
    const byCitizen = await t.api<{ items: Template[] }>('GET', '/v1/ocr-templates', { token: citizen });
    assert.deepEqual(byCitizen.json.items, []);
    assertProblem(await t.api('GET', `/v1/ocr-templates/${licence}`, { token: citizen }), 404, 'not-found');
  });

  test('editing needs the edit right: an officer is refused and the refusal is audited', async () => {
    const refused = await t.api('PATCH', `/v1/ocr-templates/${licence}`, { token: officer, body: { name: 'Đổi tên' } });
    assertProblem(refused, 403, 'forbidden-role');
    assert.equal(
      (await t.api<Template>('GET', `/v1/ocr-templates/${licence}`, { token: officer })).json.version,
      1,
      'nothing changed',
    );
    const denied = (await history(licence)).filter((entry) => entry.outcome === 'denied');
    assert.ok(denied.some((entry) => entry.action === 'template.edit' && entry.actor.sub === personas.officer.sub));
  });

  test('an administrator edits, deactivates and reactivates: each is a new version', async () => {
    const renamed = await t.api<Template>('PATCH', `/v1/ocr-templates/${licence}`, {
      token: admin,
      body: { name: 'Giấy phép lái xe (mẫu PET)' },
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.version, 2);
    const off = await t.api<Template>('POST', `/v1/ocr-templates/${licence}/deactivate`, { token: admin });
    assert.equal(off.json.active, false);
    const on = await t.api<Template>('POST', `/v1/ocr-templates/${licence}/activate`, { token: admin });
    assert.equal(on.json.active, true);
    assert.equal(on.json.version, 4);
    const versions = await t.api<{ items: Template[] }>('GET', `/v1/ocr-templates/${licence}/versions`, {
      token: officer,
    });
    assert.deepEqual(
      versions.json.items.map((template) => [template.version, template.name, template.active]),
      [
        [1, 'Giấy phép lái xe', true],
        [2, 'Giấy phép lái xe (mẫu PET)', true],
        [3, 'Giấy phép lái xe (mẫu PET)', false],
        [4, 'Giấy phép lái xe (mẫu PET)', true],
      ],
    );
    const actions = (await history(licence))
      .filter((entry) => entry.outcome === 'success')
      .map((entry) => entry.action);
    assert.deepEqual(actions.slice(0, 3), ['template.activate', 'template.deactivate', 'template.update']);
  });

  test('permissions grant a unit the right to edit; other units stay refused', async () => {
    const granted = await t.api<Template>('PUT', `/v1/ocr-templates/builtin-dang-ky-xe/permissions`, {
      token: admin,
      body: {
        view: [{ role: 'officer' }],
        use: [{ role: 'officer' }],
        edit: [{ role: 'admin' }, { role: 'officer', unit: 'PC06' }],
        grant: [{ role: 'admin' }],
      },
    });
    assert.equal(granted.status, 200, granted.text);
    const edited = await t.api<Template>('PATCH', '/v1/ocr-templates/builtin-dang-ky-xe', {
      token: officer,
      body: { name: 'Đăng ký xe (PC06)' },
    });
    assert.equal(edited.status, 200, edited.text);
    const pc08 = await t.api('POST', '/_local/token', { body: { sub: 'officer-pc08', role: 'officer', unit: 'PC08' } });
    assertProblem(
      await t.api('PATCH', '/v1/ocr-templates/builtin-dang-ky-xe', {
        token: pc08.json.accessToken,
        body: { name: 'x' },
      }),
      403,
      'forbidden-role',
    );
    assertProblem(
      await t.api('PUT', '/v1/ocr-templates/builtin-dang-ky-xe/permissions', {
        token: officer,
        body: { view: [], use: [], edit: [], grant: [{ role: 'admin' }] },
      }),
      403,
      'forbidden-role',
      'editing does not include granting',
    );
    assertProblem(
      await t.api('PUT', '/v1/ocr-templates/builtin-dang-ky-xe/permissions', {
        token: admin,
        body: { view: [], use: [], edit: [], grant: [{ role: 'officer' }] },
      }),
      400,
      'invalid-request',
      'an administrator must keep the right to grant',
    );
  });

  test('administrators create templates; bad templates are refused and nothing is stored', async () => {
    const draft = {
      id: 'giay-xac-nhan-tam-tru',
      key: 'xac-nhan-tam-tru',
      name: 'Giấy xác nhận tạm trú',
      active: true,
      identification: { anchors: [{ phrase: 'XÁC NHẬN TẠM TRÚ', weight: 3 }], minScore: 0.5 },
      fields: [{ name: 'fullName', labels: ['Họ và tên:'], normaliser: 'name', required: true }],
      stopLabels: [],
      permissions: {
        view: [{ role: 'officer' }],
        use: [{ role: 'officer' }],
        edit: [{ role: 'admin' }],
        grant: [{ role: 'admin' }],
      },
    };
    assertProblem(await t.api('POST', '/v1/ocr-templates', { token: officer, body: draft }), 403, 'forbidden-role');
    const catastrophic = {
      ...draft,
      fields: [{ name: 'fullName', pattern: '(a+)+$', normaliser: 'name', required: true }],
    };
    assertProblem(
      await t.api('POST', '/v1/ocr-templates', { token: admin, body: catastrophic }),
      400,
      'invalid-request',
    );
    const created = await t.api<Template>('POST', '/v1/ocr-templates', { token: admin, body: draft });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.version, 1);
    assertProblem(
      await t.api('POST', '/v1/ocr-templates', { token: admin, body: draft }),
      409,
      'conflict',
      'ids are unique',
    );
    const listed = await t.api<{ items: Template[] }>('GET', '/v1/ocr-templates', { token: admin });
    assert.equal(listed.json.items.length, 7);
  });

  test('testing a template on a sample shows the fields it extracts, stores nothing, and needs the right to use it', async () => {
    const sample = await readFile(new URL('../../fixtures/ocr/types/giay-phep-lai-xe.png', import.meta.url));
    const truth = JSON.parse(
      await readFile(new URL('../../fixtures/ocr/types/ground-truth.json', import.meta.url), 'utf8'),
    );
    const body = { contentType: 'image/png', sample: sample.toString('base64') };
    const tested = await t.api<{ fields: Record<string, unknown>; confidence: number; score: number; text: string }>(
      'POST',
      `/v1/ocr-templates/${licence}/test`,
      { token: officer, body },
    );
    assert.equal(tested.status, 200, tested.text);
    assert.deepEqual(tested.json.fields, truth['giay-phep-lai-xe'].fields);
    assert.ok(tested.json.score > 0.5, `the sample matches the template (score ${tested.json.score})`);
    assert.match(tested.json.text, /GIẤY PHÉP LÁI XE/);
    const tests = (await history(licence)).filter((entry) => entry.action === 'template.test');
    assert.equal(tests.length, 1, 'the test is audited');
    assertProblem(await t.api('POST', `/v1/ocr-templates/${licence}/test`, { token: citizen, body }), 404, 'not-found');
    const notAScan = { contentType: 'image/png', sample: Buffer.from('not an image at all').toString('base64') };
    assertProblem(
      await t.api('POST', `/v1/ocr-templates/${licence}/test`, { token: officer, body: notAScan }),
      422,
      'invalid-input',
    );
  });

  test('unknown ids are not found on every template route', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/ocr-templates/nope', undefined],
      ['PATCH', '/v1/ocr-templates/nope', { name: 'x' }],
      ['POST', '/v1/ocr-templates/nope/activate', undefined],
      ['GET', '/v1/ocr-templates/nope/versions', undefined],
      ['PUT', '/v1/ocr-templates/nope/permissions', { view: [], use: [], edit: [], grant: [{ role: 'admin' }] }],
    ] as const) {
      assertProblem(
        await t.api(method, path, { token: admin, ...(body ? { body } : {}) }),
        404,
        'not-found',
        `${method} ${path}`,
      );
    }
  });
});
