import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../functions/audit/adapters/dynamo-audit-log.ts';
import { DynamoSigningSettings } from '../../functions/signing/adapters/dynamo-signing-settings.ts';
import { createDynamoRepository } from '../../functions/composition/dynamo-repository.ts';
import { verifyAuditChain } from '../../functions/audit/core/audit-chain.ts';
import { ConcurrentUpdateError } from '../../functions/platform/core/errors.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { Folder } from '../../functions/vault/core/model.ts';
import { startLocalTable, type LocalTable } from './support/local-table.ts';
import { entities, primaryKey } from '../../functions/platform/storage/schema.ts';

const table = 'khoso-audit-test';
const owner = '079203001234';
let counter = 0;

function entry(ownerId = owner, overrides: Partial<AuditEntry> = {}): AuditEntry {
  counter += 1;
  return {
    id: `e-${String(counter).padStart(4, '0')}`,
    ownerId,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    actor: { sub: 'tester', role: 'citizen', ownerId },
    action: 'folder.create',
    resourceType: 'folder',
    resourceId: 'f-1',
    outcome: 'success',
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

function folder(id: string, name: string): Folder {
  const at = '2026-01-01T00:00:00.000Z';
  return { id, ownerId: owner, name, parentId: null, createdAt: at, updatedAt: at } as Folder;
}

describe('audit chain writes (DynamoDB adapter on dynalite)', () => {
  let local: LocalTable;
  let documents: DynamoDBDocumentClient;
  /** A new adapter per call: each stands for a separate Lambda container racing for the head. */
  const writer = () => createDynamoRepository(documents, table);
  const chainOf = async (ownerId: string) => {
    const chain = await new DynamoAuditLog(documents, table).readChain(ownerId);
    return { chain, verification: verifyAuditChain(ownerId, chain.entries, chain.head) };
  };

  before(async () => {
    local = await startLocalTable(table);
    documents = local.documents;
  });
  after(() => local.close());

  test('concurrent writers of one owner all land, with consecutive sequence numbers and a valid chain', async () => {
    const writers = Array.from({ length: 6 }, writer);
    const appended: string[] = [];
    await Promise.all(
      writers.map(async (repository, index) => {
        for (let round = 0; round < 4; round += 1) {
          const e = entry();
          appended.push(e.id);
          // Half the writers commit records with their audit, the others append audit alone.
          if (index % 2 === 0) await repository.commit({ ownerId: owner, audit: [e] });
          else await repository.appendAudit(e);
        }
      }),
    );
    const { chain, verification } = await chainOf(owner);
    assert.deepEqual(verification, { ownerId: owner, entries: 24, ok: true });
    assert.deepEqual(
      chain.entries.map(({ link }) => link.seq),
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
    assert.deepEqual(chain.entries.map(({ entry: e }) => e.id).sort(), appended.sort());
    assert.equal(chain.head?.seq, 24);
  });

  test('appends of one owner from one process share transactions; other owners keep their own chains', async () => {
    const repository = writer();
    const other = '001099012345';
    await Promise.all([
      ...Array.from({ length: 120 }, () => repository.appendAudit(entry(other))),
      new DynamoSigningSettings(documents, table).saveTrustAnchors('agency-seal', 'pem', [
        entry('signing', { resourceType: 'signing-settings' }),
      ]),
    ]);
    const { chain, verification } = await chainOf(other);
    assert.equal(verification.ok, true);
    assert.equal(chain.entries.length, 120);
    assert.equal((await chainOf('signing')).verification.ok, true);
    // The history listing still shows the entries as they were appended, without chain attributes.
    const history = await repository.listHistory(other, 'f-1', { limit: 1 });
    assert.deepEqual(Object.keys(history.items[0] ?? {}).sort(), Object.keys(entry(other)).sort());
  });

  test('a real conflict is not retried and keeps its meaning, and the chain does not move', async () => {
    const ownerOfNames = '0101234567';
    const repository = writer();
    const first = { ...folder('f-a', 'Hồ sơ'), ownerId: ownerOfNames };
    await repository.commit({ ownerId: ownerOfNames, folders: [{ next: first }], audit: [entry(ownerOfNames)] });
    const clash = { ...folder('f-b', 'hồ sơ'), ownerId: ownerOfNames };
    await assert.rejects(
      repository.commit({ ownerId: ownerOfNames, folders: [{ next: clash }], audit: [entry(ownerOfNames)] }),
      { code: 'name-taken' },
    );
    await repository.commit({ ownerId: ownerOfNames, provisionVault: true, audit: [entry(ownerOfNames)] });
    await assert.rejects(
      repository.commit({ ownerId: ownerOfNames, provisionVault: true, audit: [entry(ownerOfNames)] }),
      ConcurrentUpdateError,
    );
    const { chain, verification } = await chainOf(ownerOfNames);
    assert.equal(verification.ok, true);
    assert.equal(chain.head?.seq, 2);
  });

  test('an entry changed in the table is the first broken link', async () => {
    const victim = '0300000001';
    const repository = writer();
    for (let i = 0; i < 4; i += 1) await repository.appendAudit(entry(victim));
    assert.equal((await chainOf(victim)).verification.ok, true);
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: primaryKey(entities.auditEntry, { ownerId: victim, block: 0, seq: 3 }),
        UpdateExpression: 'SET outcome = :o',
        ExpressionAttributeValues: { ':o': 'denied' },
      }),
    );
    assert.deepEqual((await chainOf(victim)).verification.firstBrokenLink, {
      seq: 3,
      entryId: (await chainOf(victim)).chain.entries[2]?.entry.id,
      reason: 'hash-mismatch',
    });
    // Moving the head back (a cut-off tail) is caught too.
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: primaryKey(entities.auditChainHead, { ownerId: victim }),
        UpdateExpression: 'SET seq = :s',
        ExpressionAttributeValues: { ':s': 5 },
      }),
    );
    assert.equal((await chainOf(victim)).verification.firstBrokenLink?.reason, 'hash-mismatch');
  });
});
