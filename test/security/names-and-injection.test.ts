import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../integration/support/http-client.ts';
import type { Folder } from '../integration/support/test-vault.ts';
import { flattenTree, getTree, snapshotVault } from '../integration/support/vault-reads.ts';
import { expectEach, startWorld, unchanged, type SecurityWorld } from './support.ts';

/**
 * Names and free text an attacker controls. Misleading names (traversal, control and bidi
 * characters, NFC/NFD twins) are refused; injection strings are data: stored and returned
 * verbatim (NFC), found only in their owner's vault, never interpreted.
 */
let w: SecurityWorld;

before(async () => {
  w = await startWorld({ signature: false });
});
after(async () => {
  await w?.t.close();
});

/** Strings that mean something to some interpreter; to the vault they are text. */
const injections = [
  "' OR '1'='1' --",
  '"; DROP TABLE khoso; --',
  '{"$ne": null}',
  '{"$where": "sleep(1000)"}',
  '#pk = :pk OR attribute_exists(pk)',
  'begins_with(pk, :v) AND size(sk) > :n',
  'SET #r = :admin REMOVE ownerId',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${7*7} ${process.exit(1)}',
  '{{7*7}} {{constructor.constructor("return process")()}}',
  '#{7*7} <%= 7*7 %>',
  '%s%s%s%n%x%p %1$s',
  '","ownerId":"001099012345',
  '..%2F..%2Fetc%2Fpasswd',
  'null',
  '__proto__',
  'Nguyễn Văn An 🇻🇳 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٱلسَّلَامُ 漢字',
];
/** Names may not hold slashes; these go to free-text fields only. */
const nameSafe = injections.filter((text) => !/[/\\]/.test(text));

async function otherVault() {
  return snapshotVault(w.t.api, w.b, { documents: [w.ids.otherDocument] });
}

