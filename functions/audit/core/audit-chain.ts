import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-model.ts';

/**
 * The audit log is one hash chain per owner (a personal ID, an enterprise code, or a
 * pseudo-owner such as `templates`): entry n carries the hash of entry n-1, so editing,
 * deleting or reordering a stored entry breaks the chain at that point, and the chain's head
 * (the last sequence number and hash, written with every append) reveals a truncated tail.
 */

/** Where an entry sits in its owner's chain. Sequence numbers start at 1 and have no gaps. */
export interface ChainLink {
  seq: number;
  previousHash: string;
  hash: string;
}

export interface ChainedAuditEntry {
  entry: AuditEntry;
  link: ChainLink;
}

/** The last link of an owner's chain, stored apart from the entries and moved with every append. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

/** The previous hash of an owner's first entry. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted, undefined members dropped and every string (keys included)
 * in NFC, so the same entry always hashes the same however it was stored and read back.
 */
export function canonicalJson(value: unknown): string {
  const canonical = (node: unknown): unknown => {
    if (typeof node === 'string') return node.normalize('NFC');
    if (Array.isArray(node)) return node.map(canonical);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node)
          .filter(([, member]) => member !== undefined)
          .map(([key, member]) => [key.normalize('NFC'), canonical(member)] as const)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return node;
  };
  return JSON.stringify(canonical(value));
}

/** SHA-256 (hex) of the previous hash followed by the canonical entry and its sequence number. */
export function auditEntryHash(previousHash: string, seq: number, entry: AuditEntry): string {
  return createHash('sha256').update(previousHash).update(canonicalJson({ seq, entry })).digest('hex');
}

/** Links `entries`, in order, after `head` (absent for an owner without entries yet). */
export function chainAuditEntries(
  head: AuditChainHead | undefined,
  entries: AuditEntry[],
): { chained: ChainedAuditEntry[]; head: AuditChainHead } {
  let seq = head?.seq ?? 0;
  let previousHash = head?.hash ?? genesisHash;
  const chained = entries.map((entry) => {
    seq += 1;
    const link = { seq, previousHash, hash: auditEntryHash(previousHash, seq, entry) };
    previousHash = link.hash;
    return { entry, link };
  });
  return { chained, head: { seq, hash: previousHash } };
}

/** Groups entries by owner, keeping their order: each owner's group extends that owner's chain. */
export function auditEntriesByOwner(entries: AuditEntry[]): Map<string, AuditEntry[]> {
  const groups = new Map<string, AuditEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.ownerId);
    if (group) group.push(entry);
    else groups.set(entry.ownerId, [entry]);
  }
  return groups;
}

export type BrokenLinkReason =
  /** The entry's content no longer hashes to its stored hash: it was edited. */
  | 'hash-mismatch'
  /** The entry does not point at the entry before it: one was replaced or re-chained. */
  | 'previous-hash-mismatch'
  /** A sequence number is skipped: the entry was deleted. */
  | 'missing-entry'
  /** Another entry stands where this sequence number belongs: entries were reordered. */
  | 'out-of-order'
  /** The last entry is not the head's: the tail was cut off, or entries were added around the writer. */
  | 'head-mismatch';

export interface BrokenLink {
  seq: number;
  entryId?: string;
  reason: BrokenLinkReason;
}

export interface AuditChainVerification {
  ownerId: string;
  /** Entries read from the store. */
  entries: number;
  ok: boolean;
  firstBrokenLink?: BrokenLink;
}

/**
 * Re-computes an owner's chain from its stored entries (in sequence order) and head, and
 * reports the first link that does not hold.
 */
export function verifyAuditChain(
  ownerId: string,
  entries: ChainedAuditEntry[],
  head: AuditChainHead | undefined,
): AuditChainVerification {
  const broken = (link: BrokenLink): AuditChainVerification => ({
    ownerId,
    entries: entries.length,
    ok: false,
    firstBrokenLink: link,
  });
  let previousHash = genesisHash;
  for (const [index, { entry, link }] of entries.entries()) {
    const expected = index + 1;
    if (link.seq !== expected) {
      const elsewhere = entries.some((other) => other.link.seq === expected);
      return broken({
        seq: expected,
        ...(elsewhere ? { entryId: entry.id, reason: 'out-of-order' } : { reason: 'missing-entry' }),
      });
    }
    if (entry.ownerId !== ownerId || auditEntryHash(link.previousHash, link.seq, entry) !== link.hash) {
      return broken({ seq: link.seq, entryId: entry.id, reason: 'hash-mismatch' });
    }
    if (link.previousHash !== previousHash)
      return broken({ seq: link.seq, entryId: entry.id, reason: 'previous-hash-mismatch' });
    previousHash = link.hash;
  }
  const headSeq = head?.seq ?? 0;
  if (headSeq > entries.length) return broken({ seq: entries.length + 1, reason: 'head-mismatch' });
  // Entries past the head were not appended by the chain's writer.
  const unexpected = entries[headSeq];
  if (unexpected) return broken({ seq: unexpected.link.seq, entryId: unexpected.entry.id, reason: 'head-mismatch' });
  const last = entries.at(-1);
  if ((head?.hash ?? genesisHash) !== previousHash) {
    return broken({ seq: headSeq, ...(last ? { entryId: last.entry.id } : {}), reason: 'head-mismatch' });
  }
  return { ownerId, entries: entries.length, ok: true };
}
