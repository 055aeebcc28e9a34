import { z } from 'zod';
import { recognitionTemplateSchema } from '../../core/templates/template-model.ts';

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
  step: z.enum(['validate', 'recognize', 'classify', 'extract', 'review', 'file']).optional(),
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
