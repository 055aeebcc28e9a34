/**
 * The one storage schema of the vault: the DynamoDB table (attributes, indexes), every item
 * kind with its key builders and the access patterns its keys serve, and the object keys of
 * the bucket. CDK builds the table from it, the embedded runtime creates the same table in
 * dynalite, the adapters build every key from it, and docs/data-model.md is generated from
 * it (`npm run docs:data-model`), so infrastructure, code and documentation cannot drift.
 * Nothing else names an index or writes a key prefix.
 */

/** Placeholder names of a key template: `OWNER#<ownerId>` → 'ownerId'; `<seq:12>` → 'seq'. */
type Params<T extends string> = T extends `${string}<${infer P}>${infer Rest}`
  ? (P extends `${infer Name}:${string}` ? Name : P) | Params<Rest>
  : never;
export type KeyValues<T extends string> = { readonly [K in Params<T>]: string | number };

/**
 * A key written as text with `<placeholders>`; `<name:width>` is a number zero-padded to that
 * width, so keys sort numerically. The text is what the data model documents.
 */
export interface KeyTemplate<T extends string = string> {
  readonly text: T;
  of(values: KeyValues<T>): string;
  /** The key up to the first placeholder without a value: what `begins_with` reads. */
  prefix(values: Partial<KeyValues<T>>): string;
}

const placeholder = /<(\w+)(?::(\d+))?>/g;

function key<const T extends string>(text: T): KeyTemplate<T> {
  const fill = (values: Record<string, string | number | undefined>, stopAtMissing: boolean): string => {
    let result = '';
    let last = 0;
    for (const match of text.matchAll(placeholder)) {
      const [whole, name = '', width] = match;
      result += text.slice(last, match.index);
      const value = values[name];
      if (value === undefined) {
        if (stopAtMissing) return result;
        throw new Error(`key ${text}: no value for ${name}`);
      }
      result += width ? String(value).padStart(Number(width), '0') : String(value);
      last = match.index + whole.length;
    }
    return result + text.slice(last);
  };
  return {
    text,
    of: (values) => fill(values as Record<string, string | number>, false),
    prefix: (values) => fill(values as Record<string, string | number | undefined>, true),
  };
}

/** Attribute names of the table's items besides the records' own fields. */
export const attributes = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The item kind (an entity name below). */
  entity: 'entity',
  /** Optimistic-concurrency token: the SHA-256 of the record's canonical JSON. */
  digest: 'digest',
  /** Time to live: ended shares and links, portal links, expired rate-limit counters disappear on their own. */
  ttl: 'expiresAtEpoch',
} as const;

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly summary: string;
}

/** The table's global secondary indexes (projection ALL), named by the role they play. */
export const indexes = {
  /** Per-owner listings, read newest first. */
  listings: {
    name: 'gsi1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    summary:
      "listings: documents by folder, the trash, a resource's history, shares with a grantee, links, templates, " +
      'the hourly sync batch',
  },
  /** Look-ups that a second listing of the same item needs, or that cross owners. */
  lookups: {
    name: 'gsi2',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    summary:
      'look-ups: issued documents by type and number, shares by granter, access logs, due signature checks, sync states',
  },
} as const satisfies Record<string, IndexDefinition>;
export type IndexRole = keyof typeof indexes;

