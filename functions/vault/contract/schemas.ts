import { z } from 'zod';
import { ownerIdPattern } from '../../platform/core/principal.ts';
import {
  isoDate,
  itemName,
  pageOf,
  pageQuery,
  resourceId,
  scanContentType,
  text,
} from '../../platform/http/contract/schemas.ts';

export const versionParams = z.strictObject({ id: resourceId, n: z.coerce.number().int().min(1).max(1_000_000) });

export const createFolderBody = z
  .strictObject({
    name: itemName,
    parentId: resourceId.nullable().optional(),
  })
  .meta({ id: 'CreateFolder' });

export const updateFolderBody = z
  .strictObject({
    name: itemName.optional(),
    parentId: resourceId.nullable().optional(),
  })
  .refine((body) => body.name !== undefined || body.parentId !== undefined, 'give a new name, a new parentId, or both')
  .meta({ id: 'UpdateFolder', minProperties: 1 });

export const folder = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    system: z.enum(['identity', 'results', 'self']).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    trashedAt: z.string().optional(),
  })
  .meta({ id: 'Folder' });

type FolderNodeShape = z.infer<typeof folder> & { children: FolderNodeShape[] };

export const folderNode: z.ZodType<FolderNodeShape> = folder
  .extend({
    get children() {
      return z.array(folderNode);
    },
  })
  .meta({ id: 'FolderNode' });

export const folderTree = z.object({ folders: z.array(folderNode) }).meta({ id: 'FolderTree' });

export const documentMetadataChanges = z
  .strictObject({
    title: text(300).min(1).optional(),
    type: text(64).nullable().optional(),
    number: text(100).nullable().optional(),
    summary: text(2000).nullable().optional(),
    issuer: text(300).nullable().optional(),
    issueDate: isoDate.nullable().optional(),
    expiryDate: isoDate.nullable().optional(),
    folderId: resourceId.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change')
  .meta({ id: 'UpdateDocument', minProperties: 1 });

export const documentRevocation = z
  .object({
    at: z.string(),
    reason: z.string(),
    by: z.string().describe('The issuing unit that revoked it'),
  })
  .describe('Set when the business system that issued the document revoked it; the document is kept')
  .meta({ id: 'DocumentRevocation' });

export const vaultDocument = z
  .object({
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
    fields: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe('Recognised fields, named as the document type defines them'),
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
    revoked: documentRevocation.optional(),
  })
  .meta({ id: 'Document' });

export const documentPage = pageOf(vaultDocument).meta({ id: 'DocumentPage' });

export const folderItems = z
  .object({
    folder,
    folders: z.array(folder),
    documents: documentPage,
  })
  .meta({ id: 'FolderItems' });

export const listDocumentsQuery = pageQuery.extend({
  folderId: resourceId.optional(),
  q: z.string().min(1).max(200).optional().describe('Free text; diacritics and case do not matter'),
  type: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  issuedFrom: isoDate.optional(),
  issuedTo: isoDate.optional(),
  number: z.string().min(1).max(100).optional().describe('Officers: number of an issued document (with type)'),
  ownerId: z
    .string()
    .max(14)
    .regex(ownerIdPattern)
    .optional()
    .describe("Officers: list an owner's issued documents (a 12-digit personal ID or an enterprise code)"),
});

export const documentVersion = z
  .object({
    documentId: z.string(),
    number: z.number().int(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    restoredFrom: z.number().int().optional(),
  })
  .meta({ id: 'DocumentVersion' });

export const versionList = z.object({ items: z.array(documentVersion) }).meta({ id: 'VersionList' });

export const restoredVersion = z
  .object({ document: vaultDocument, version: documentVersion })
  .meta({ id: 'RestoredVersion' });

export const contentQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(1_000_000).optional() });

export const createVersionBody = z
  .strictObject({
    fileName: itemName,
    contentType: scanContentType,
    size: z.number().int().min(1),
  })
  .meta({ id: 'CreateVersionUpload' });

export const trashListing = z
  .object({ folders: z.array(folder), documents: documentPage })
  .meta({ id: 'TrashListing' });

export const restoredItem = z
  .union([
    z.object({ resourceType: z.literal('folder'), folder }),
    z.object({ resourceType: z.literal('document'), document: vaultDocument }),
  ])
  .meta({ id: 'RestoredItem' });
