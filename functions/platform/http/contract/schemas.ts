import { z } from 'zod';
import { recognitionTemplateSchema } from '../../../templates/core/template-model.ts';

/** Identifiers we issue: UUIDs and the fixed ids of default folders. */
export const resourceId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be an identifier we issued');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'must be a real calendar date');
const text = (max: number) => z.string().max(max);

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2048).optional(),
});

export const idParams = z.strictObject({ id: resourceId });
export const versionParams = z.strictObject({ id: resourceId, n: z.coerce.number().int().min(1).max(1_000_000) });

export const createFolderBody = z.strictObject({
  name: text(200),
  parentId: resourceId.nullable().optional(),
}).meta({ id: 'CreateFolder' });

export const updateFolderBody = z.strictObject({
  name: text(200).optional(),
  parentId: resourceId.nullable().optional(),
}).refine((body) => body.name !== undefined || body.parentId !== undefined, 'give a new name, a new parentId, or both')
  .meta({ id: 'UpdateFolder' });

export const folder = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  system: z.enum(['identity', 'results', 'self']).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  trashedAt: z.string().optional(),
}).meta({ id: 'Folder' });

type FolderNodeShape = z.infer<typeof folder> & { children: FolderNodeShape[] };
export const folderNode: z.ZodType<FolderNodeShape> = folder.extend({
  get children() { return z.array(folderNode); },
}).meta({ id: 'FolderNode' });

export const folderTree = z.object({ folders: z.array(folderNode) }).meta({ id: 'FolderTree' });

export const documentMetadataChanges = z.strictObject({
  title: text(300).min(1).optional(),
  type: text(64).nullable().optional(),
  number: text(100).nullable().optional(),
  summary: text(2000).nullable().optional(),
  issuer: text(300).nullable().optional(),
  issueDate: isoDate.nullable().optional(),
  expiryDate: isoDate.nullable().optional(),
  folderId: resourceId.optional(),
}).refine((body) => Object.keys(body).length > 0, 'give at least one field to change')
  .meta({ id: 'UpdateDocument' });

export const vaultDocument = z.object({
  id: z.string(),
  ownerId: z.string(),
  folderId: z.string(),
  title: z.string(),
  type: z.string().optional(),
  number: z.string().optional().describe('Số hiệu'),
  summary: z.string().optional().describe('Trích yếu'),
  issuer: z.string().optional(),
  issueDate: z.string().optional(),
  expiryDate: z.string().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe('Recognised fields, named as the document type defines them'),
  source: z.enum(['issued', 'self', 'imported']),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  currentVersion: z.number().int(),
  versionCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  trashedAt: z.string().optional(),
}).meta({ id: 'Document' });

export const documentPage = z.object({ items: z.array(vaultDocument), nextCursor: z.string().optional() }).meta({ id: 'DocumentPage' });

export const folderItems = z.object({
  folder,
  folders: z.array(folder),
  documents: documentPage,
}).meta({ id: 'FolderItems' });

export const listDocumentsQuery = pageQuery.extend({
  folderId: resourceId.optional(),
  q: z.string().min(1).max(200).optional().describe('Free text; diacritics and case do not matter'),
  type: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/).optional(),
  issuedFrom: isoDate.optional(),
  issuedTo: isoDate.optional(),
  number: z.string().min(1).max(100).optional().describe('Officers: number of an issued document (with type)'),
  ownerId: z.string().max(20).optional().describe("Officers: list an owner's issued documents"),
});

export const documentVersion = z.object({
  documentId: z.string(),
  number: z.number().int(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  restoredFrom: z.number().int().optional(),
}).meta({ id: 'DocumentVersion' });

export const versionList = z.object({ items: z.array(documentVersion) }).meta({ id: 'VersionList' });
export const restoredVersion = z.object({ document: vaultDocument, version: documentVersion }).meta({ id: 'RestoredVersion' });

export const contentQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(1_000_000).optional() });

export const createUploadBody = z.strictObject({
  fileName: text(200),
  contentType: text(100),
  size: z.number().int().min(1),
  folderId: resourceId.optional(),
  ownerId: z.string().max(20).optional().describe('Officers only: the owner (12-digit personal ID or enterprise code)'),
}).meta({ id: 'CreateUpload' });

