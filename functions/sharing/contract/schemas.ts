import { z } from 'zod';
import { idParams, pageOf, pageQuery, resourceId } from '../../platform/http/contract/schemas.ts';
import { enterpriseCodePattern, personalIdPattern } from '../../platform/core/principal.ts';
import { vaultDocument } from '../../vault/contract/schemas.ts';
import { unitCodePattern } from '../core/share-model.ts';

const sharedResourceType = z.enum(['document', 'folder']);

const sharePermission = z.enum(['metadata', 'content', 'download']);

const permissionList = z
  .array(sharePermission)
  .min(1)
  .max(3)
  .describe('metadata (always included), content (read the recognised text), download');

const futureInstant = z.iso.datetime({ offset: true }).describe('ISO date and time; must be in the future');

const granteeKind = z.enum(['citizen', 'organization', 'unit']);

export const shareParams = idParams;

export const sharedDocumentParams = z.strictObject({ id: resourceId, documentId: resourceId });

export const createShareBody = z
  .strictObject({
    resourceType: sharedResourceType,
    resourceId,
    grantee: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('citizen'),
        id: z.string().regex(personalIdPattern).describe('12-digit personal ID'),
      }),
      z.strictObject({
        kind: z.literal('organization'),
        id: z.string().regex(enterpriseCodePattern).describe('Enterprise code'),
      }),
      z.strictObject({
        kind: z.literal('unit'),
        id: z.string().max(32).regex(unitCodePattern).describe("An officers' unit code such as PC06 (a consent)"),
      }),
    ]),
    permissions: permissionList,
    expiresAt: futureInstant.optional(),
    canReshare: z
      .boolean()
      .optional()
      .describe('Whether the grantee may share it on (never with more); false by default'),
    viaShareId: resourceId.optional().describe('A grantee resharing: the share they hold'),
  })
  .meta({ id: 'CreateShare' });

export const shareListQuery = pageQuery.extend({
  direction: z.enum(['outgoing', 'incoming']).describe('outgoing: shared by me; incoming: shared with me'),
  resourceType: sharedResourceType.optional(),
});

/** A share as its owner (or resharing grantee) sees it. */
export const share = z
  .object({
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
  })
  .meta({ id: 'Share' });

/** A share as its grantee sees it: what is shared, by whom, and what they may do. Nothing else of the owner's. */
export const incomingShare = z
  .object({
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
  })
  .meta({ id: 'IncomingShare' });

export const shareList = pageOf(z.union([share, incomingShare])).meta({ id: 'ShareList' });

/** A document as a grantee, a link holder or an officer sees it: no folder, no history, no internal fields. */
export const sharedDocument = vaultDocument
  .pick({
    id: true,
    title: true,
    type: true,
    number: true,
    summary: true,
    issuer: true,
    issueDate: true,
    expiryDate: true,
    fields: true,
    source: true,
    fileName: true,
    contentType: true,
    size: true,
    sha256: true,
    currentVersion: true,
    updatedAt: true,
    // Whoever is shown a paper its issuer revoked must see that it no longer stands.
    revoked: true,
  })
  .meta({ id: 'SharedDocument' });

/** A folder inside a share: its id and name, never where it sits in the owner's tree. */
export const sharedFolder = z.object({ id: z.string(), name: z.string() }).meta({ id: 'SharedFolder' });

const sharedDocumentPage = pageOf(sharedDocument);

export const sharedResource = z
  .object({
    share: incomingShare,
    document: sharedDocument.optional(),
    folder: sharedFolder.optional(),
  })
  .meta({ id: 'SharedResource' });

export const sharedItemsQuery = pageQuery.extend({
  folderId: resourceId.optional().describe('A folder inside the shared folder; the shared folder by default'),
});

export const sharedItems = z
  .object({
    folder: sharedFolder,
    folders: z.array(sharedFolder),
    documents: sharedDocumentPage,
  })
  .meta({ id: 'SharedItems' });

export const createLinkBody = z
  .strictObject({
    resourceType: sharedResourceType,
    resourceId,
    permissions: permissionList,
    expiresAt: futureInstant.optional(),
    pin: z
      .string()
      .regex(/^\d{4,12}$/, 'must be 4 to 12 digits')
      .optional()
      .describe('Sent by the link holder in the x-link-pin header'),
    maxUses: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Every successful request on the link counts as one use'),
  })
  .meta({ id: 'CreateLink' });

export const link = z
  .object({
    id: z.string().describe('Hex SHA-256 of the token; revoke with it'),
    resourceType: sharedResourceType,
    resourceId: z.string(),
    permissions: z.array(sharePermission),
    expiresAt: z.string().optional(),
    maxUses: z.number().int().optional(),
    uses: z.number().int(),
    pinProtected: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Link' });

export const createdLink = z
  .object({
    link,
    token: z.string().describe('Shown once: only its hash is stored'),
    path: z.string().describe('The public path to hand out'),
  })
  .meta({ id: 'CreatedLink' });

export const linkList = pageOf(link).meta({ id: 'LinkList' });

/** The owner's handle on a link: its id, the hex SHA-256 of the token. */
export const linkIdParams = z.strictObject({
  linkId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a link id (64 hex digits)'),
});
/** The holder's handle on a link: the token itself (base64url), on the public routes only. */
export const linkTokenParams = z.strictObject({
  token: z
    .string()
    .min(32)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a link token'),
});

export const linkViewQuery = pageQuery.extend({ folderId: resourceId.optional() });

export const linkContentQuery = z.strictObject({
  documentId: resourceId.optional().describe('For a folder link: the document inside it'),
});

export const linkView = z
  .object({
    resourceType: sharedResourceType,
    permissions: z.array(sharePermission),
    expiresAt: z.string().optional(),
    remainingUses: z.number().int().optional(),
    document: sharedDocument.optional(),
    folder: sharedFolder.optional(),
    folders: z.array(sharedFolder).optional(),
    documents: sharedDocumentPage.optional(),
  })
  .meta({ id: 'LinkView' });

export const officerDocumentParams = z.strictObject({
  ownerId: z
    .string()
    .max(20)
    .regex(/^\d{10,12}(-\d{3})?$/, 'must be a personal ID or an enterprise code'),
  documentId: resourceId,
});

export const readPurposeQuery = z.strictObject({
  procedureCode: z
    .string()
    .regex(
      /^(\d{1,2}\.\d{6}|TTHC-[A-Z0-9][A-Z0-9.-]{0,40})$/,
      'must be a national procedure code such as 1.004227 or TTHC-…',
    )
    .describe('The administrative procedure the read serves'),
  caseNumber: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ./_-]*$/u, 'letters, digits, spaces and . / _ -')
    .describe('The case file (hồ sơ) number'),
});