/** Every key attribute, in the order CreateTable declares them. */
export const keyAttributes: readonly string[] = [
  attributes.partitionKey,
  attributes.sortKey,
  ...Object.values(indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
];

/** The table as CDK and CreateTable see it. */
export const tableSchema = {
  partitionKey: attributes.partitionKey,
  sortKey: attributes.sortKey,
  ttlAttribute: attributes.ttl,
  globalSecondaryIndexes: Object.values(indexes),
} as const;

/** The CreateTable input shared by the embedded runtime and tests (CDK maps the same schema). */
export function createTableInput(tableName: string) {
  const keyAttributes = [
    tableSchema.partitionKey,
    tableSchema.sortKey,
    ...tableSchema.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/** The index entry of an item: one partition of one index, and the access patterns it serves. */
export interface IndexKey<P extends string = string, S extends string = string> {
  readonly index: IndexRole;
  readonly pk: KeyTemplate<P>;
  readonly sk: KeyTemplate<S>;
  /** When the item carries this entry (entries are sparse). */
  readonly when?: string;
  readonly serves: string;
}

export interface EntityDefinition {
  /** The `entity` attribute's value. */
  readonly entity: string;
  readonly title: string;
  readonly pk: KeyTemplate;
  readonly sk: KeyTemplate;
  readonly indexKeys?: Readonly<Record<string, IndexKey>>;
}

function indexKey<const P extends string, const S extends string>(definition: {
  index: IndexRole;
  pk: P;
  sk: S;
  when?: string;
  serves: string;
}): IndexKey<P, S> {
  return { ...definition, pk: key(definition.pk), sk: key(definition.sk) };
}

/** The primary key of an item of this entity. */
export function primaryKey<P extends string, S extends string>(
  definition: { pk: KeyTemplate<P>; sk: KeyTemplate<S> },
  values: KeyValues<P> & KeyValues<S>,
): { pk: string; sk: string } {
  return { pk: definition.pk.of(values), sk: definition.sk.of(values) };
}

/** The index attributes an item carries for one of its index entries. */
export function indexAttributes<P extends string, S extends string>(
  entry: IndexKey<P, S>,
  values: KeyValues<P> & KeyValues<S>,
): Record<string, string> {
  const index = indexes[entry.index];
  return { [index.partitionKey]: entry.pk.of(values), [index.sortKey]: entry.sk.of(values) };
}

const ownerPk = '<ownerId>' as const;

/** Every item kind of the table. */
export const entities = {
  vault: { entity: 'vault', title: 'vault marker (tree version)', pk: key(`OWNER#${ownerPk}`), sk: key('VAULT') },
  folder: { entity: 'folder', title: 'folder', pk: key(`OWNER#${ownerPk}`), sk: key('FOLDER#<folderId>') },
  nameClaim: {
    entity: 'name-claim',
    title: 'folder-name claim (parentId ROOT at the top; name NFC, case-folded)',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('NAME#<parentId>#<name>'),
  },
  document: {
    entity: 'document',
    title: 'document',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('DOC#<documentId>'),
    indexKeys: {
      inFolder: indexKey({
        index: 'listings',
        pk: `OWNER#${ownerPk}#FOLDER#<folderId>`,
        sk: 'DOC#<createdAt>#<documentId>',
        when: 'active',
        serves: 'the documents of a folder, newest first',
      }),
      trash: indexKey({
        index: 'listings',
        pk: `OWNER#${ownerPk}#TRASH`,
        sk: '<trashedAt>#<documentId>',
        when: 'deleted on its own',
        serves: 'the trash, most recently deleted first',
      }),
      trashedWith: indexKey({
        index: 'listings',
        pk: `OWNER#${ownerPk}#TRASHEDWITH#<folderId>`,
        sk: '<trashedAt>#<documentId>',
        when: 'deleted with a folder',
        serves: "what a folder's deletion took, restored with it",
      }),
      issued: indexKey({
        index: 'lookups',
        pk: 'ISSUED#<type>#<number>',
        sk: `${ownerPk}#<documentId>`,
        when: 'active and issued, with a type and a number',
        serves: 'officers: issued documents by (type, folded number)',
      }),
    },
  },
  searchEntry: {
    entity: 'search',
    title: 'search entry (one per document)',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('SEARCH#<createdAt>#<documentId>'),
  },
  version: {
    entity: 'version',
    title: 'version (immutable)',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('VERSION#<documentId>#<number:10>'),
  },
  upload: { entity: 'upload', title: 'upload', pk: key('UPLOAD#<uploadId>'), sk: key('UPLOAD') },
  pull: {
    entity: 'pull',
    title: 'pull from the national warehouse (state, what was asked)',
    pk: key('PULL#<pullId>'),
    sk: key('PULL'),
  },
  pullFile: {
    entity: 'pull-file',
    title: "a pulled file's outcome (created with its filing, so a rerun of the pull files it once)",
    pk: key('PULL#<pullId>'),
    sk: key('FILE#<index:4>'),
  },
  importClaim: {
    entity: 'import-claim',
    title: 'content imported into a vault, by SHA-256 (created with the filing: one import per content)',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('IMPORTED#<sha256>'),
  },
  issuedResult: {
    entity: 'result',
    title:
      'result from a business system (id derived from its identity: type, number, issuer, owner; created conditionally with its upload, so an identity is filed once)',
    pk: key('RESULT#<resultId>'),
    sk: key('RESULT'),
  },
  signature: {
    entity: 'signature',
    title: 'signature (signing history)',
    pk: key(`OWNER#${ownerPk}`),
    sk: key('SIGNATURE#<documentId>#<signatureId>'),
    indexKeys: {
      dueCheck: indexKey({
        index: 'lookups',
        pk: 'SIGNATURE-CHECKS',
        sk: '<nextCheckAt>#<signatureId>',
        when: 'a remote signature is pending',
        serves: 'remote signatures due for a check, soonest first (any owner)',
      }),
    },
  },
  sealSetting: {
    entity: 'signing-setting',
    title: 'signing setting: seal chain',
    pk: key('SETTINGS#SIGNING'),
    sk: key('SEAL'),
  },
  trustSetting: {
    entity: 'signing-setting',
    title: 'signing setting: trust anchors',
    pk: key('SETTINGS#SIGNING'),
    sk: key('TRUST#<provider>'),
  },
  template: {
    entity: 'template',
    title: 'template (current version)',
    pk: key('TEMPLATE#<templateId>'),
    sk: key('CURRENT'),
    indexKeys: {
      all: indexKey({
        index: 'listings',
        pk: 'TEMPLATES',
        sk: '<typeKey>#<templateId>',
        serves: 'every template (tens)',
      }),
    },
  },
  templateVersion: {
    entity: 'template-version',
    title: 'template version (immutable)',
    pk: key('TEMPLATE#<templateId>'),
    sk: key('V#<version:6>'),
  },
  share: {
    entity: 'share',
    title: 'share (grant)',
    pk: key('SHARE#<shareId>'),
    sk: key('SHARE'),
    indexKeys: {
      grantedTo: indexKey({
        index: 'listings',
        pk: 'SHARED-WITH#<granteeKind>#<granteeId>',
        sk: '<resourceType>#<createdAt>#<shareId>',
        when: 'not revoked, to a citizen or an organisation',
        serves: 'shared with me, folders before documents',
      }),
      unitConsent: indexKey({
        index: 'listings',
        pk: `SHARED-WITH#unit#<unit>#${ownerPk}`,
        sk: '<resourceType>#<createdAt>#<shareId>',
        when: "not revoked, a consent to an officers' unit",
        serves: "one citizen's consents to a unit",
      }),
      grantedBy: indexKey({
        index: 'lookups',
        pk: 'SHARED-BY#<granterId>',
        sk: '<resourceType>#<createdAt>#<shareId>',
        when: 'not revoked',
        serves: 'shared by me (the owner or a resharing grantee)',
      }),
    },
  },
  link: {
    entity: 'link',
    title: 'link (id: hex SHA-256 of the token)',
    pk: key('LINK#<linkId>'),
    sk: key('LINK'),
    indexKeys: {
      ofOwner: indexKey({
        index: 'listings',
        pk: `OWNER#${ownerPk}#LINKS`,
        sk: '<createdAt>#<linkId>',
        when: 'not revoked',
        serves: "the owner's links, newest first",
      }),
    },
  },
  counter: {
    entity: 'counter',
    title: 'rate-limit counter (e.g. link-miss#<sourceIp>#<minute>)',
    pk: key('COUNTER#<counter>'),
    sk: key('COUNTER'),
  },
  auditEntry: {
    entity: 'audit',
    title: 'audit entry (append-only; block = floor(seq / 1000))',
    pk: key(`AUDIT#${ownerPk}#<block>`),
    sk: key('<seq:12>'),
    indexKeys: {
      history: indexKey({
        index: 'listings',
        pk: `HISTORY#${ownerPk}#<resourceId>`,
        sk: '<at>#<entryId>',
        serves: 'the history of a folder, a document or a template, newest first',
      }),
      accessLog: indexKey({
        index: 'lookups',
        pk: `ACCESS#${ownerPk}`,
        sk: '<at>#<entryId>',
        when: "someone else read (or tried to read) the owner's papers",
        serves: "the owner's access log, newest first",
      }),
    },
  },
  auditChainHead: {
    entity: 'audit-chain-head',
    title: 'audit chain head (one per owner)',
    pk: key(`AUDITCHAIN#${ownerPk}`),
    sk: key('HEAD'),
  },
  revocation: {
    entity: 'revocation',
    title: "deny-list entry: a provider's session (sid) or subject (sub) logged out (TTL: longest token lifetime)",
    pk: key('REVOKED#<issuer>'),
    sk: key('<kind>#<value>'),
  },
  logoutTokenUse: {
    entity: 'logout-jti',
    title: 'back-channel logout token seen, so a replay is refused (TTL: its expiry)',
    pk: key('LOGOUTJTI#<issuer>#<jti>'),
    sk: key('JTI'),
  },
  syncRecord: {
    entity: 'sync',
    title: "national-warehouse sync record (outbox; one per issued document, the newest event's)",
    pk: key(`OWNER#${ownerPk}`),
    sk: key('SYNC#<documentId>'),
    indexKeys: {
      byState: indexKey({
        index: 'lookups',
        pk: 'SYNC#<state>',
        sk: `<updatedAt>#${ownerPk}#<documentId>`,
        serves: 'sync records by state, oldest change first: the local dispatcher, the admin status and redrive',
      }),
      awaitingBatch: indexKey({
        index: 'listings',
        pk: 'SYNC-BATCH',
        sk: `<releaseAt>#${ownerPk}#<documentId>`,
        when: 'held for an hourly batch',
        serves: 'held records by release time: the dispatcher releases those whose hour has come',
      }),
    },
  },
  syncHoldReview: {
    entity: 'sync-hold-review',
    title:
      'the sync policy version the held sync records were last decided again under, and where an unfinished ' +
      "review resumes (the dispatcher's)",
    pk: key('SYNC-HOLD-REVIEW'),
    sk: key('REVIEW'),
  },
  browserSession: {
    entity: 'browser-session',
    title:
      'browser session: principal, provider session (iss, sub, sid, auth_time), ID token, CSRF token; keyed by the ' +
      "SHA-256 of its id, which only the browser's cookie holds (TTL: its absolute expiry)",
    pk: key('SESSION#<idHash>'),
    sk: key('SESSION'),
  },
  loginAttempt: {
    entity: 'login-attempt',
    title: 'browser login between /auth/login and /auth/callback: nonce, PKCE verifier, returnTo (TTL: 10 minutes)',
    pk: key('LOGIN#<state>'),
    sk: key('ATTEMPT'),
  },
  portalLink: {
    entity: 'portal-link',
    title:
      "the national warehouse's download link of a pushed result (id: hex SHA-256 of the token): owner, document, " +
      'version, expiry (TTL: its expiry)',
    pk: key('PORTALLINK#<linkId>'),
    sk: key('PORTALLINK'),
  },
  syncPolicy: {
    entity: 'sync-policy',
    title: 'sync policy (current version: every rule)',
    pk: key('SYNCPOLICY'),
    sk: key('CURRENT'),
  },
  syncPolicyVersion: {
    entity: 'sync-policy-version',
    title: 'sync policy version (immutable)',
    pk: key('SYNCPOLICY'),
    sk: key('V#<version:6>'),
  },
  documentChange: {
    entity: 'document-change',
    title:
      'change feed entry: an issued document filed or revoked, written with the document ' +
      '(TTL: 35 days, the longest retention the feed honours)',
    pk: key('CHANGES#<day>'),
    sk: key(`<at>#${ownerPk}#<documentId>#<version:6>#<change>`),
  },
  webhook: {
    entity: 'webhook',
    title: "a unit's webhook (its secret sealed to it, its place in the change feed)",
    pk: key('WEBHOOK#<webhookId>'),
    sk: key('WEBHOOK'),
    indexKeys: {
      ofUnit: indexKey({
        index: 'listings',
        pk: 'WEBHOOKS#<unit>',
        sk: '<createdAt>#<webhookId>',
        serves: "a unit's webhooks",
      }),
      enabled: indexKey({
        index: 'lookups',
        pk: 'WEBHOOKS-ENABLED',
        sk: '<webhookId>',
        when: 'enabled',
        serves: 'the webhooks the delivery worker serves',
      }),
    },
  },
  webhookDelivery: {
    entity: 'webhook-delivery',
    title: 'webhook delivery attempt (TTL: 30 days)',
    pk: key('WEBHOOK#<webhookId>'),
    sk: key('DELIVERY#<at>#<deliveryId>'),
  },
  localLayoutMarker: {
    entity: 'local-layout',
    title: 'embedded runtime only: audit entries chained',
    pk: key('LOCAL#LAYOUT'),
    sk: key('AUDIT-CHAINED'),
  },
} as const satisfies Record<string, EntityDefinition>;

/** Object keys in the bucket. IAM grants are scoped by the prefixes. */
export const objectPrefixes = {
  incoming: 'incoming/',
  vault: 'vault/',
  quarantine: 'quarantine/',
  work: 'work/',
  signing: 'work/signing/',
  text: 'text/',
} as const;

export const objectKeys = {
  /** Where a scan is posted with a presigned form. */
  incoming: (uploadId: string) => `${objectPrefixes.incoming}${uploadId}`,
  /** A rejected scan, kept for inspection. */
  quarantine: (uploadId: string) => `${objectPrefixes.quarantine}${uploadId}`,
  /** The bytes of one version of a document (blobId: the upload's or the signature's id). */
  documentBlob: (ownerId: string, documentId: string, blobId: string) =>
    `${objectPrefixes.vault}${ownerId}/${documentId}/${blobId}`,
  /** A detached CMS signature of a document. */
  detachedSignature: (ownerId: string, documentId: string, signatureId: string) =>
    `${objectPrefixes.vault}${ownerId}/${documentId}/signatures/${signatureId}.p7s`,
  /** A page rendered for recognition. */
  recognitionPage: (uploadId: string, pageNumber: number) =>
    `${objectPrefixes.work}${uploadId}/page-${pageNumber}.json`,
  /** What the seal step leaves for filing: a sealed PDF or a detached seal. */
  sealOutput: (uploadId: string, kind: 'sealed.pdf' | 'seal.p7s') => `${objectPrefixes.work}${uploadId}/${kind}`,
  /** A PDF revision prepared for a pending signature. */
  preparedForSigning: (signatureId: string) => `${objectPrefixes.signing}${signatureId}.pdf`,
  /** The recognised text of an upload. */
  recognisedText: (ownerId: string, uploadId: string) => `${objectPrefixes.text}${ownerId}/${uploadId}.txt`,
} as const;
