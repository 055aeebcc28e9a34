import { isDeepStrictEqual } from 'node:util';
import {
  auditEntriesByOwner,
  chainAuditEntries,
  type AuditChainHead,
  type ChainLink,
} from '../../functions/audit/core/audit-chain.ts';
import { ConcurrentUpdateError, ConflictError, InvalidInputError } from '../../functions/platform/core/errors.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { Upload } from '../../functions/digitize/core/upload-model.ts';
import type { IssuedResult } from '../../functions/integration/core/result-model.ts';
import type { Page, PageRequest } from '../../functions/platform/core/page.ts';
import type { DocumentSignature } from '../../functions/signing/core/signature-model.ts';
import type { DocumentVersion, Folder, VaultDocument } from '../../functions/vault/core/model.ts';
import { nameKey } from '../../functions/vault/core/names.ts';
import type { Share, ShareLink } from '../../functions/sharing/core/share-model.ts';
import type { ImportClaim, Pull, PullFile } from '../../functions/sync/core/pull-model.ts';
import type { SyncRecord } from '../../functions/sync/core/sync-record.ts';
import type { UnitOfWork, VaultChanges, Write } from '../../functions/vault/core/unit-of-work.ts';

/** Everything the repository holds, as plain sorted data: equal snapshots mean nothing changed. */
export interface RepositorySnapshot {
  provisioned: string[];
  treeVersions: [string, number][];
  folders: Folder[];
  documents: VaultDocument[];
  versions: DocumentVersion[];
  uploads: Upload[];
  signatures: DocumentSignature[];
  shares: Share[];
  links: ShareLink[];
  results: IssuedResult[];
  claims: [string, string][];
  audit: AuditEntry[];
}

export interface StoredAudit {
  /** Order of writing across owners, for listHistory's ties. */
  seq: number;
  entry: AuditEntry;
  link: ChainLink;
}

export type SortKey = string[];

/**
 * Stored records lose undefined-valued attributes, as DynamoDB marshalling drops them, and
 * are copies: nothing a caller holds can change what is stored.
 */
export function store<T>(record: T): T {
  return JSON.parse(JSON.stringify(record)) as T;
}

export function copy<T>(record: T): T {
  return structuredClone(record);
}

export const recordKey = (ownerId: string, id: string) => `${ownerId}|${id}`;
export const versionKey = (ownerId: string, documentId: string, number: number) => `${ownerId}|${documentId}|${number}`;
const claimKey = (folder: Folder) => `${folder.ownerId}|${folder.parentId ?? 'root'}|${nameKey(folder.name)}`;

/** Descending over the key's parts: the first part decides, later parts break ties. */
export function newestFirst(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? 1 : -1;
  }
  return 0;
}

/**
 * The records of the vault table in memory and the unit of work over them, faithful to its
 * contract: a commit checks everything first and then applies it all in one synchronous step
 * (so concurrent use cases interleave only between awaits, as with a real transaction),
 * folder writes carry sibling-name claims, and moves bump the tree version. Each feature's
 * read ports over these records are in their own fakes (in-memory-*-store.ts).
 */
export class InMemoryRecords implements UnitOfWork {
  readonly maxWritesPerCommit: number = 100;

  readonly provisioned = new Set<string>();
  readonly treeVersions = new Map<string, number>();
  readonly folders = new Map<string, Folder>();
  readonly documents = new Map<string, VaultDocument>();
  readonly versions = new Map<string, DocumentVersion>();
  readonly uploads = new Map<string, Upload>();
  readonly signatures = new Map<string, DocumentSignature>();
  readonly shares = new Map<string, Share>();
  readonly links = new Map<string, ShareLink>();
  readonly pulls = new Map<string, Pull>();
  /** pullId|index → the file's outcome. */
  readonly pullFiles = new Map<string, PullFile>();
  /** owner|sha256 → the import that claimed that content. */
  readonly importClaims = new Map<string, ImportClaim>();
  readonly results = new Map<string, IssuedResult>();
  /** The sync outbox, by owner|documentId. */
  readonly syncRecords = new Map<string, SyncRecord>();
  readonly counters = new Map<string, { value: number; expiresAt: string }>();
  /** owner|parent-or-root|nameKey → id of the active folder holding that name. */
  readonly claims = new Map<string, string>();
  readonly audit: StoredAudit[] = [];
  auditSeq = 0;
  readonly auditHeads = new Map<string, AuditChainHead>();

