import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import type { RouteContract } from '../../../functions/platform/http/contract/route-contract.ts';
import { problemType, type ApiOptions, type ApiResponse } from '../support/http-client.ts';
import { personas, startTestVault, type Folder, type TestVault } from '../support/test-vault.ts';
import { snapshotVault } from '../support/vault-reads.ts';

let t: TestVault;
let a: string; // the citizen whose vault must never change
let b: string; // another citizen, probing it
const ids = { folder: '', subfolder: '', document: '', trashed: '', upload: '', otherFolder: '', otherDocument: '' };
const snapshotOf = () => snapshotVault(t.api, a, { documents: [ids.document, ids.trashed] });

before(async () => {
  t = await startTestVault();
  a = await t.token('citizen');
  b = await t.token('citizen2');
  const folder = await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Hồ sơ của An' } });
  assert.equal(folder.status, 201, folder.text);
  ids.folder = folder.json.id;
  ids.subfolder = (
    await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: 'Hồ sơ', parentId: ids.folder } })
  ).json.id;
  const document = await t.uploadFile(a, 'sample-result.pdf', { folderId: ids.folder });
  assert.equal(document.upload.status, 'DONE', document.upload.failureReason);
  ids.document = document.upload.documentId!;
  ids.upload = document.uploadId;
  assert.equal(
    (await t.api('PATCH', `/v1/documents/${ids.document}`, { token: a, body: { number: '01/GXN' } })).status,
    200,
  );
  const trashed = await t.uploadFile(a, 'sample-scan.png', { folderId: ids.folder });
  ids.trashed = trashed.upload.documentId!;
  assert.equal((await t.api('DELETE', `/v1/documents/${ids.trashed}`, { token: a })).status, 204);
  ids.otherFolder = (
    await t.api<Folder>('POST', '/v1/folders', { token: b, body: { name: 'Hồ sơ của Bình' } })
  ).json.id;
  const other = await t.uploadFile(b, 'sample-scan.jpg', { folderId: ids.otherFolder });
  ids.otherDocument = other.upload.documentId!;
});
after(async () => {
  await t.close();
});

interface Case {
  label: string;
  method: string;
  path: string;
  options: ApiOptions;
  /** Acceptable problem codes; the status must be the code's. */
  codes: string[];
}

const statusOf: Record<string, number> = {
  'invalid-request': 400,
  'malformed-json': 400,
  'invalid-input': 422,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  'not-found': 404,
  'name-taken': 409,
  'forbidden-role': 403,
};

/** Like api(), but a dropped connection is an answer too (status 0), so one run reports every case. */
async function attempt(method: string, path: string, options: ApiOptions): Promise<ApiResponse> {
  try {
    return await t.api(method, path, options);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      status: 0,
      headers: new Headers(),
      contentType: '',
      text: `connection failed: ${cause?.code ?? String(error)}`,
      json: undefined,
    };
  }
}

/**
 * Runs every case and collects each that is not a 4xx problem+json of an accepted type, so
 * a single run names every wrong answer. Then checks that A's vault did not change.
 */
