import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoRepository } from '../../functions/composition/dynamo-repository.ts';
import { ConcurrentUpdateError } from '../../functions/platform/core/errors.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { createDynamoSyncStore } from '../../functions/sync/adapters/dynamo-sync-store.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { VaultDocument } from '../../functions/vault/core/model.ts';
import { startLocalTable, type LocalTable } from './support/local-table.ts';

const table = 'khoso-feed-test';
const owner = '079203001234';
let counter = 0;

function audit(): AuditEntry {
  counter += 1;
  return {
    id: `e-${counter}`,
    ownerId: owner,
    at: new Date(Date.UTC(2026, 11, 3, 10, 0, counter)).toISOString(),
    actor: { sub: 'workflow', role: 'admin' },
    action: 'document.file',
    resourceType: 'document',
    resourceId: 'd-1',
    outcome: 'success',
    sourceIp: 'internal',
  };
}

const issued: VaultDocument = {
  id: 'd-1',
  ownerId: owner,
  folderId: 'results',
  source: 'issued',
  title: 'Giấy xác nhận',
  type: 'KQ.G15.000031',
  number: '12/GXN',
  issuingUnit: 'A08',
  fileName: 'a.pdf',
  contentType: 'application/pdf',
  size: 10,
  sha256: 'a'.repeat(64),
  currentVersion: 1,
  versionCount: 1,
  createdAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:00:00.000Z',
  createdBy: 'workflow',
};

describe('change-feed entries are written with the document (DynamoDB adapter on dynalite)', () => {
  let local: LocalTable;
  let documents: DynamoDBDocumentClient;
  const feed = () => createDynamoSyncStore(new DynamoTable(documents, table));
  const entriesOf = async (day = '2026-12-03') =>
    (await feed().readChanges({ day, before: '9999', limit: 100 })).map((e) => [e.change.change, e.change.version]);

  before(async () => {
    local = await startLocalTable(table);
    documents = local.documents;
  });
  after(() => local.close());

  test('filing, a new version and a revocation each add one entry; a rename adds none', async () => {
    const repository = createDynamoRepository(documents, table);
    await repository.commit({ ownerId: owner, documents: [{ next: issued }], audit: [audit()] });
    const renamed = { ...issued, title: 'Renamed', updatedAt: '2026-12-03T10:05:00.000Z' };
    await repository.commit({ ownerId: owner, documents: [{ next: renamed, previous: issued }], audit: [audit()] });
    const v2 = { ...renamed, currentVersion: 2, versionCount: 2, updatedAt: '2026-12-03T11:00:00.000Z' };
    await repository.commit({ ownerId: owner, documents: [{ next: v2, previous: renamed }], audit: [audit()] });
    const revoked = {
      ...v2,
      revoked: { at: '2026-12-03T12:00:00.000Z', reason: 'Cấp sai', by: 'A08', resultId: 'r-1' },
      updatedAt: '2026-12-03T12:00:00.000Z',
    };
    await repository.commit({ ownerId: owner, documents: [{ next: revoked, previous: v2 }], audit: [audit()] });
    assert.deepEqual(await entriesOf(), [
      ['filed', 1],
      ['filed', 2],
      ['revoked', 2],
    ]);
  });

  test('a commit that fails writes no entry', async () => {
    const repository = createDynamoRepository(documents, table);
    const other = {
      ...issued,
      id: 'd-2',
      updatedAt: '2026-12-04T09:00:00.000Z',
      createdAt: '2026-12-04T09:00:00.000Z',
    };
    await repository.commit({ ownerId: owner, documents: [{ next: other }], audit: [audit()] });
    const stale = { ...other, title: 'not what is stored' };
    const v2 = { ...other, currentVersion: 2, versionCount: 2, updatedAt: '2026-12-04T10:00:00.000Z' };
    await assert.rejects(
      repository.commit({ ownerId: owner, documents: [{ next: v2, previous: stale }], audit: [audit()] }),
      ConcurrentUpdateError,
    );
    assert.deepEqual(await entriesOf('2026-12-04'), [['filed', 1]]);
  });
});