  readonly failures: { error: Error; when: (changes: VaultChanges) => boolean }[] = [];

  /** Awaited at the start of every commit: tests park commits here to force races. */
  beforeCommit: ((changes: VaultChanges) => Promise<void> | void) | undefined;

  /** Commits that were applied, and those that threw (for asserting that a race really happened). */
  committed = 0;
  readonly rejectedCommits: Error[] = [];

  /** The next commit (or the next one `when` matches) throws `error` and changes nothing. */
  failNextCommit(error: Error, options: { when?: (changes: VaultChanges) => boolean } = {}): void {
    this.failures.push({ error, when: options.when ?? (() => true) });
  }

  async commit(input: VaultChanges): Promise<void> {
    // Copied before the first await: the caller may reuse its objects once commit() is called.
    const changes = copy(input);
    await this.beforeCommit?.(changes);
    try {
      this.validateAndApply(changes);
      this.committed += 1;
    } catch (error) {
      this.rejectedCommits.push(error as Error);
      throw error;
    }
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.appendChained([entry]);
  }

  /** Chains entries after their owners' heads, as the DynamoDB adapter does in its transactions. */
  private appendChained(entries: AuditEntry[]): void {
    for (const [ownerId, owned] of auditEntriesByOwner(entries.map(store))) {
      const { chained, head } = chainAuditEntries(this.auditHeads.get(ownerId), owned);
      for (const { entry, link } of chained) this.audit.push({ seq: ++this.auditSeq, entry, link });
      this.auditHeads.set(ownerId, head);
    }
  }

  /** Test helpers (not part of the port). */
  snapshot(): RepositorySnapshot {
    const sorted = <T>(values: Iterable<T>, key: (value: T) => string) =>
      [...values].map(copy).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return {
      provisioned: [...this.provisioned].sort(),
      treeVersions: [...this.treeVersions.entries()].sort(),
      folders: sorted(this.folders.values(), (f) => recordKey(f.ownerId, f.id)),
      documents: sorted(this.documents.values(), (d) => recordKey(d.ownerId, d.id)),
      versions: sorted(this.versions.values(), (v) => versionKey(v.ownerId, v.documentId, v.number)),
      uploads: sorted(this.uploads.values(), (u) => u.id),
      signatures: sorted(this.signatures.values(), (s) => recordKey(s.ownerId, s.id)),
      shares: sorted(this.shares.values(), (share) => share.id),
      links: sorted(this.links.values(), (link) => link.id),
      results: sorted(this.results.values(), (result) => result.id),
      claims: [...this.claims.entries()].sort(),
      audit: this.audit.map(({ entry }) => copy(entry)),
    };
  }

  /** Every audit entry of an owner, oldest first. */
  auditOf(ownerId: string): AuditEntry[] {
    return this.audit.filter(({ entry }) => entry.ownerId === ownerId).map(({ entry }) => copy(entry));
  }

  /** Rewrites (or, when `change` returns undefined, deletes) a stored audit entry behind the chain's back. */
  tamperWithAudit(ownerId: string, seq: number, change: (entry: AuditEntry) => AuditEntry | undefined): void {
    const index = this.audit.findIndex(({ entry, link }) => entry.ownerId === ownerId && link.seq === seq);
    const stored = this.audit[index];
    if (!stored) throw new Error(`no audit entry ${seq} of ${ownerId}`);
    const changed = change(copy(stored.entry));
    if (changed) stored.entry = store(changed);
    else this.audit.splice(index, 1);
  }

  treeVersionOf(ownerId: string): number {
    return this.treeVersions.get(ownerId) ?? 0;
  }

  activeDocumentsOf(ownerId: string, folderId: string): VaultDocument[] {
    return [...this.documents.values()]
      .filter((document) => document.ownerId === ownerId && document.folderId === folderId && !document.trashedAt)
      .sort((a, b) => newestFirst([a.createdAt, a.id], [b.createdAt, b.id]));
  }

