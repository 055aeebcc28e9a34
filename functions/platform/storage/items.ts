import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { ChainedAuditEntry } from '../../audit/core/audit-chain.ts';
import type { Upload } from '../../digitize/core/upload-model.ts';
import type { IssuedResult } from '../../integration/core/result-model.ts';
import { isAccessByOthers } from '../../sharing/core/access-log.ts';
import type { Share, ShareLink } from '../../sharing/core/share-model.ts';
import { documentChangeOf, feedDayOf, feedEntryKeepDays } from '../../sync/core/change-feed.ts';
import type { DocumentSignature } from '../../signing/core/signature-model.ts';
import type { ImportClaim, Pull, PullFile } from '../../sync/core/pull-model.ts';
import type { SyncRecord } from '../../sync/core/sync-record.ts';
import type { DocumentVersion, Folder, VaultDocument } from '../../vault/core/model.ts';
import { nameKey } from '../../vault/core/names.ts';
import { foldNumber, searchableText } from '../../vault/core/search-text.ts';
import { digestOf, recordOf, type Item } from './dynamo-table.ts';
import { attributes, entities, indexAttributes, primaryKey } from './schema.ts';

/**
 * Records as stored items: the record's fields, its keys from the schema, its entity name
 * and, for records updated with optimistic concurrency, its digest. Read back with recordOf.
 */

const { document: documentEntity, signature: signatureEntity, share: shareEntity, link: linkEntity } = entities;
const { auditEntry } = entities;

/** Expired and revoked grants are kept a while for the audit's sake, then DynamoDB's TTL removes them. */
const keepAfterEndSeconds = 30 * 24 * 3600;
/** Chains are read in blocks of this many entries, one partition each, so no partition grows without bound. */
const entriesPerAuditBlock = 1000;

export const auditBlockOf = (seq: number) => Math.floor(seq / entriesPerAuditBlock);

export function folderItem(folder: Folder): Item {
  const key = primaryKey(entities.folder, { ownerId: folder.ownerId, folderId: folder.id });
  return { ...folder, ...key, [attributes.entity]: entities.folder.entity, [attributes.digest]: digestOf(folder) };
}

/** A name claim exists for every active folder: (owner, parent, case-folded NFC name). */
export function nameClaimKey(folder: Folder | undefined) {
  if (!folder || folder.trashedAt) return undefined;
  const values = { ownerId: folder.ownerId, parentId: folder.parentId ?? 'ROOT', name: nameKey(folder.name) };
  return primaryKey(entities.nameClaim, values);
}

export function nameClaimItem(claim: { pk: string; sk: string }, folderId: string): Item {
  return { ...claim, [attributes.entity]: entities.nameClaim.entity, folderId };
}

export const vaultKey = (ownerId: string) => primaryKey(entities.vault, { ownerId });

export function vaultItem(ownerId: string): Item {
  return { ...vaultKey(ownerId), [attributes.entity]: entities.vault.entity, treeVersion: 0 };
}

/**
 * Active documents are listed by folder, and issued ones are found by (type, number);
 * trashed ones are listed by what deleted them (themselves or a folder).
 */
function documentIndexAttributes(document: VaultDocument): Item {
  const { inFolder, issued, trash, trashedWith } = documentEntity.indexKeys;
  const { ownerId, id: documentId } = document;
  if (!document.trashedAt) {
    const lookup =
      document.source === 'issued' && document.type && document.number
        ? indexAttributes(issued, { type: document.type, number: foldNumber(document.number), ownerId, documentId })
        : {};
    const listing = indexAttributes(inFolder, {
      ownerId,
      folderId: document.folderId,
      createdAt: document.createdAt,
      documentId,
    });
    return { ...listing, ...lookup };
  }
  const trashedAt = document.trashedAt;
  return document.trashedWith && document.trashedWith !== document.id
    ? indexAttributes(trashedWith, { ownerId, folderId: document.trashedWith, trashedAt, documentId })
    : indexAttributes(trash, { ownerId, trashedAt, documentId });
}

