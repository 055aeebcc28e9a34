import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  auditEntryHash,
  canonicalJson,
  chainAuditEntries,
  genesisHash,
  verifyAuditChain,
  type ChainedAuditEntry,
} from '../../../functions/audit/core/audit-chain.ts';
import { verifyOwnerAuditChain } from '../../../functions/audit/core/audit-log.ts';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';
import { admin, citizen, citizenId, createTestVault, withCode } from '../../fakes/vault-test-deps.ts';
import { createFolder } from '../../../functions/vault/core/folders.ts';

const owner = '079203001234';

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `entry-${n}`,
    ownerId: owner,
    at: `2026-01-01T00:00:0${n}.000Z`,
    actor: { sub: 'citizen-1', role: 'citizen', ownerId: owner },
    action: 'folder.create',
    resourceType: 'folder',
    resourceId: `folder-${n}`,
    outcome: 'success',
    sourceIp: '203.0.113.7',
    detail: { name: `Hồ sơ ${n}` },
    ...overrides,
  };
}

function chainOf(count: number): { entries: ChainedAuditEntry[]; head: { seq: number; hash: string } } {
  const { chained, head } = chainAuditEntries(
    undefined,
    Array.from({ length: count }, (_, i) => entry(i + 1)),
  );
  return { entries: chained, head };
}

describe('audit hash chain', () => {
  test('links each entry to the previous one, from the genesis hash, with consecutive sequence numbers', () => {
    const { entries, head } = chainOf(3);
    assert.deepEqual(
      entries.map(({ link }) => link.seq),
      [1, 2, 3],
    );
    assert.equal(entries[0]?.link.previousHash, genesisHash);
    assert.equal(entries[1]?.link.previousHash, entries[0]?.link.hash);
    assert.deepEqual(head, { seq: 3, hash: entries[2]?.link.hash });
    assert.match(head.hash, /^[0-9a-f]{64}$/);
    // Appending later continues the same chain.
    const more = chainAuditEntries(head, [entry(4)]);
    assert.equal(more.chained[0]?.link.seq, 4);
    assert.equal(more.chained[0]?.link.previousHash, head.hash);
  });

  test('the canonical form ignores key order, undefined members and Unicode normalisation', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: 'Hồ', c: undefined } }),
      canonicalJson({ a: { d: 'Hồ'.normalize('NFD') }, b: 1 }),
    );
    const reordered = Object.fromEntries(Object.entries(entry(1)).reverse()) as unknown as AuditEntry;
    assert.equal(auditEntryHash(genesisHash, 1, reordered), auditEntryHash(genesisHash, 1, entry(1)));
    assert.notEqual(auditEntryHash(genesisHash, 2, entry(1)), auditEntryHash(genesisHash, 1, entry(1)));
  });

  test('a valid chain verifies, and so does an owner without entries', () => {
    const { entries, head } = chainOf(5);
    assert.deepEqual(verifyAuditChain(owner, entries, head), { ownerId: owner, entries: 5, ok: true });
    assert.deepEqual(verifyAuditChain(owner, [], undefined), { ownerId: owner, entries: 0, ok: true });
  });

  test('an edited entry breaks at that entry', () => {
    const { entries, head } = chainOf(5);
    const edited = entries.map((chained) =>
      chained.link.seq === 3 ? { ...chained, entry: { ...chained.entry, outcome: 'denied' as const } } : chained,
    );
    assert.deepEqual(verifyAuditChain(owner, edited, head).firstBrokenLink, {
      seq: 3,
      entryId: 'entry-3',
      reason: 'hash-mismatch',
    });
  });

  test('an edited entry whose own hash was recomputed breaks at the next link', () => {
    const { entries, head } = chainOf(5);
    const forged = entries.map((chained) => {
      if (chained.link.seq !== 2) return chained;
      const changed = { ...chained.entry, actor: { sub: 'someone-else', role: 'admin' } };
      return { entry: changed, link: { ...chained.link, hash: auditEntryHash(chained.link.previousHash, 2, changed) } };
    });
    assert.deepEqual(verifyAuditChain(owner, forged, head).firstBrokenLink, {
      seq: 3,
      entryId: 'entry-3',
      reason: 'previous-hash-mismatch',
    });
  });

  test('a deleted entry is a missing sequence number', () => {
    const { entries, head } = chainOf(5);
    const result = verifyAuditChain(
      owner,
      entries.filter(({ link }) => link.seq !== 2),
      head,
    );
    assert.equal(result.ok, false);
    assert.deepEqual(result.firstBrokenLink, { seq: 2, reason: 'missing-entry' });
  });

  test('reordered entries are reported where the order breaks', () => {
    const { entries, head } = chainOf(5);
    const swapped = [entries[0], entries[2], entries[1], entries[3], entries[4]] as ChainedAuditEntry[];
    assert.deepEqual(verifyAuditChain(owner, swapped, head).firstBrokenLink, {
      seq: 2,
      entryId: 'entry-3',
      reason: 'out-of-order',
    });
    // Renumbering the moved entries does not help: the sequence number is part of the hash.
    const renumbered = swapped.map((chained, index) => ({ ...chained, link: { ...chained.link, seq: index + 1 } }));
    assert.deepEqual(verifyAuditChain(owner, renumbered, head).firstBrokenLink, {
      seq: 2,
      entryId: 'entry-3',
      reason: 'hash-mismatch',
    });
  });

  test('a cut-off tail is caught by the head', () => {
    const { entries, head } = chainOf(5);
    assert.deepEqual(verifyAuditChain(owner, entries.slice(0, 3), head).firstBrokenLink, {
      seq: 4,
      reason: 'head-mismatch',
    });
    assert.deepEqual(verifyAuditChain(owner, [], head).firstBrokenLink, { seq: 1, reason: 'head-mismatch' });
  });

  test('entries the head does not know of, or a head that does not match, are reported', () => {
    const { entries, head } = chainOf(5);
    assert.deepEqual(verifyAuditChain(owner, entries, { seq: 4, hash: entries[3]?.link.hash ?? '' }).firstBrokenLink, {
      seq: 5,
      entryId: 'entry-5',
      reason: 'head-mismatch',
    });
    assert.deepEqual(verifyAuditChain(owner, entries, undefined).firstBrokenLink, {
      seq: 1,
      entryId: 'entry-1',
      reason: 'head-mismatch',
    });
    assert.deepEqual(verifyAuditChain(owner, entries, { ...head, hash: genesisHash }).firstBrokenLink, {
      seq: 5,
      entryId: 'entry-5',
      reason: 'head-mismatch',
    });
  });

  test("an entry moved into another owner's chain does not verify there", () => {
    const { entries, head } = chainOf(2);
    assert.equal(verifyAuditChain('001099012345', entries, head).firstBrokenLink?.reason, 'hash-mismatch');
  });
});