  /** All checks first; only if every one passes does anything change. */
  private validateAndApply(changes: VaultChanges): void {
    const failure = this.failures.findIndex(({ when }) => when(changes));
    if (failure >= 0) {
      const [armed] = this.failures.splice(failure, 1);
      if (armed) throw armed.error;
    }

    const { ownerId } = changes;
    const folders = changes.folders ?? [];
    const documents = changes.documents ?? [];
    const versions = changes.versions ?? [];
    const uploads = changes.uploads ?? [];
    const signatures = changes.signatures ?? [];
    const shares = changes.shares ?? [];
    const links = changes.links ?? [];
    const pulls = changes.pulls ?? [];
    const pullFiles = changes.pullFiles ?? [];
    const importClaims = changes.importClaims ?? [];
    const results = changes.results ?? [];
    const syncRecords = changes.syncRecords ?? [];

    const moves = folders.filter(({ next, previous }) => previous !== undefined && previous.parentId !== next.parentId);
    const touchesTree = changes.expectedTreeVersion !== undefined || moves.length > 0;
    // A document write also writes its search item, as the DynamoDB adapter does.
    const writes =
      folders.length * 3 +
      documents.length * 2 +
      versions.length +
      uploads.length +
      signatures.length +
      shares.length +
      links.length +
      pulls.length +
      pullFiles.length +
      importClaims.length +
      results.length +
      syncRecords.length +
      changes.audit.length +
      (touchesTree ? 1 : 0) +
      (changes.provisionVault ? 1 : 0) +
      (changes.audit.length > 0 ? 1 : 0); // the audit chain's head
    if (writes > this.maxWritesPerCommit) {
      throw new RangeError(`commit touches ${writes} records; at most ${this.maxWritesPerCommit} allowed`);
    }

    // Programming errors a real adapter would turn into a wrong partition or a rejected transaction.
    const sameRecord = <T extends { id: string; ownerId: string }>(kind: string, writes: Write<T>[]) => {
      const seen = new Set<string>();
      for (const { next, previous } of writes) {
        if (next.ownerId !== ownerId || (previous && (previous.ownerId !== ownerId || previous.id !== next.id))) {
          throw new Error(`${kind} ${next.id}: record owner or id does not match the commit (owner ${ownerId})`);
        }
        if (seen.has(next.id)) throw new Error(`${kind} ${next.id} written twice in one commit`);
        seen.add(next.id);
      }
    };
    sameRecord('folder', folders);
    sameRecord('document', documents);
    sameRecord('upload', uploads);
    sameRecord('signature', signatures);
    sameRecord('share', shares);
    sameRecord('link', links);
    sameRecord('result', results);
    for (const version of versions) {
      if (version.ownerId !== ownerId)
        throw new Error(`version of ${version.documentId}: owner does not match the commit`);
    }
    for (const entry of changes.audit) {
      if (entry.ownerId !== ownerId) throw new Error(`audit entry ${entry.id}: owner does not match the commit`);
    }

    if (changes.provisionVault && this.provisioned.has(ownerId))
      throw new ConcurrentUpdateError('vault already provisioned');
    const treeVersion = this.treeVersions.get(ownerId) ?? 0;
    if (changes.expectedTreeVersion !== undefined && changes.expectedTreeVersion !== treeVersion) {
      throw new ConcurrentUpdateError(`tree version is ${treeVersion}, not ${changes.expectedTreeVersion}`);
    }
    const checkPrevious = <T>(kind: string, stored: Map<string, T>, key: (record: T) => string, writes: Write<T>[]) => {
      for (const { next, previous } of writes) {
        const current = stored.get(key(next));
        if (previous === undefined) {
          if (current !== undefined) throw new ConcurrentUpdateError(`${kind} ${key(next)} already exists`);
        } else if (current === undefined || !isDeepStrictEqual(current, store(previous))) {
          throw new ConcurrentUpdateError(`${kind} ${key(next)} changed since it was read`);
        }
      }
    };
    checkPrevious('folder', this.folders, (f) => recordKey(f.ownerId, f.id), folders);
    checkPrevious('document', this.documents, (d) => recordKey(d.ownerId, d.id), documents);
    checkPrevious('upload', this.uploads, (u) => u.id, uploads);
    checkPrevious('signature', this.signatures, (s) => recordKey(s.ownerId, s.id), signatures);
    checkPrevious('share', this.shares, (share) => share.id, shares);
    checkPrevious('link', this.links, (link) => link.id, links);
    checkPrevious('pull', this.pulls, (pull) => pull.id, pulls);
    const created = <T>(kind: string, stored: Map<string, T>, key: (record: T) => string, records: T[]) =>
      checkPrevious(
        kind,
        stored,
        key,
        records.map((next) => ({ next })),
      );
    created('pull file', this.pullFiles, pullFileKey, pullFiles);
    created('import claim', this.importClaims, (claim) => recordKey(claim.ownerId, claim.sha256), importClaims);
    checkPrevious('result', this.results, (result) => result.id, results);
    for (const version of versions) {
      if (this.versions.has(versionKey(ownerId, version.documentId, version.number))) {
        throw new ConcurrentUpdateError(`version ${version.number} of ${version.documentId} already exists`);
      }
    }

    // Claims: release what the written folders held, then take what they will hold.
    const claims = new Map(this.claims);
    for (const { previous } of folders) {
      if (previous && !previous.trashedAt && claims.get(claimKey(previous)) === previous.id)
        claims.delete(claimKey(previous));
    }
    for (const { next } of folders) {
      if (next.trashedAt) continue;
      const holder = claims.get(claimKey(next));
      if (holder !== undefined && holder !== next.id) {
        throw new ConflictError('name-taken', `A folder named "${next.name}" already exists here`);
      }
      claims.set(claimKey(next), next.id);
    }

    // Apply: nothing below can throw.
    if (changes.provisionVault) this.provisioned.add(ownerId);
    if (moves.length > 0) this.treeVersions.set(ownerId, treeVersion + 1);
    this.claims.clear();
    for (const [key, id] of claims) this.claims.set(key, id);
    for (const { next } of folders) this.folders.set(recordKey(next.ownerId, next.id), store(next));
    for (const { next } of documents) this.documents.set(recordKey(next.ownerId, next.id), store(next));
    for (const version of versions)
      this.versions.set(versionKey(ownerId, version.documentId, version.number), store(version));
    for (const { next } of uploads) this.uploads.set(next.id, store(next));
    for (const { next } of signatures) this.signatures.set(recordKey(next.ownerId, next.id), store(next));
    for (const { next } of shares) this.shares.set(next.id, store(next));
    for (const { next } of links) this.links.set(next.id, store(next));
    for (const { next } of pulls) this.pulls.set(next.id, store(next));
    for (const file of pullFiles) this.pullFiles.set(pullFileKey(file), store(file));
    for (const claim of importClaims) this.importClaims.set(recordKey(claim.ownerId, claim.sha256), store(claim));
    for (const { next } of results) this.results.set(next.id, store(next));
    for (const record of syncRecords) this.syncRecords.set(recordKey(record.ownerId, record.documentId), store(record));
    this.appendChained(changes.audit);
  }
}

