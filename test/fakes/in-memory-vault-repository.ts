import { isDeepStrictEqual } from 'node:util';
import { auditEntriesByOwner, chainAuditEntries, type AuditChainHead, type ChainLink } from '../../functions/audit/core/audit-chain.ts';
import type { AuditLog, StoredAuditChain } from '../../functions/audit/core/audit-log.ts';
import { ConcurrentUpdateError, ConflictError, InvalidInputError } from '../../functions/platform/core/errors.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { Upload } from '../../functions/digitize/core/upload-model.ts';
import type { Page, PageRequest } from '../../functions/platform/core/page.ts';
import type { DocumentSignature } from '../../functions/signing/core/signature-model.ts';
import type { DocumentSearch, DocumentVersion, Folder, VaultDocument } from '../../functions/vault/core/model.ts';
import { nameKey } from '../../functions/vault/core/names.ts';
import { foldNumber, searchableText } from '../../functions/vault/core/search-text.ts';
import { isAccessByOthers } from '../../functions/sharing/core/access-log.ts';
import type { Grantee, Share, SharedResourceType, ShareLink } from '../../functions/sharing/core/share-model.ts';
import type { VaultRepository } from '../../functions/vault/core/vault-deps.ts';
import type { VaultChanges, Write } from '../../functions/vault/core/unit-of-work.ts';
import type { FolderTree } from '../../functions/vault/core/vault-store.ts';

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
  claims: [string, string][];
  audit: AuditEntry[];
}

interface StoredAudit {
  /** Order of writing across owners, for listHistory's ties. */
  seq: number;
  entry: AuditEntry;
  link: ChainLink;
}

type SortKey = string[];

/**
 * Stored records lose undefined-valued attributes, as DynamoDB marshalling drops them, and
 * are copies: nothing a caller holds can change what is stored.
 */
function store<T>(record: T): T {
  return JSON.parse(JSON.stringify(record)) as T;
}

function copy<T>(record: T): T {
  return structuredClone(record);
}

const recordKey = (ownerId: string, id: string) => `${ownerId}|${id}`;
const versionKey = (ownerId: string, documentId: string, number: number) => `${ownerId}|${documentId}|${number}`;
const claimKey = (folder: Folder) => `${folder.ownerId}|${folder.parentId ?? 'root'}|${nameKey(folder.name)}`;

/** Descending over the key's parts: the first part decides, later parts break ties. */
function newestFirst(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? 1 : -1;
  }
  return 0;
}

/**
 * The metadata store port in memory, faithful to its contract: a commit checks everything
 * first and then applies it all in one synchronous step (so concurrent use cases interleave
 * only between awaits, as with a real transaction), folder writes carry sibling-name claims,
 * moves bump the tree version, and pages come with opaque cursors.
 */
export class InMemoryVaultRepository implements VaultRepository, AuditLog {
  readonly maxWritesPerCommit = 100;

  private readonly provisioned = new Set<string>();
  private readonly treeVersions = new Map<string, number>();
  private readonly folders = new Map<string, Folder>();
  private readonly documents = new Map<string, VaultDocument>();
  private readonly versions = new Map<string, DocumentVersion>();
  private readonly uploads = new Map<string, Upload>();
  private readonly signatures = new Map<string, DocumentSignature>();
  private readonly shares = new Map<string, Share>();
  private readonly links = new Map<string, ShareLink>();
  private readonly counters = new Map<string, { value: number; expiresAt: string }>();
  /** owner|parent-or-root|nameKey → id of the active folder holding that name. */
  private readonly claims = new Map<string, string>();
  private readonly audit: StoredAudit[] = [];
  private auditSeq = 0;
  private readonly auditHeads = new Map<string, AuditChainHead>();

  private readonly failures: { error: Error; when: (changes: VaultChanges) => boolean }[] = [];

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

  async readChain(ownerId: string): Promise<StoredAuditChain> {
    const head = this.auditHeads.get(ownerId);
    const entries = this.audit
      .filter(({ entry }) => entry.ownerId === ownerId)
      .sort((a, b) => a.link.seq - b.link.seq)
      .map(({ entry, link }) => ({ entry: copy(entry), link: { ...link } }));
    return { ...(head ? { head: { ...head } } : {}), entries };
  }

  /** Chains entries after their owners' heads, as the DynamoDB adapter does in its transactions. */
  private appendChained(entries: AuditEntry[]): void {
    for (const [ownerId, owned] of auditEntriesByOwner(entries.map(store))) {
      const { chained, head } = chainAuditEntries(this.auditHeads.get(ownerId), owned);
      for (const { entry, link } of chained) this.audit.push({ seq: ++this.auditSeq, entry, link });
      this.auditHeads.set(ownerId, head);
    }
  }

  async isProvisioned(ownerId: string): Promise<boolean> {
    return this.provisioned.has(ownerId);
  }

  async getFolderTree(ownerId: string): Promise<FolderTree> {
    const folders = [...this.folders.values()].filter((folder) => folder.ownerId === ownerId).map(copy);
    return { folders, treeVersion: this.treeVersions.get(ownerId) ?? 0 };
  }