export const createVersionBody = z.strictObject({
  fileName: text(200),
  contentType: text(100),
  size: z.number().int().min(1),
}).meta({ id: 'CreateVersionUpload' });

export const upload = z.object({
  id: z.string(),
  ownerId: z.string(),
  status: z.enum(['PENDING_UPLOAD', 'PROCESSING', 'REVIEW', 'DONE', 'FAILED']),
  step: z.enum(['validate', 'recognize', 'classify', 'extract', 'review', 'seal', 'file']).optional(),
  proposed: z.object({
    type: z.string().optional(),
    fields: z.record(z.string(), z.union([z.string(), z.number()])),
    confidence: z.number(),
    text: z.string(),
    reasons: z.array(z.string()),
  }).optional().describe('While status is REVIEW: what the workflow recognised'),
  reviewedBy: z.string().optional(),
  documentId: z.string().optional(),
  versionNumber: z.number().int().optional(),
  failureReason: z.string().optional(),
  fileName: z.string(),
  contentType: z.string(),
  declaredSize: z.number().int(),
  folderId: z.string(),
  targetDocumentId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
}).meta({ id: 'Upload' });

export const uploadTicket = z.object({
  uploadId: z.string(),
  upload: z.object({
    url: z.string().describe('POST a multipart/form-data body here: every field below, then the file as the last part named "file"'),
    fields: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  }),
  status: upload,
}).meta({ id: 'UploadTicket' });

const fieldValues = z.record(
  z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9]*$/, 'field names are identifiers such as fullName'),
  z.union([z.string().max(2000), z.number().finite()]),
).refine((fields) => Object.keys(fields).length <= 50, 'at most 50 fields');

export const reviewBody = z.discriminatedUnion('approve', [
  z.strictObject({
    approve: z.literal(true),
    type: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
    fields: fieldValues.optional().describe('Corrections; fields not named keep their proposed value'),
  }),
  z.strictObject({ approve: z.literal(false), reason: z.string().min(1).max(500) }),
]).meta({ id: 'ReviewDecision' });

export const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ sub: z.string(), role: z.string(), unit: z.string().optional(), ownerId: z.string().optional() }),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  outcome: z.enum(['success', 'denied', 'failed']),
  sourceIp: z.string(),
  userAgent: z.string().optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
}).meta({ id: 'AuditEntry' });

export const historyPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().optional() }).meta({ id: 'HistoryPage' });

export const trashListing = z.object({ folders: z.array(folder), documents: documentPage }).meta({ id: 'TrashListing' });
export const restoredItem = z.union([
  z.object({ resourceType: z.literal('folder'), folder }),
  z.object({ resourceType: z.literal('document'), document: vaultDocument }),
]).meta({ id: 'RestoredItem' });

export const template = recognitionTemplateSchema.meta({ id: 'RecognitionTemplate' });
export const templateList = z.object({ items: z.array(template) }).meta({ id: 'TemplateList' });
export const createTemplateBody = recognitionTemplateSchema.omit({ version: true, createdAt: true, createdBy: true }).meta({ id: 'CreateTemplate' });
export const updateTemplateBody = recognitionTemplateSchema.pick({ name: true, key: true, identification: true, fields: true, stopLabels: true })
  .partial().strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one part of the template to change')
  .meta({ id: 'UpdateTemplate' });
export const templateTestBody = z.strictObject({
  contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']),
  sample: z.base64().max(6 * 1024 * 1024).describe('The sample scan, base64 (at most about 4.5 MB of file)'),
}).meta({ id: 'TemplateTest' });

export const templateTestResult = z.object({
  templateId: z.string(),
  version: z.number().int(),
  score: z.number(),
  fields: z.record(z.string(), z.union([z.string(), z.number()])),
  details: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullable(), raw: z.string().nullable(), confidence: z.number() })),
  confidence: z.number(),
  text: z.string(),
}).meta({ id: 'TemplateTestResult' });

export const templatePermissionsBody = recognitionTemplateSchema.shape.permissions.meta({ id: 'TemplatePermissions' });