describe('injection strings are stored and returned verbatim', () => {
  test('folder names: created, listed and renamed verbatim; the tree holds exactly them', async () => {
    const other = await otherVault();
    const parent = await w.t.api<Folder>('POST', '/v1/folders', { token: w.a, body: { name: 'Tiêm mã' } });
    assert.equal(parent.status, 201, parent.text);
    const created: string[] = [];
    for (const name of nameSafe) {
      const response = await w.t.api<Folder>('POST', '/v1/folders', {
        token: w.a,
        body: { name, parentId: parent.json.id },
      });
      assert.equal(response.status, 201, `${name}: ${response.text}`);
      assert.equal(response.json.name, name.normalize('NFC'));
      created.push(response.json.id);
    }
    const items = await w.t.api('GET', `/v1/folders/${parent.json.id}/items`, { token: w.a });
    assert.deepEqual(
      items.json.folders.map((folder: Folder) => folder.name).sort(),
      nameSafe.map((name) => name.normalize('NFC')).sort(),
    );
    const renamed = await w.t.api<Folder>('PATCH', `/v1/folders/${created[0]}`, {
      token: w.a,
      body: { name: '<svg onload=alert(1)>' },
    });
    assert.equal(renamed.json.name, '<svg onload=alert(1)>');
    assert.match(renamed.contentType, /^application\/json/, 'JSON, never HTML');
    assert.deepEqual(await otherVault(), other, "B's vault did not change");
  });

  test('names with slashes are refused rather than split into paths', async () => {
    await unchanged(w, () =>
      expectEach(
        w.t,
        injections
          .filter((text) => /[/\\]/.test(text))
          .map((name) => ({
            method: 'POST',
            path: '/v1/folders',
            options: { token: w.a, body: { name, parentId: w.ids.folder } },
          })),
        400,
        'invalid-request',
      ),
    );
  });

  test('document title, number, issuer, summary and type: each injection string round-trips exactly', async () => {
    const other = await otherVault();
    for (const text of injections) {
      const body = { title: text, number: text.slice(0, 100), issuer: text, summary: `${text}\n${text}` };
      const response = await w.t.api('PATCH', `/v1/documents/${w.ids.document}`, { token: w.a, body });
      assert.equal(response.status, 200, `${text}: ${response.text}`);
      const read = await w.t.api('GET', `/v1/documents/${w.ids.document}`, { token: w.a });
      for (const [field, value] of Object.entries(body))
        assert.equal(read.json[field], value.normalize('NFC'), `${field} = ${text}`);
      assert.equal(read.json.ownerId, '079203001234', 'the owner is still A');
    }
    assert.deepEqual(await otherVault(), other, "B's vault did not change");
  });

  test('search terms that are injection strings find nothing in another vault', async () => {
    const marker = 'zzinjectionzz';
    assert.equal(
      (
        await w.t.api('PATCH', `/v1/documents/${w.ids.otherDocument}`, {
          token: w.b,
          body: { title: `${marker} ' OR '1'='1` },
        })
      ).status,
      200,
    );
    for (const q of [...injections, `${marker} ' OR '1'='1`, '*', '%', '_', '.*', '\\']) {
      const response = await w.t.api('GET', `/v1/documents?q=${encodeURIComponent(q)}`, { token: w.a });
      if (response.status !== 200) {
        // A query with nothing searchable in it is refused, which is fine too.
        assertProblem(response, response.status, ['invalid-input', 'invalid-request'], q);
        continue;
      }
      assert.ok(
        response.json.items.every((document: { ownerId: string }) => document.ownerId === '079203001234'),
        `q=${q} leaked another vault`,
      );
      assert.ok(!response.json.items.some((document: { id: string }) => document.id === w.ids.otherDocument));
    }
  });

  test("an upload's file name with HTML and header syntax is kept as data; the download stays an attachment", async () => {
    const fileName = '"><img src=x onerror=alert(1)>; filename=evil.html; x=%0d%0a.pdf';
    const outcome = await w.t.uploadFile(w.a, 'sample-result.pdf', { fileName, folderId: w.ids.folder });
    assert.equal(outcome.upload.status, 'DONE', outcome.upload.failureReason);
    const document = await w.t.api('GET', `/v1/documents/${outcome.upload.documentId}`, { token: w.a });
    assert.equal(document.json.fileName, fileName);
    const redirect = await w.t.api('GET', `/v1/documents/${outcome.upload.documentId}/content`, { token: w.a });
    assert.equal(redirect.status, 302, redirect.text);
    const download = await fetch(redirect.headers.get('location')!);
    assert.equal(download.status, 200);
    const disposition = download.headers.get('content-disposition') ?? '';
    // One quoted ASCII name without quote, semicolon or backslash, then the encoded real name: no second parameter.
    assert.match(disposition, /^attachment; filename="[^";\\\r\n]*"; filename\*=UTF-8''[^";\s]+$/, disposition);
    assert.equal(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!), fileName, 'the real name, exactly');
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    await download.arrayBuffer();
  });

  test('template names and labels (administrator) are stored verbatim and never run', async () => {
    const name = '${process.exit(1)} {{7*7}} <script>alert(1)</script>';
    const response = await w.t.api('PATCH', '/v1/ocr-templates/builtin-cong-van', { token: w.admin, body: { name } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.name, name);
    assert.equal((await w.t.api('GET', '/v1/ocr-templates/builtin-cong-van', { token: w.admin })).json.name, name);
    assert.equal((await w.t.api('GET', '/health')).status, 200);
  });

  test('CRLF in a query value injects no response header', async () => {
    const response = await w.t.api(
      'GET',
      `/v1/documents?q=${encodeURIComponent('an\r\nSet-Cookie: pwned=1\r\nX-Injected: 1')}`,
      { token: w.a },
    );
    assert.equal(response.headers.get('set-cookie'), null);
    assert.equal(response.headers.get('x-injected'), null);
    assert.ok(response.status === 200 || response.status === 400 || response.status === 422, response.text);
  });
});