  async getFolder(ownerId: string, folderId: string): Promise<Folder | undefined> {
    const folder = this.folders.get(recordKey(ownerId, folderId));
    return folder && copy(folder);
  }

  async getDocument(ownerId: string, documentId: string): Promise<VaultDocument | undefined> {
    const document = this.documents.get(recordKey(ownerId, documentId));
    return document && copy(document);
  }

  async listFolderDocuments(ownerId: string, folderId: string, page: PageRequest): Promise<Page<VaultDocument>> {
    return paginate(
      `folder-documents|${ownerId}|${folderId}`,
      this.activeDocumentsOf(ownerId, folderId),
      (document) => [document.createdAt, document.id],
      page,
    );
  }

  async listAllFolderDocuments(ownerId: string, folderId: string): Promise<VaultDocument[]> {
    return this.activeDocumentsOf(ownerId, folderId).map(copy);
  }

  async listDocumentsTrashedWith(ownerId: string, folderId: string): Promise<VaultDocument[]> {
    return [...this.documents.values()]
      .filter((document) => document.ownerId === ownerId && document.trashedAt && document.trashedWith === folderId && document.id !== folderId)
      .map(copy);
  }

  async listTrashedDocuments(ownerId: string, page: PageRequest): Promise<Page<VaultDocument>> {
    const trashed = [...this.documents.values()]
      .filter((document) => document.ownerId === ownerId && document.trashedAt && document.trashedWith === document.id);
    return paginate(`trashed-documents|${ownerId}`, trashed, (document) => [document.trashedAt ?? '', document.id], page);
  }

  async listVersions(ownerId: string, documentId: string): Promise<DocumentVersion[]> {
    return [...this.versions.values()]
      .filter((version) => version.ownerId === ownerId && version.documentId === documentId)
      .sort((a, b) => a.number - b.number)
      .map(copy);
  }

  async getVersion(ownerId: string, documentId: string, number: number): Promise<DocumentVersion | undefined> {
    const version = this.versions.get(versionKey(ownerId, documentId, number));
    return version && copy(version);
  }

  async getUpload(uploadId: string): Promise<Upload | undefined> {
    const upload = this.uploads.get(uploadId);
    return upload && copy(upload);
  }

  async getSignature(ownerId: string, documentId: string, signatureId: string): Promise<DocumentSignature | undefined> {
    const signature = this.signatures.get(recordKey(ownerId, signatureId));
    return signature && signature.documentId === documentId ? copy(signature) : undefined;
  }

  async listSignatures(ownerId: string, documentId: string): Promise<DocumentSignature[]> {
    return [...this.signatures.values()]
      .filter((signature) => signature.ownerId === ownerId && signature.documentId === documentId)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
      .map(copy);
  }

  async listDueSignatureChecks(dueBy: string, limit: number): Promise<DocumentSignature[]> {
    return [...this.signatures.values()]
      .filter((signature) => signature.status === 'pending' && signature.remote && signature.remote.nextCheckAt <= dueBy)
      .sort((a, b) => (a.remote?.nextCheckAt ?? '').localeCompare(b.remote?.nextCheckAt ?? ''))
      .slice(0, limit)
      .map(copy);
  }

  async searchDocuments(ownerId: string, search: DocumentSearch, page: PageRequest): Promise<Page<VaultDocument>> {
    const matches = [...this.documents.values()].filter((document) => {
      if (document.ownerId !== ownerId || document.trashedAt) return false;
      const text = searchableText(document);
      return search.terms.every((term) => text.includes(term))
        && (!search.type || document.type === search.type)
        && (!search.folderId || document.folderId === search.folderId)
        && (!search.source || document.source === search.source)
        && (!search.issuedFrom || (document.issueDate !== undefined && document.issueDate >= search.issuedFrom))
        && (!search.issuedTo || (document.issueDate !== undefined && document.issueDate <= search.issuedTo));
    });
    return paginate(`search|${ownerId}|${JSON.stringify(search)}`, matches, (document) => [document.createdAt, document.id], page);
  }

  async findIssuedDocuments(type: string, number: string, page: PageRequest): Promise<Page<VaultDocument>> {
    const matches = [...this.documents.values()].filter((document) => !document.trashedAt && document.source === 'issued'
      && document.type === type && document.number !== undefined && foldNumber(document.number) === foldNumber(number));
    return paginate(`issued|${type}|${foldNumber(number)}`, matches, (document) => [document.ownerId, document.id], page);
  }

  async listHistory(ownerId: string, resourceId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.auditPage(`history|${ownerId}|${resourceId}`, ({ entry }) => entry.ownerId === ownerId && entry.resourceId === resourceId, page);
  }

  async getShare(shareId: string): Promise<Share | undefined> {
    const share = this.shares.get(shareId);
    return share && copy(share);
  }