export function documentItem(document: VaultDocument): Item {
  const key = primaryKey(documentEntity, { ownerId: document.ownerId, documentId: document.id });
  return {
    ...document,
    ...key,
    ...documentIndexAttributes(document),
    [attributes.entity]: documentEntity.entity,
    [attributes.digest]: digestOf(document),
  };
}

/**
 * The change-feed entry a document write makes (see documentChangeOf), kept for the longest
 * retention the feed honours (feedEntryKeepDays). A retried commit writes the same key again.
 */
export function documentChangeItem(next: VaultDocument, previous: VaultDocument | undefined): Item | undefined {
  const change = documentChangeOf(next, previous);
  if (!change) return undefined;
  const key = primaryKey(entities.documentChange, { ...change, day: feedDayOf(change.at) });
  const expires = Math.floor(Date.parse(change.at) / 1000) + feedEntryKeepDays * 24 * 3600;
  return { ...key, [attributes.entity]: entities.documentChange.entity, change, [attributes.ttl]: expires };
}

/** What search filters on, derived from the document on every write of it. */
export function searchItem(document: VaultDocument): Item {
  return {
    ...primaryKey(entities.searchEntry, {
      ownerId: document.ownerId,
      createdAt: document.createdAt,
      documentId: document.id,
    }),
    [attributes.entity]: entities.searchEntry.entity,
    documentId: document.id,
    text: searchableText(document),
    trashed: Boolean(document.trashedAt),
    folderId: document.folderId,
    source: document.source,
    ...(document.type ? { type: document.type } : {}),
    ...(document.issueDate ? { issueDate: document.issueDate } : {}),
  };
}

export function versionItem(version: DocumentVersion): Item {
  const key = primaryKey(entities.version, {
    ownerId: version.ownerId,
    documentId: version.documentId,
    number: version.number,
  });
  return { ...version, ...key, [attributes.entity]: entities.version.entity };
}

export function uploadItem(upload: Upload): Item {
  const key = primaryKey(entities.upload, { uploadId: upload.id });
  return { ...upload, ...key, [attributes.entity]: entities.upload.entity, [attributes.digest]: digestOf(upload) };
}

export function resultItem(result: IssuedResult): Item {
  const key = primaryKey(entities.issuedResult, { resultId: result.id });
  return {
    ...result,
    ...key,
    [attributes.entity]: entities.issuedResult.entity,
    [attributes.digest]: digestOf(result),
  };
}

/** Pending remote signatures only are in the due-checks index, keyed by when they are next due. */
export function signatureItem(signature: DocumentSignature): Item {
  const values = { ownerId: signature.ownerId, documentId: signature.documentId, signatureId: signature.id };
  const due =
    signature.status === 'pending' && signature.remote
      ? indexAttributes(signatureEntity.indexKeys.dueCheck, {
          nextCheckAt: signature.remote.nextCheckAt,
          signatureId: signature.id,
        })
      : {};
  const stored = { [attributes.entity]: signatureEntity.entity, [attributes.digest]: digestOf(signature) };
  return { ...signature, ...primaryKey(signatureEntity, values), ...due, ...stored };
}

function expiryEpoch(record: { expiresAt?: string; revokedAt?: string }): Item {
  const end = [record.revokedAt, record.expiresAt].filter((value): value is string => value !== undefined).sort()[0];
  return end ? { [attributes.ttl]: Math.floor(Date.parse(end) / 1000) + keepAfterEndSeconds } : {};
}

/**
 * Shares and links have their own partitions, read by id; their listing entries are sparse
 * and exist only while they are not revoked.
 */
export function shareItem(share: Share): Item {
  const sortValues = { resourceType: share.resourceType, createdAt: share.createdAt, shareId: share.id };
  const { grantedTo, unitConsent, grantedBy } = shareEntity.indexKeys;
  const listing =
    share.grantee.kind === 'unit'
      ? indexAttributes(unitConsent, { ...sortValues, unit: share.grantee.id, ownerId: share.ownerId })
      : indexAttributes(grantedTo, { ...sortValues, granteeKind: share.grantee.kind, granteeId: share.grantee.id });
  const listed = share.revokedAt
    ? {}
    : { ...listing, ...indexAttributes(grantedBy, { ...sortValues, granterId: share.grantedBy }) };
  const stored = { [attributes.entity]: shareEntity.entity, [attributes.digest]: digestOf(share) };
  return { ...share, ...primaryKey(shareEntity, { shareId: share.id }), ...listed, ...expiryEpoch(share), ...stored };
}