export const health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  titleVi: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem' });

const signatureProvider = z.enum(['agency-seal', 'ca-token', 'ban-co-yeu', 'sim', 'smartca']);
/** PEM certificates; a chain of a few certificates is a few kilobytes. */
const pemCertificates = z.string().min(1).max(32_768).regex(/-----BEGIN CERTIFICATE-----/, 'must be PEM certificates');
const base64 = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const signatureParams = z.strictObject({ id: resourceId, sid: resourceId });
export const providerParams = z.strictObject({ provider: signatureProvider });

export const requestSignatureBody = z.strictObject({
  provider: signatureProvider.describe('ca-token and ban-co-yeu: the client signs (give certificateChain); sim and smartca: the signer confirms on their phone (give account)'),
  version: z.number().int().min(1).max(1_000_000).optional().describe('The version to sign; the current one by default'),
  certificateChain: pemCertificates.optional().describe('Deferred providers: the signer certificate, then its issuers'),
  account: z.string().min(1).max(64).regex(/^[A-Za-z0-9+._@-]+$/, 'must be a mobile number or a user ID').optional()
    .describe('Remote providers: the mobile number (sim) or the SmartCA user ID'),
}).meta({ id: 'RequestSignature' });

export const completeSignatureBody = z.strictObject({
  signature: base64(4096).optional().describe('The raw signature over the challenge digest (DER ECDSA or PKCS#1 v1.5), base64'),
  cms: base64(65_536).optional().describe('Or a detached CMS SignedData over the challenge contentDigest, base64 DER'),
  certificateChain: pemCertificates.optional().describe('When given, its first certificate must be the one the request was prepared for'),
}).refine((body) => (body.signature === undefined) !== (body.cms === undefined), 'give either signature or cms')
  .meta({ id: 'CompleteSignature' });

const certificateFacts = z.object({
  subject: z.string(), issuer: z.string(), serialNumber: z.string(), notBefore: z.string(), notAfter: z.string(), sha256: z.string(),
}).meta({ id: 'CertificateFacts' });

export const documentSignature = z.object({
  id: z.string(),
  documentId: z.string(),
  provider: signatureProvider,
  format: z.enum(['pades', 'cades-detached']),
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  versionNumber: z.number().int().describe('The version whose content is signed'),
  signedVersionNumber: z.number().int().optional().describe('PAdES: the version holding the signed PDF'),
  requestedBy: z.object({ sub: z.string(), role: z.string(), unit: z.string().optional() }),
  requestedAt: z.string(),
  completedAt: z.string().optional(),
  expiresAt: z.string(),
  digestAlgorithm: z.literal('SHA-256'),
  contentDigest: z.string().describe('Hex SHA-256 of the signed content'),
  signedAttributesDigest: z.string().optional(),
  certificate: certificateFacts.optional(),
  remote: z.object({ account: z.string() }).optional(),
  failureReason: z.string().optional(),
}).meta({ id: 'DocumentSignature' });

export const signatureList = z.object({ items: z.array(documentSignature) }).meta({ id: 'SignatureList' });

export const requestedSignature = z.object({
  signature: documentSignature,
  challenge: z.object({
    digestAlgorithm: z.literal('SHA-256'),
    signedAttributes: z.string().describe('Base64 DER signed attributes'),
    digest: z.string().describe('Base64 SHA-256 of signedAttributes: sign this with the token'),
    contentDigest: z.string().describe('Hex SHA-256 of the content: a client-built CMS carries it as message digest'),
  }).optional().describe('Deferred providers: what the client signs'),
}).meta({ id: 'RequestedSignature' });

export const verification = z.object({
  documentId: z.string(),
  version: z.number().int(),
  sha256: z.string(),
  valid: z.boolean().describe('At least one signature, and every one valid'),
  signatures: z.array(z.object({
    kind: z.enum(['embedded', 'detached']),
    signatureId: z.string().optional(),
    provider: signatureProvider.optional(),
    signer: certificateFacts.optional(),
    signingTime: z.string().optional(),
    integrity: z.boolean(),
    cryptographicallyValid: z.boolean(),
    trusted: z.boolean(),
    trustedFor: signatureProvider.optional(),
    validAtSigningTime: z.boolean(),
    coversWholeDocument: z.boolean(),
    modifiedAfterSigning: z.boolean(),
    valid: z.boolean(),
    problems: z.array(z.string()),
  })),
}).meta({ id: 'Verification' });