  async listSharesGrantedBy(granterId: string, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>> {
    const shares = [...this.shares.values()].filter((share) => share.grantedBy === granterId && !share.revokedAt
      && (!resourceType || share.resourceType === resourceType));
    return paginate(`shares-by|${granterId}|${resourceType ?? ''}`, shares, (share) => [share.createdAt, share.id], page);
  }

  async listSharesGrantedTo(grantee: Grantee, resourceType: SharedResourceType | undefined, page: PageRequest): Promise<Page<Share>> {
    const shares = [...this.shares.values()].filter((share) => share.grantee.kind === grantee.kind && share.grantee.id === grantee.id
      && !share.revokedAt && (!resourceType || share.resourceType === resourceType));
    return paginate(`shares-to|${grantee.kind}|${grantee.id}|${resourceType ?? ''}`, shares, (share) => [share.createdAt, share.id], page);
  }

  async listUnitConsents(unit: string, ownerId: string): Promise<Share[]> {
    return [...this.shares.values()]
      .filter((share) => share.grantee.kind === 'unit' && share.grantee.id === unit && share.ownerId === ownerId && !share.revokedAt)
      .map(copy);
  }

  async getLink(linkId: string): Promise<ShareLink | undefined> {
    const link = this.links.get(linkId);
    return link && copy(link);
  }

  async listLinks(ownerId: string, page: PageRequest): Promise<Page<ShareLink>> {
    const links = [...this.links.values()].filter((link) => link.ownerId === ownerId && !link.revokedAt);
    return paginate(`links|${ownerId}`, links, (link) => [link.createdAt, link.id], page);
  }

  async listAccessLog(ownerId: string, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.auditPage(`access|${ownerId}`, ({ entry }) => entry.ownerId === ownerId && isAccessByOthers(entry), page);
  }

  /** A page of audit entries, newest first; entries stamped in the same millisecond keep the order they were written in. */
  private auditPage(scope: string, include: (stored: StoredAudit) => boolean, page: PageRequest): Page<AuditEntry> {
    const result = paginate(scope, this.audit.filter(include), ({ entry, seq }) => [entry.at, String(seq).padStart(12, '0')], page);
    return { ...result, items: result.items.map(({ entry }) => entry) };
  }

  /** Counters past their time are gone, as DynamoDB's TTL would (eventually) make them. */
  async getCounter(key: string): Promise<number> {
    const counter = this.counters.get(key);
    return counter ? counter.value : 0;
  }

  async incrementCounter(key: string, expiresAt: string): Promise<number> {
    const value = (this.counters.get(key)?.value ?? 0) + 1;
    this.counters.set(key, { value, expiresAt });
    return value;
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

  private activeDocumentsOf(ownerId: string, folderId: string): VaultDocument[] {
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

    const moves = folders.filter(({ next, previous }) => previous !== undefined && previous.parentId !== next.parentId);
    const touchesTree = changes.expectedTreeVersion !== undefined || moves.length > 0;
    // A document write also writes its search item, as the DynamoDB adapter does.
    const writes = folders.length * 3 + documents.length * 2 + versions.length + uploads.length + signatures.length + shares.length + links.length + changes.audit.length
      + (touchesTree ? 1 : 0) + (changes.provisionVault ? 1 : 0) + (changes.audit.length > 0 ? 1 : 0); // the audit chain's head
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
    for (const version of versions) {
      if (version.ownerId !== ownerId) throw new Error(`version of ${version.documentId}: owner does not match the commit`);
    }
    for (const entry of changes.audit) {
      if (entry.ownerId !== ownerId) throw new Error(`audit entry ${entry.id}: owner does not match the commit`);
    }

    if (changes.provisionVault && this.provisioned.has(ownerId)) throw new ConcurrentUpdateError('vault already provisioned');
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
    for (const version of versions) {
      if (this.versions.has(versionKey(ownerId, version.documentId, version.number))) {
        throw new ConcurrentUpdateError(`version ${version.number} of ${version.documentId} already exists`);
      }
    }

    // Claims: release what the written folders held, then take what they will hold.
    const claims = new Map(this.claims);
    for (const { previous } of folders) {
      if (previous && !previous.trashedAt && claims.get(claimKey(previous)) === previous.id) claims.delete(claimKey(previous));
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
    for (const version of versions) this.versions.set(versionKey(ownerId, version.documentId, version.number), store(version));
    for (const { next } of uploads) this.uploads.set(next.id, store(next));
    for (const { next } of signatures) this.signatures.set(recordKey(next.ownerId, next.id), store(next));
    for (const { next } of shares) this.shares.set(next.id, store(next));
    for (const { next } of links) this.links.set(next.id, store(next));
    this.appendChained(changes.audit);
  }
}

interface Cursor {
  scope: string;
  after: SortKey;
}

/**
 * One page, newest first. The cursor names the last item's sort key (as DynamoDB's
 * LastEvaluatedKey does), so items added meanwhile neither repeat nor shift the next page.
 */
function paginate<T>(scope: string, items: T[], keyOf: (item: T) => SortKey, page: PageRequest): Page<T> {
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