export function linkItem(link: ShareLink): Item {
  const listed = link.revokedAt
    ? {}
    : indexAttributes(linkEntity.indexKeys.ofOwner, {
        ownerId: link.ownerId,
        createdAt: link.createdAt,
        linkId: link.id,
      });
  const stored = { [attributes.entity]: linkEntity.entity, [attributes.digest]: digestOf(link) };
  return { ...link, ...primaryKey(linkEntity, { linkId: link.id }), ...listed, ...expiryEpoch(link), ...stored };
}

export const counterKey = (counter: string) => primaryKey(entities.counter, { counter });

/** Attributes an audit item carries besides the entry itself. */
const chainAttributes = ['chainSeq', 'chainPreviousHash', 'chainHash'] as const;

/**
 * An audit entry in its owner's chain (read in sequence order), in its resource's history
 * and, when someone else read the owner's papers, in the owner's access log.
 */
export function auditItem({ entry, link }: ChainedAuditEntry): Item {
  const values = { ownerId: entry.ownerId, at: entry.at, entryId: entry.id };
  return {
    ...entry,
    ...primaryKey(auditEntry, { ownerId: entry.ownerId, block: auditBlockOf(link.seq), seq: link.seq }),
    ...indexAttributes(auditEntry.indexKeys.history, { ...values, resourceId: entry.resourceId }),
    ...(isAccessByOthers(entry) ? indexAttributes(auditEntry.indexKeys.accessLog, values) : {}),
    [attributes.entity]: auditEntry.entity,
    chainSeq: link.seq,
    chainPreviousHash: link.previousHash,
    chainHash: link.hash,
  };
}

/** The entry as it was appended: everything stored except keys and chain attributes. */
export function auditEntryOf(item: Item): AuditEntry {
  const kept = Object.entries(item).filter(([name]) => !(chainAttributes as readonly string[]).includes(name));
  return recordOf<AuditEntry>(Object.fromEntries(kept));
}

export function chainedAuditEntryOf(item: Item): ChainedAuditEntry {
  return {
    entry: auditEntryOf(item),
    link: { seq: Number(item.chainSeq), previousHash: String(item.chainPreviousHash), hash: String(item.chainHash) },
  };
}

export function pullItem(pull: Pull): Item {
  const key = primaryKey(entities.pull, { pullId: pull.id });
  return { ...pull, ...key, [attributes.entity]: entities.pull.entity, [attributes.digest]: digestOf(pull) };
}

export function pullFileItem(file: PullFile): Item {
  const key = primaryKey(entities.pullFile, { pullId: file.pullId, index: file.index });
  return { ...file, ...key, [attributes.entity]: entities.pullFile.entity };
}

export function importClaimItem(claim: ImportClaim): Item {
  const key = primaryKey(entities.importClaim, { ownerId: claim.ownerId, sha256: claim.sha256 });
  return { ...claim, ...key, [attributes.entity]: entities.importClaim.entity };
}

/**
 * Every sync record is in the by-state index: the dispatcher and the admin status read it. A
 * record held for an hourly batch is also listed by its release time, for the dispatcher.
 */
export function syncRecordItem(record: SyncRecord): Item {
  const values = { ownerId: record.ownerId, documentId: record.documentId };
  const { byState, awaitingBatch } = entities.syncRecord.indexKeys;
  return {
    ...record,
    ...primaryKey(entities.syncRecord, values),
    ...indexAttributes(byState, { ...values, state: record.state, updatedAt: record.updatedAt }),
    ...(record.state === 'held' && record.releaseAt
      ? indexAttributes(awaitingBatch, { ...values, releaseAt: record.releaseAt })
      : {}),
    [attributes.entity]: entities.syncRecord.entity,
    [attributes.digest]: digestOf(record),
  };
}