describe('misleading names are refused', () => {
  test('path traversal in folder names and file names', async () => {
    const traversal = ['..', '.', '../../etc/passwd', '..\\..\\windows\\system32', 'vault/001099012345', '/etc/passwd'];
    await unchanged(w, () =>
      expectEach(
        w.t,
        traversal.flatMap((name) => [
          { method: 'POST', path: '/v1/folders', options: { token: w.a, body: { name } } },
          { method: 'PATCH', path: `/v1/folders/${w.ids.subfolder}`, options: { token: w.a, body: { name } } },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: { token: w.a, body: { fileName: name, contentType: 'application/pdf', size: 10 } },
          },
          {
            method: 'POST',
            path: `/v1/documents/${w.ids.document}/versions`,
            options: { token: w.a, body: { fileName: name, contentType: 'application/pdf', size: 10 } },
          },
        ]),
        400,
        'invalid-request',
      ),
    );
  });

  test('bidi overrides and isolates hiding an extension (hoa-don\\u202Efdp.exe)', async () => {
    const names = ['hoa-don\u202Efdp.exe', 'hoa-don\u202Dpdf.exe', 'a\u2066b\u2069', 'a\u200Fb', 'a\u061Cb'];
    // Names are refused by the published schema (400); titles, free text, by the core (422).
    await unchanged(w, () =>
      expectEach(
        w.t,
        names.flatMap((name) => [
          { method: 'POST', path: '/v1/folders', options: { token: w.a, body: { name } } },
          {
            method: 'POST',
            path: '/v1/uploads',
            options: { token: w.a, body: { fileName: name, contentType: 'application/pdf', size: 10 } },
          },
        ]),
        400,
        'invalid-request',
      ),
    );
    await unchanged(w, () =>
      expectEach(
        w.t,
        names.map((name) => ({
          method: 'PATCH',
          path: `/v1/documents/${w.ids.document}`,
          options: { token: w.a, body: { title: name } },
        })),
        422,
        'invalid-input',
      ),
    );
  });

  test('control characters: NUL, CR, LF, ESC, DEL, C1 in names and titles; CR even in a summary', async () => {
    const names = ['a\u0000b', 'a\rb', 'a\nb', 'a\u001b[31mb', 'a\u007fb', 'a\u0085b', 'a\u200bb', 'a\ufeffb'];
    await unchanged(w, () =>
      expectEach(
        w.t,
        names.map((name) => ({ method: 'POST', path: '/v1/folders', options: { token: w.a, body: { name } } })),
        400,
        'invalid-request',
      ),
    );
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          ...names.flatMap((name) => [
            {
              method: 'PATCH',
              path: `/v1/documents/${w.ids.document}`,
              options: { token: w.a, body: { title: name } },
            },
            {
              method: 'PATCH',
              path: `/v1/documents/${w.ids.document}`,
              options: { token: w.a, body: { issuer: name } },
            },
          ]),
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { summary: 'dòng 1\r\ndòng 2' } },
          },
          {
            method: 'PATCH',
            path: `/v1/documents/${w.ids.document}`,
            options: { token: w.a, body: { summary: 'a\u0000b' } },
          },
        ],
        422,
        'invalid-input',
      ),
    );
  });

  test('NFC and NFD spellings, and case variants, of one name are one name (409)', async () => {
    const nfc = 'Sổ đỏ – Đất ở'.normalize('NFC');
    const created = await w.t.api<Folder>('POST', '/v1/folders', {
      token: w.a,
      body: { name: nfc, parentId: w.ids.subfolder },
    });
    assert.equal(created.status, 201, created.text);
    const sibling = await w.t.api<Folder>('POST', '/v1/folders', {
      token: w.a,
      body: { name: 'Khác', parentId: w.ids.subfolder },
    });
    assert.equal(sibling.status, 201, sibling.text);
    await unchanged(w, () =>
      expectEach(
        w.t,
        [
          {
            method: 'POST',
            path: '/v1/folders',
            options: { token: w.a, body: { name: nfc.normalize('NFD'), parentId: w.ids.subfolder } },
          },
          {
            method: 'POST',
            path: '/v1/folders',
            options: {
              token: w.a,
              body: { name: nfc.normalize('NFKD').toLocaleUpperCase('vi-VN'), parentId: w.ids.subfolder },
            },
          },
          {
            method: 'POST',
            path: '/v1/folders',
            options: { token: w.a, body: { name: `  ${nfc.normalize('NFD')}  `, parentId: w.ids.subfolder } },
          },
          {
            method: 'PATCH',
            path: `/v1/folders/${sibling.json.id}`,
            options: { token: w.a, body: { name: nfc.normalize('NFD') } },
          },
        ],
        409,
        'name-taken',
      ),
    );
    const names = flattenTree(await getTree(w.t.api, w.a))
      .filter((folder) => folder.treeParentId === w.ids.subfolder)
      .map((folder) => folder.name);
    assert.deepEqual(names.sort(), ['Khác', nfc].sort(), 'one folder per name, stored in NFC');
  });

  test('very long Unicode: the name limit counts characters, NFD text is stored as NFC', async () => {
    await unchanged(w, async () => {
      // The limit of a name counts characters, as JSON Schema's maxLength does: 121 astral ones are over it.
      assertProblem(
        await w.t.api('POST', '/v1/folders', { token: w.a, body: { name: '𝔘'.repeat(121) } }),
        400,
        'invalid-request',
      );
      // The limit counts the units sent: 201 units with combining marks are refused before normalisation.
      assertProblem(
        await w.t.api('POST', '/v1/folders', { token: w.a, body: { name: 'ệ'.normalize('NFD').repeat(67) } }),
        400,
        'invalid-request',
      );
    });
    const title = 'ệ'.normalize('NFD').repeat(100); // 300 units in, 100 characters stored
    const response = await w.t.api('PATCH', `/v1/documents/${w.ids.document}`, {
      token: w.a,
      body: { title, summary: '🇻🇳'.repeat(500) },
    });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.title, 'ệ'.normalize('NFC').repeat(100));
    assert.equal(response.json.summary, '🇻🇳'.repeat(500));
  });
});