export const signingSettings = z.object({
  seal: z.object({ configured: z.boolean(), certificates: z.array(certificateFacts) }),
  providers: z.array(z.object({ name: signatureProvider, mode: z.enum(['seal', 'deferred', 'remote']).nullable(), trustAnchors: z.array(certificateFacts) })),
}).meta({ id: 'SigningSettings' });

export const trustAnchorsBody = z.strictObject({ certificates: pemCertificates }).meta({ id: 'TrustAnchors' });
export const sealCertificateBody = z.strictObject({ certificateChain: pemCertificates }).meta({ id: 'SealCertificate' });
export const certificateList = z.object({ items: z.array(certificateFacts) }).meta({ id: 'CertificateList' });

const sharedResourceType = z.enum(['document', 'folder']);
const sharePermission = z.enum(['metadata', 'content', 'download']);
const permissionList = z.array(sharePermission).min(1).max(3)
  .describe('metadata (always included), content (read the recognised text), download');
const futureInstant = z.iso.datetime({ offset: true }).describe('ISO date and time; must be in the future');
const granteeKind = z.enum(['citizen', 'organization', 'unit']);

export const shareParams = idParams;
export const sharedDocumentParams = z.strictObject({ id: resourceId, documentId: resourceId });

export const createShareBody = z.strictObject({
  resourceType: sharedResourceType,
  resourceId,
  grantee: z.strictObject({
    kind: granteeKind,
    id: z.string().min(1).max(32).describe('12-digit personal ID, enterprise code, or an officers\' unit code such as PC06 (a consent)'),
  }),
  permissions: permissionList,
  expiresAt: futureInstant.optional(),
  canReshare: z.boolean().optional().describe('Whether the grantee may share it on (never with more); false by default'),
  viaShareId: resourceId.optional().describe('A grantee resharing: the share they hold'),
}).meta({ id: 'CreateShare' });

export const shareListQuery = pageQuery.extend({
  direction: z.enum(['outgoing', 'incoming']).describe('outgoing: shared by me; incoming: shared with me'),
  resourceType: sharedResourceType.optional(),
});

/** A share as its owner (or resharing grantee) sees it. */
export const share = z.object({
  id: z.string(),
  resourceType: sharedResourceType,
  resourceId: z.string(),
  grantee: z.object({ kind: granteeKind, id: z.string() }),
  permissions: z.array(sharePermission),
  expiresAt: z.string().optional(),
  canReshare: z.boolean(),
  parentShareId: z.string().optional(),
  createdAt: z.string(),
  active: z.boolean().optional(),
}).meta({ id: 'Share' });

/** A share as its grantee sees it: what is shared, by whom, and what they may do. Nothing else of the owner's. */
export const incomingShare = z.object({
  id: z.string(),
  ownerId: z.string(),
  resourceType: sharedResourceType,
  resourceId: z.string(),
  resourceName: z.string().optional().describe('While the share works'),
  permissions: z.array(sharePermission),
  expiresAt: z.string().optional(),
  canReshare: z.boolean(),
  createdAt: z.string(),
  active: z.boolean(),
}).meta({ id: 'IncomingShare' });

export const shareList = z.object({ items: z.array(z.union([share, incomingShare])), nextCursor: z.string().optional() }).meta({ id: 'ShareList' });

/** A document as a grantee, a link holder or an officer sees it: no folder, no history, no internal fields. */
export const sharedDocument = vaultDocument.pick({
  id: true, title: true, type: true, number: true, summary: true, issuer: true, issueDate: true, expiryDate: true,
  fields: true, source: true, fileName: true, contentType: true, size: true, sha256: true, currentVersion: true, updatedAt: true,
}).meta({ id: 'SharedDocument' });

/** A folder inside a share: its id and name, never where it sits in the owner's tree. */
export const sharedFolder = z.object({ id: z.string(), name: z.string() }).meta({ id: 'SharedFolder' });
const sharedDocumentPage = z.object({ items: z.array(sharedDocument), nextCursor: z.string().optional() });