const pullFileKey = (file: PullFile) => `${file.pullId}|${file.index}`;

interface Cursor {
  scope: string;
  after: SortKey;
}

/**
 * One page, newest first. The cursor names the last item's sort key (as DynamoDB's
 * LastEvaluatedKey does), so items added meanwhile neither repeat nor shift the next page.
 */
export function paginate<T>(scope: string, items: T[], keyOf: (item: T) => SortKey, page: PageRequest): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 1000) {
    throw new RangeError('page limit must be an integer from 1 to 1000');
  }
  let after: SortKey | undefined;
  if (page.cursor !== undefined) {
    let cursor: Cursor;
    try {
      cursor = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) as Cursor;
    } catch {
      throw new InvalidInputError('Invalid page cursor');
    }
    if (cursor?.scope !== scope || !Array.isArray(cursor.after)) throw new InvalidInputError('Invalid page cursor');
    after = cursor.after;
  }
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => newestFirst(a.key, b.key))
    .filter(({ key }) => after === undefined || newestFirst(key, after) > 0);
  const chosen = sorted.slice(0, page.limit);
  const last = chosen.at(-1);
  const result: Page<T> = { items: chosen.map(({ item }) => copy(item)) };
  if (sorted.length > page.limit && last) {
    result.nextCursor = Buffer.from(JSON.stringify({ scope, after: last.key } satisfies Cursor)).toString('base64url');
  }
  return result;
}