async function expectAllRefused(cases: Case[]): Promise<void> {
  const baseline = await snapshotOf();
  assert.ok(Object.keys(baseline.folders).length >= 5, 'the snapshot covers the tree');
  const wrong: string[] = [];
  for (const c of cases) {
    const response = await attempt(c.method, c.path, c.options);
    const type = response.json?.type as string | undefined;
    const accepted = c.codes.some((code) => type === problemType(code) && response.status === statusOf[code]);
    const isProblem =
      /^application\/problem\+json/.test(response.contentType) &&
      response.json?.status === response.status &&
      typeof response.json?.title === 'string' &&
      typeof response.json?.titleVi === 'string';
    if (!accepted || !isProblem) {
      wrong.push(
        `${c.label}: ${c.method} ${c.path} -> ${response.status} ${response.text.slice(0, 160)} (want ${c.codes.join('|')})`,
      );
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${cases.length} bad requests were not refused as they should be`);
  assert.deepEqual(await snapshotOf(), baseline, 'the vault did not change');
}

const json = (token: string, body: unknown): ApiOptions => ({ token, body });
const raw = (token: string, text: string | Uint8Array, contentType?: string): ApiOptions => ({
  token,
  rawBody: text,
  ...(contentType !== undefined ? { headers: { 'content-type': contentType } } : {}),
});

const templatePermissions: Record<string, unknown> = {
  view: [{ role: 'officer' }],
  use: [{ role: 'officer' }],
  edit: [{ role: 'admin' }],
  grant: [{ role: 'admin' }],
};
const templateDraft: Record<string, unknown> = {
  id: 'mau-moi',
  key: 'mau-moi',
  name: 'Mẫu mới',
  active: true,
  identification: { anchors: [{ phrase: 'MẪU MỚI', weight: 1 }], minScore: 0.5 },
  fields: [{ name: 'fullName', labels: ['Họ và tên:'], normaliser: 'name', required: true }],
  stopLabels: [],
  permissions: templatePermissions,
};

/** Every route with a JSON body, with a body it accepts from A. */
const pemLike = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const bodyRoutes = () => [
  {
    op: 'createFolder',
    method: 'POST',
    path: '/v1/folders',
    valid: { name: 'Hợp lệ', parentId: ids.folder } as Record<string, unknown>,
  },
  {
    op: 'updateFolder',
    method: 'PATCH',
    path: `/v1/folders/${ids.subfolder}`,
    valid: { name: 'Hợp lệ', parentId: ids.folder } as Record<string, unknown>,
  },
  {
    op: 'createUpload',
    method: 'POST',
    path: '/v1/uploads',
    valid: { fileName: 'a.pdf', contentType: 'application/pdf', size: 100, folderId: ids.folder } as Record<
      string,
      unknown
    >,
  },
  {
    op: 'updateDocument',
    method: 'PATCH',
    path: `/v1/documents/${ids.document}`,
    valid: { title: 'Tên mới', issueDate: '2024-01-01' } as Record<string, unknown>,
  },
  {
    op: 'createVersion',
    method: 'POST',
    path: `/v1/documents/${ids.document}/versions`,
    valid: { fileName: 'a.pdf', contentType: 'application/pdf', size: 100 } as Record<string, unknown>,
  },
  {
    op: 'reviewUpload',
    method: 'POST',
    path: `/v1/uploads/${ids.upload}/review`,
    valid: { approve: false, reason: 'Ảnh mờ' } as Record<string, unknown>,
  },
  {
    op: 'fileResult',
    method: 'POST',
    path: '/v1/integration/results',
    valid: {
      ownerId: personas.citizen.ownerId,
      resultType: 'KQ.G15.000031',
      number: '1/GXN',
      issuer: { code: '000.00.01.H22' },
      procedureCode: '1.000046',
      caseNumber: 'HS-1',
      issueDate: '2024-12-03',
      file: { contentType: 'application/pdf', size: 1000, sha256: 'a'.repeat(64) },
    } as Record<string, unknown>,
  },
  {
    op: 'revokeResult',
    method: 'POST',
    path: '/v1/integration/results/00000000-0000-4000-8000-000000000000/revocation',
    valid: { reason: 'Cấp sai' } as Record<string, unknown>,
  },
  {
    op: 'putSyncPolicy',
    method: 'PUT',
    path: '/v1/admin/sync/policies/A08/KQ.G15.000031',
    valid: { push: 'hourly', shareWith: ['C06'], retention: 3650 } as Record<string, unknown>,
  },
  {
    op: 'registerWebhook',
    method: 'POST',
    path: '/v1/integration/webhooks',
    valid: { url: 'https://receiver.example.vn/hook', events: ['document.filed'] } as Record<string, unknown>,
  },
  {
    op: 'createPull',
    method: 'POST',
    path: '/v1/national-warehouse/pulls',
    valid: {
      procedureCode: '1.000046',
      resultCodes: [{ resultTypeCode: 'KQ.G15.000031', number: '1/GXN' }],
    } as Record<string, unknown>,
  },
  { op: 'createTemplate', method: 'POST', path: '/v1/ocr-templates', valid: templateDraft },
  {
    op: 'updateTemplate',
    method: 'PATCH',
    path: '/v1/ocr-templates/builtin-cong-van',
    valid: { name: 'Công văn', stopLabels: [] } as Record<string, unknown>,
  },
  {
    op: 'setTemplatePermissions',
    method: 'PUT',
    path: '/v1/ocr-templates/builtin-cong-van/permissions',
    valid: templatePermissions,
  },
  {
    op: 'testTemplate',
    method: 'POST',
    path: '/v1/ocr-templates/builtin-cong-van/test',
    valid: { contentType: 'image/png', sample: 'aGVsbG8=' } as Record<string, unknown>,
  },
  {
    op: 'requestSignature',
    method: 'POST',
    path: `/v1/documents/${ids.document}/signatures`,
    valid: { provider: 'ca-token', certificateChain: pemLike } as Record<string, unknown>,
  },
  {
    op: 'completeSignature',
    method: 'POST',
    path: `/v1/documents/${ids.document}/signatures/${randomUUID()}/complete`,
    valid: { signature: 'MEUCIQ==' } as Record<string, unknown>,
  },
  {
    op: 'setTrustAnchors',
    method: 'PUT',
    path: '/v1/signing/trust-anchors/ca-token',
    valid: { certificates: pemLike } as Record<string, unknown>,
  },
  {
    op: 'importSealCertificate',
    method: 'PUT',
    path: '/v1/signing/seal-certificate',
    valid: { certificateChain: pemLike } as Record<string, unknown>,
  },
  {
    op: 'createShare',
    method: 'POST',
    path: '/v1/shares',
    valid: {
      resourceType: 'document',
      resourceId: ids.document,
      grantee: { kind: 'citizen', id: personas.citizen2.ownerId },
      permissions: ['metadata'],
      canReshare: false,
    } as Record<string, unknown>,
  },
  {
    op: 'createLink',
    method: 'POST',
    path: '/v1/links',
    valid: {
      resourceType: 'document',
      resourceId: ids.document,
      permissions: ['download'],
      pin: '1234',
      maxUses: 3,
    } as Record<string, unknown>,
  },
];

/** A value of another JSON type than the given one. */
function wrongTypes(value: unknown): unknown[] {
  const jsonType = (candidate: unknown) => (Array.isArray(candidate) ? 'array' : typeof candidate);
  const others: unknown[] = [true, {}, [], 12.5].filter((candidate) => jsonType(candidate) !== jsonType(value));
  if (typeof value === 'number') others.push(String(value));
  if (typeof value === 'string') others.push(42);
  return others;
}

describe('bad input changes nothing', () => {
  test('malformed JSON and non-object bodies', async () => {
    // The form-bodied logout route has its own hostile cases (sso-logout.test.ts).
    const withBody = (apiRoutes as readonly RouteContract[])
      .filter((route) => route.body && (route.requestMediaType ?? 'application/json') === 'application/json')
      .map((route) => route.operationId)
      .sort();
    assert.deepEqual(
      bodyRoutes()
        .map((route) => route.op)
        .sort(),
      withBody,
      'these tests cover every body-bearing route of the contract',
    );
    const cases: Case[] = [];
    for (const route of bodyRoutes()) {
      for (const text of [
        '{"name": "x",',
        '{name: "x"}',
        '{"name":"x"} trailing',
        "{'name':'x'}",
        '\u0000',
        '{"a":1}{"b":2}',
      ]) {
        cases.push({
          label: `${route.op} malformed ${JSON.stringify(text)}`,
          method: route.method,
          path: route.path,
          options: raw(a, text, 'application/json'),
          codes: ['malformed-json'],
        });
      }
      for (const text of ['[]', '"text"', '42', 'true', 'null', '[{"name":"x"}]']) {
        cases.push({
          label: `${route.op} non-object ${text}`,
          method: route.method,
          path: route.path,
          options: raw(a, text, 'application/json'),
          codes: ['invalid-request'],
        });
      }
      cases.push({
        label: `${route.op} empty body`,
        method: route.method,
        path: route.path,
        options: raw(a, '', 'application/json'),
        codes: ['invalid-request'],
      });
    }
    await expectAllRefused(cases);
  });

  test('wrong types for every field', async () => {
    const cases: Case[] = [];
    for (const route of bodyRoutes()) {
      for (const [field, value] of Object.entries(route.valid)) {
        for (const wrong of wrongTypes(value)) {
          cases.push({
            label: `${route.op}.${field} = ${JSON.stringify(wrong)}`,
            method: route.method,
            path: route.path,
            options: json(a, { ...route.valid, [field]: wrong }),
            codes: ['invalid-request'],
          });
        }
      }
    }
    await expectAllRefused(cases);
  });

  test('unknown fields and mass assignment, including __proto__ and constructor', async () => {
    const cases: Case[] = [];
    const smuggled: Record<string, unknown>[] = [
      { extra: 1 },
      { ownerId: personas.citizen2.ownerId },
      { source: 'issued' },
      { role: 'admin' },
      { id: randomUUID() },
      { system: 'identity' },
      { trashedAt: new Date().toISOString() },
      { createdBy: 'someone' },
      { sha256: '0'.repeat(64) },
      { currentVersion: 7 },
      { unit: 'PC06' },
      { documentId: ids.otherDocument },
      { NAME: 'x' },
    ];
    for (const route of bodyRoutes()) {
      for (const extra of smuggled) {
        const [key] = Object.keys(extra);
        // A field the route does take (a template's id) is no smuggling.
        if (key !== undefined && key in route.valid) continue;
        // POST /v1/uploads does take ownerId: for a citizen naming someone else it is a 422, covered below. So do
        // pulls, for officers: a citizen naming any owner is a 422 (test/integration/sync/pulls.test.ts).
        const takesOwnerId = route.op === 'createUpload' || route.op === 'createPull';
        const codes = takesOwnerId && key === 'ownerId' ? ['invalid-input', 'forbidden-role'] : ['invalid-request'];
        cases.push({
          label: `${route.op} + ${key}`,
          method: route.method,
          path: route.path,
          options: json(a, { ...route.valid, ...extra }),
          codes,
        });
      }
      const validJson = JSON.stringify(route.valid).slice(1, -1);
      for (const sneaky of [
        '"__proto__": {"role": "admin", "polluted": true}',
        '"constructor": {"prototype": {"polluted": true}}',
        '"__proto__": null',
        '"prototype": {}',
      ]) {
        cases.push({
          label: `${route.op} + ${sneaky}`,
          method: route.method,
          path: route.path,
          options: raw(a, `{${validJson}, ${sneaky}}`, 'application/json'),
          codes: ['invalid-request'],
        });
      }
    }
    await expectAllRefused(cases);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was not polluted');
    assert.equal(({} as Record<string, unknown>).role, undefined);
  });

  test('oversize bodies are 413', async () => {
    const cases: Case[] = [];
    for (const route of bodyRoutes()) {
      const big = (bytes: number) => JSON.stringify({ ...route.valid, padding: 'x'.repeat(bytes) });
      const contract: RouteContract | undefined = apiRoutes.find((candidate) => candidate.operationId === route.op);
      const limit = contract?.maxBodyBytes ?? 64 * 1024;
      cases.push({
        label: `${route.op} just over its limit`,
        method: route.method,
        path: route.path,
        options: raw(a, big(limit + 1024), 'application/json'),
        codes: ['payload-too-large'],
      });
      // Above the runtime's 10 MB cap (API Gateway's): still an answer, not a dropped connection.
      cases.push({
        label: `${route.op} 11 MB`,
        method: route.method,
        path: route.path,
        options: raw(a, big(11 * 1024 * 1024), 'application/json'),
        codes: ['payload-too-large'],
      });
    }
    await expectAllRefused(cases);
  });

  test('a body that is not JSON is 415', async () => {
    const cases: Case[] = [];
    for (const route of bodyRoutes()) {
      const body = JSON.stringify(route.valid);
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
      ]) {
        cases.push({
          label: `${route.op} as ${type}`,
          method: route.method,
          path: route.path,
          options: raw(a, body, type),
          codes: ['unsupported-media-type'],
        });
      }
      cases.push({
        label: `${route.op} without content type`,
        method: route.method,
        path: route.path,
        options: raw(a, new TextEncoder().encode(body)),
        codes: ['unsupported-media-type'],
      });
    }
    await expectAllRefused(cases);
  });

  test('deeply nested JSON is a 400, not a crash', async () => {
    const cases: Case[] = [];
    const arrays = `${'['.repeat(25_000)}${']'.repeat(25_000)}`;
    const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const route of bodyRoutes()) {
      const [field] = Object.keys(route.valid);
      const validJson = JSON.stringify(route.valid).slice(1, -1);
      cases.push({
        label: `${route.op}.${field} nested arrays`,
        method: route.method,
        path: route.path,
        options: raw(a, `{${validJson}, "${field}": ${arrays}}`, 'application/json'),
        codes: ['invalid-request'],
      });
      cases.push({
        label: `${route.op} nested objects in an unknown field`,
        method: route.method,
        path: route.path,
        options: raw(a, `{${validJson}, "deep": ${objects}}`, 'application/json'),
        codes: ['invalid-request'],
      });
    }
    await expectAllRefused(cases);
  });

  test('path traversal, control and bidi characters in names are refused', async () => {
    const traversal = ['..', '.', '../etc', '../../etc/passwd', 'a/b', 'a\\b', '..\\..\\windows', '/abs'];
    const hidden = [
      'hoa-don\u202Efdp.pdf',
      'a\u0000b',
      'a\nb',
      'a\rb',
      'a\tb',
      '\u200Bzero-width',
      'a\u2028b',
      'a\u2066b',
      'a\u061Cb',
      'a\u007Fb',
      'a\u0085b',
      '   ',
      '',
    ];
    const cases: Case[] = [];
    const refusal = ['invalid-input', 'invalid-request'];
    for (const name of [...traversal, ...hidden]) {
      const label = JSON.stringify(name);
      cases.push({
        label: `create folder ${label}`,
        method: 'POST',
        path: '/v1/folders',
        options: json(a, { name }),
        codes: refusal,
      });
      cases.push({
        label: `rename folder ${label}`,
        method: 'PATCH',
        path: `/v1/folders/${ids.subfolder}`,
        options: json(a, { name }),
        codes: refusal,
      });
      // '..' + '.pdf' would be the harmless '...pdf': dot names are sent bare.
      const fileName = traversal.includes(name) && name !== '.' && name !== '..' ? `${name}.pdf` : name;
      cases.push({
        label: `upload fileName ${JSON.stringify(fileName)}`,
        method: 'POST',
        path: '/v1/uploads',
        options: json(a, { fileName, contentType: 'application/pdf', size: 100 }),
        codes: refusal,
      });
      cases.push({
        label: `version fileName ${JSON.stringify(fileName)}`,
        method: 'POST',
        path: `/v1/documents/${ids.document}/versions`,
        options: json(a, { fileName, contentType: 'application/pdf', size: 100 }),
        codes: refusal,
      });
    }
    // A document's title is its name as shown: it must not hide or reorder what it shows either.
    for (const title of hidden) {
      cases.push({
        label: `document title ${JSON.stringify(title)}`,
        method: 'PATCH',
        path: `/v1/documents/${ids.document}`,
        options: json(a, { title }),
        codes: refusal,
      });
    }
    await expectAllRefused(cases);
  });

  test('a body on a route that takes none is refused and does nothing', async () => {
    const cases: Case[] = [
      {
        label: 'restore with a body',
        method: 'POST',
        path: `/v1/trash/${ids.trashed}/restore`,
        options: json(a, { folderId: ids.folder }),
        codes: ['invalid-request'],
      },
      {
        label: 'restore version with a body',
        method: 'POST',
        path: `/v1/documents/${ids.document}/versions/1/restore`,
        options: json(a, { note: 'x' }),
        codes: ['invalid-request'],
      },
      {
        label: 'delete folder with a body',
        method: 'DELETE',
        path: `/v1/folders/${ids.subfolder}`,
        options: json(a, {}),
        codes: ['invalid-request'],
      },
      {
        label: 'delete document with a body',
        method: 'DELETE',
        path: `/v1/documents/${ids.document}`,
        options: json(a, { hard: true }),
        codes: ['invalid-request'],
      },
    ];
    await expectAllRefused(cases);
  });

  test('malformed ids, page cursors and query parameters are 4xx', async () => {
    const history = await t.api('GET', `/v1/documents/${ids.document}/history?limit=1`, { token: a });
    const cursor = history.json.nextCursor as string;
    assert.ok(cursor, 'a real cursor to misuse');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const badCursors = [
      'garbage!!',
      '%%%',
      b64({}),
      b64([]),
      b64('x'),
      b64({ gsi1pk: 'HISTORY#001099012345#x', gsi1sk: 'x' }),
      b64({ pk: { S: 'x' } }),
      'x'.repeat(3000),
    ];
    const paged = [
      `/v1/folders/${ids.folder}/items`,
      `/v1/folders/${ids.folder}/history`,
      `/v1/documents?folderId=${ids.folder}`,
      `/v1/documents/${ids.document}/history`,
      '/v1/trash',
    ];
    const cases: Case[] = [];
    const refusal = ['invalid-input', 'invalid-request'];
    for (const path of paged) {
      const sep = path.includes('?') ? '&' : '?';
      for (const bad of badCursors)
        cases.push({
          label: `cursor ${bad.slice(0, 20)}`,
          method: 'GET',
          path: `${path}${sep}cursor=${encodeURIComponent(bad)}`,
          options: { token: a },
          codes: refusal,
        });
      if (!path.endsWith('/history') || path.includes(ids.folder)) {
        cases.push({
          label: 'a cursor of another listing',
          method: 'GET',
          path: `${path}${sep}cursor=${encodeURIComponent(cursor)}`,
          options: { token: a },
          codes: refusal,
        });
      }
      for (const limit of ['0', '-1', 'abc', '1.5', '100000', ''])
        cases.push({
          label: `limit=${limit}`,
          method: 'GET',
          path: `${path}${sep}limit=${limit}`,
          options: { token: a },
          codes: refusal,
        });
      // On /v1/documents ownerId is an officer's look-up: a citizen is refused for their role.
      const officerParameter = path.startsWith('/v1/documents?');
      cases.push({
        label: officerParameter ? "an officer's query parameter" : 'unknown query parameter',
        method: 'GET',
        path: `${path}${sep}ownerId=${personas.citizen2.ownerId}`,
        options: { token: a },
        codes: officerParameter ? ['forbidden-role'] : refusal,
      });
    }
    cases.push({
      label: "A's cursor used by B on B's own document",
      method: 'GET',
      path: `/v1/documents/${ids.otherDocument}/history?cursor=${encodeURIComponent(cursor)}`,
      options: { token: b },
      codes: refusal,
    });
    // (An encoded '..' segment is not sent: fetch resolves it before the request leaves.)
    for (const id of ['..%2F..%2Fetc', 'a%00b', 'x'.repeat(65), 'sys-self%20', '%E2%80%AE', 'a.b']) {
      cases.push({
        label: `folder id ${id}`,
        method: 'GET',
        path: `/v1/folders/${id}/items`,
        options: { token: a },
        codes: ['invalid-request'],
      });
      cases.push({
        label: `document id ${id}`,
        method: 'PATCH',
        path: `/v1/documents/${id}`,
        options: json(a, { title: 'x' }),
        codes: ['invalid-request'],
      });
    }
    for (const n of ['abc', '0', '-1', '1.5', '99999999999']) {
      cases.push({
        label: `version ${n}`,
        method: 'POST',
        path: `/v1/documents/${ids.document}/versions/${n}/restore`,
        options: { token: a },
        codes: ['invalid-request'],
      });
    }
    for (const version of ['abc', '0', '-2', '1.5', '1&version=2']) {
      cases.push({
        label: `content version ${version}`,
        method: 'GET',
        path: `/v1/documents/${ids.document}/content?version=${version}`,
        options: { token: a },
        codes: ['invalid-request'],
      });
    }
    await expectAllRefused(cases);
  });
});

describe('Unicode normalisation of names', () => {
  test('NFC and NFD spellings of one name are the same name (409 name-taken)', async () => {
    const nfc = 'Giấy tờ nhà đất'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    assert.notEqual(nfc, nfd);
    const created = await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: nfc, parentId: ids.folder } });
    assert.equal(created.status, 201, created.text);
    const sibling = await t.api<Folder>('POST', '/v1/folders', {
      token: a,
      body: { name: 'Khác', parentId: ids.folder },
    });
    assert.equal(sibling.status, 201, sibling.text);
    await expectAllRefused([
      {
        label: 'create NFD twin',
        method: 'POST',
        path: '/v1/folders',
        options: json(a, { name: nfd, parentId: ids.folder }),
        codes: ['name-taken'],
      },
      {
        label: 'create upper-case NFD twin',
        method: 'POST',
        path: '/v1/folders',
        options: json(a, { name: nfd.toUpperCase(), parentId: ids.folder }),
        codes: ['name-taken'],
      },
      {
        label: 'rename sibling to NFD twin',
        method: 'PATCH',
        path: `/v1/folders/${sibling.json.id}`,
        options: json(a, { name: nfd }),
        codes: ['name-taken'],
      },
    ]);

    const elsewhere = await t.api<Folder>('POST', '/v1/folders', { token: a, body: { name: nfd } });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    assert.equal(elsewhere.json.name, nfc, 'names are stored in NFC');
    const moved = await t.api('PATCH', `/v1/folders/${elsewhere.json.id}`, {
      token: a,
      body: { parentId: ids.folder },
    });
    assert.equal(moved.status, 409, `moving the NFD twin next to its NFC spelling: ${moved.text}`);
    assert.equal(moved.json.type, problemType('name-taken'));
  });
});

describe("another owner's ids", () => {
  test('every id-bearing route answers 404 exactly as for an id that does not exist, and changes nothing', async () => {
    const baseline = await snapshotOf();
    const otherBaseline = await snapshotVault(t.api, b, { documents: [ids.otherDocument] });
    const probes = (id: { folder: string; document: string; trashed: string; upload: string }) =>
      [
        ['GET', `/v1/folders/${id.folder}/items`, undefined],
        ['GET', `/v1/folders/${id.folder}/history`, undefined],
        ['PATCH', `/v1/folders/${id.folder}`, { name: 'Chiếm' }],
        ['PATCH', `/v1/folders/${id.folder}`, { parentId: null }],
        ['DELETE', `/v1/folders/${id.folder}`, undefined],
        ['POST', '/v1/folders', { name: 'Lấn sân', parentId: id.folder }],
        ['PATCH', `/v1/folders/${ids.otherFolder}`, { parentId: id.folder }],
        ['POST', '/v1/uploads', { fileName: 'x.pdf', contentType: 'application/pdf', size: 100, folderId: id.folder }],
        ['GET', `/v1/uploads/${id.upload}`, undefined],
        ['GET', `/v1/documents?folderId=${id.folder}`, undefined],
        ['GET', `/v1/documents/${id.document}`, undefined],
        ['PATCH', `/v1/documents/${id.document}`, { title: 'Chiếm' }],
        ['PATCH', `/v1/documents/${ids.otherDocument}`, { folderId: id.folder }],
        ['DELETE', `/v1/documents/${id.document}`, undefined],
        ['GET', `/v1/documents/${id.document}/content`, undefined],
        ['GET', `/v1/documents/${id.document}/content?version=1`, undefined],
        ['GET', `/v1/documents/${id.document}/versions`, undefined],
        [
          'POST',
          `/v1/documents/${id.document}/versions`,
          { fileName: 'x.pdf', contentType: 'application/pdf', size: 100 },
        ],
        ['POST', `/v1/documents/${id.document}/versions/1/restore`, undefined],
        ['GET', `/v1/documents/${id.document}/history`, undefined],
        ['POST', `/v1/trash/${id.trashed}/restore`, undefined],
        ['POST', `/v1/trash/${id.folder}/restore`, undefined],
      ] as const;
    const theirs = probes(ids);
    const nobody = probes({
      folder: randomUUID(),
      document: randomUUID(),
      trashed: randomUUID(),
      upload: randomUUID(),
    });
    const differences: string[] = [];
    for (const [index, [method, path, body]] of theirs.entries()) {
      const options = { token: b, ...(body ? { body } : {}) };
      const probe = await attempt(method, path, options);
      const [, randomPath] = nobody[index]!;
      const control = await attempt(method, randomPath, options);
      const comparable = (response: ApiResponse) => ({
        status: response.status,
        contentType: response.contentType,
        ...response.json,
        instance: undefined,
      });
      if (probe.status !== 404 || probe.json?.type !== problemType('not-found')) {
        differences.push(`${method} ${path} -> ${probe.status} ${probe.text.slice(0, 160)}`);
      } else if (JSON.stringify(comparable(probe)) !== JSON.stringify(comparable(control))) {
        differences.push(`${method} ${path}: ${probe.text} differs from ${control.text}`);
      }
    }
    assert.deepEqual(differences, [], "another owner's ids must look exactly like ids that do not exist");
    assert.deepEqual(await snapshotOf(), baseline, "A's vault did not change");
    assert.deepEqual(
      await snapshotVault(t.api, b, { documents: [ids.otherDocument] }),
      otherBaseline,
      "B's vault did not change",
    );
  });
});