describe("verifying an owner's chain (in-memory repository)", () => {
  test("administrators see a vault's chain verify, then break where an entry was edited", async () => {
    const vault = createTestVault();
    await createFolder(vault, citizen(), { name: 'Giấy tờ xe' });
    await createFolder(vault, citizen(), { name: 'Bảo hiểm' });
    const deps = { auditLog: vault.repository };
    const before = await verifyOwnerAuditChain(deps, admin(), citizenId);
    assert.equal(before.ok, true);
    assert.ok(before.entries >= 3, `${before.entries} entries`);

    vault.repository.tamperWithAudit(citizenId, 2, (stored) => ({ ...stored, sourceIp: '198.51.100.1' }));
    const after = await verifyOwnerAuditChain(deps, admin(), citizenId);
    assert.equal(after.ok, false);
    assert.equal(after.firstBrokenLink?.seq, 2);
    assert.equal(after.firstBrokenLink?.reason, 'hash-mismatch');

    vault.repository.tamperWithAudit(citizenId, 2, () => undefined);
    assert.deepEqual((await verifyOwnerAuditChain(deps, admin(), citizenId)).firstBrokenLink, {
      seq: 2,
      reason: 'missing-entry',
    });
  });

  test('only administrators verify, and only owners of chains', async () => {
    const vault = createTestVault();
    const deps = { auditLog: vault.repository };
    await assert.rejects(verifyOwnerAuditChain(deps, citizen(), citizenId), withCode('forbidden-role'));
    await assert.rejects(verifyOwnerAuditChain(deps, admin(), 'OWNER#x'), withCode('invalid-input'));
    assert.equal((await verifyOwnerAuditChain(deps, admin(), 'templates')).ok, true);
  });
});