export const sharedResource = z.object({
  share: incomingShare,
  document: sharedDocument.optional(),
  folder: sharedFolder.optional(),
}).meta({ id: 'SharedResource' });

export const sharedItemsQuery = pageQuery.extend({ folderId: resourceId.optional().describe('A folder inside the shared folder; the shared folder by default') });

export const sharedItems = z.object({
  folder: sharedFolder,
  folders: z.array(sharedFolder),
  documents: sharedDocumentPage,
}).meta({ id: 'SharedItems' });

export const createLinkBody = z.strictObject({
  resourceType: sharedResourceType,
  resourceId,
  permissions: permissionList,
  expiresAt: futureInstant.optional(),
  pin: z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits').optional().describe('Sent by the link holder in the x-link-pin header'),
  maxUses: z.number().int().min(1).max(10_000).optional().describe('Every successful request on the link counts as one use'),
}).meta({ id: 'CreateLink' });

export const link = z.object({
  id: z.string().describe('Hex SHA-256 of the token; revoke with it'),
  resourceType: sharedResourceType,
  resourceId: z.string(),
  permissions: z.array(sharePermission),
  expiresAt: z.string().optional(),
  maxUses: z.number().int().optional(),
  uses: z.number().int(),
  pinProtected: z.boolean(),
  createdAt: z.string(),
}).meta({ id: 'Link' });

export const createdLink = z.object({
  link,
  token: z.string().describe('Shown once: only its hash is stored'),
  path: z.string().describe('The public path to hand out'),
}).meta({ id: 'CreatedLink' });

export const linkList = z.object({ items: z.array(link), nextCursor: z.string().optional() }).meta({ id: 'LinkList' });

/** The path slot of a link: its token on the public routes, its id (hex SHA-256) on the owner's. */
export const linkParams = z.strictObject({ link: z.string().min(32).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be a link token or id') });

export const linkViewQuery = pageQuery.extend({ folderId: resourceId.optional() });
export const linkContentQuery = z.strictObject({ documentId: resourceId.optional().describe('For a folder link: the document inside it') });

export const linkView = z.object({
  resourceType: sharedResourceType,
  permissions: z.array(sharePermission),
  expiresAt: z.string().optional(),
  remainingUses: z.number().int().optional(),
  document: sharedDocument.optional(),
  folder: sharedFolder.optional(),
  folders: z.array(sharedFolder).optional(),
  documents: sharedDocumentPage.optional(),
}).meta({ id: 'LinkView' });

export const officerDocumentParams = z.strictObject({
  ownerId: z.string().max(20).regex(/^\d{10,12}(-\d{3})?$/, 'must be a personal ID or an enterprise code'),
  documentId: resourceId,
});

export const readPurposeQuery = z.strictObject({
  procedureCode: z.string().regex(/^(\d{1,2}\.\d{6}|TTHC-[A-Z0-9][A-Z0-9.-]{0,40})$/, 'must be a national procedure code such as 1.004227 or TTHC-…')
    .describe('The administrative procedure the read serves'),
  caseNumber: z.string().min(1).max(64).regex(/^[\p{L}\p{N}][\p{L}\p{N} ./_-]*$/u, 'letters, digits, spaces and . / _ -')
    .describe('The case file (hồ sơ) number'),
});

export const auditChainParams = z.strictObject({
  ownerId: z.string().max(20).regex(/^(\d{10,12}(-\d{3})?|templates|signing|staff)$/, 'must be a personal ID, an enterprise code, "templates", "signing" or "staff"'),
});

export const auditChainVerification = z.object({
  ownerId: z.string(),
  entries: z.number().int().describe('Entries read from the chain'),
  ok: z.boolean(),
  firstBrokenLink: z.object({
    seq: z.number().int(),
    entryId: z.string().optional(),
    reason: z.enum(['hash-mismatch', 'previous-hash-mismatch', 'missing-entry', 'out-of-order', 'head-mismatch']),
  }).optional(),
}).meta({ id: 'AuditChainVerification' });
