import type { z } from 'zod';
import * as s from './schemas.ts';

/** The Lambda that serves a route; one per route group. */
export type RouteGroup = 'meta' | 'folders' | 'documents' | 'uploads' | 'templates' | 'signatures' | 'audit' | 'sharing';

export interface RouteContract {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: /v1/folders/{id}. */
  path: string;
  group: RouteGroup;
  summary: string;
  /** Public routes skip the token check. */
  public?: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status and body schema; 204 and 302 have no body. */
  status: 200 | 201 | 202 | 204 | 302;
  response?: z.ZodType;
  /** Non-JSON responses (the OpenAPI document, the rendered reference). */
  responseMediaType?: string;
  /** Bodies larger than the default JSON limit (a sample scan, base64). */
  maxBodyBytes?: number;
}

/**
 * The HTTP API, once: the handlers dispatch on it, the embedded runtime and CDK route
 * from it, and /openapi.json is generated from it.
 */
export const routes = [
  { operationId: 'getHealth', method: 'GET', path: '/health', group: 'meta', public: true, summary: 'Liveness and version', status: 200, response: s.health },
  { operationId: 'getOpenApi', method: 'GET', path: '/openapi.json', group: 'meta', public: true, summary: 'This API as OpenAPI 3.1', status: 200, responseMediaType: 'application/json' },
  { operationId: 'getDocs', method: 'GET', path: '/docs', group: 'meta', public: true, summary: 'Rendered API reference', status: 200, responseMediaType: 'text/html' },

  { operationId: 'listFolders', method: 'GET', path: '/v1/folders', group: 'folders', summary: 'The folder tree (default folders are created on first use)', status: 200, response: s.folderTree },
  { operationId: 'createFolder', method: 'POST', path: '/v1/folders', group: 'folders', summary: 'Create a folder', body: s.createFolderBody, status: 201, response: s.folder },
  { operationId: 'updateFolder', method: 'PATCH', path: '/v1/folders/{id}', group: 'folders', summary: 'Rename or move a folder (a move that would make a cycle gets 409)', params: s.idParams, body: s.updateFolderBody, status: 200, response: s.folder },
  { operationId: 'deleteFolder', method: 'DELETE', path: '/v1/folders/{id}', group: 'folders', summary: 'Move a folder and its contents to the trash', params: s.idParams, status: 204 },
  { operationId: 'listFolderItems', method: 'GET', path: '/v1/folders/{id}/items', group: 'folders', summary: 'Subfolders and one page of documents', params: s.idParams, query: s.pageQuery, status: 200, response: s.folderItems },
  { operationId: 'getFolderHistory', method: 'GET', path: '/v1/folders/{id}/history', group: 'folders', summary: 'Operation history of a folder', params: s.idParams, query: s.pageQuery, status: 200, response: s.historyPage },

  { operationId: 'createUpload', method: 'POST', path: '/v1/uploads', group: 'uploads', summary: 'Get a presigned POST for a scan (officers name the owner)', body: s.createUploadBody, status: 201, response: s.uploadTicket },
  { operationId: 'getUpload', method: 'GET', path: '/v1/uploads/{id}', group: 'uploads', summary: 'Workflow status of an upload (with what was recognised while it waits for review)', params: s.idParams, status: 200, response: s.upload },
  { operationId: 'reviewUpload', method: 'POST', path: '/v1/uploads/{id}/review', group: 'uploads', summary: 'Approve (optionally correcting type and fields) or reject an upload waiting for review', params: s.idParams, body: s.reviewBody, status: 200, response: s.upload },

  { operationId: 'listDocuments', method: 'GET', path: '/v1/documents', group: 'documents', summary: 'Search your documents (q, type, folderId, issue dates), newest first; officers look up issued documents by type and number or by owner', query: s.listDocumentsQuery, status: 200, response: s.documentPage },
  { operationId: 'getDocument', method: 'GET', path: '/v1/documents/{id}', group: 'documents', summary: 'Document details', params: s.idParams, status: 200, response: s.vaultDocument },
  { operationId: 'updateDocument', method: 'PATCH', path: '/v1/documents/{id}', group: 'documents', summary: 'Edit metadata; a folderId change moves the document', params: s.idParams, body: s.documentMetadataChanges, status: 200, response: s.vaultDocument },
  { operationId: 'deleteDocument', method: 'DELETE', path: '/v1/documents/{id}', group: 'documents', summary: 'Move a document to the trash', params: s.idParams, status: 204 },
  { operationId: 'getDocumentContent', method: 'GET', path: '/v1/documents/{id}/content', group: 'documents', summary: 'Redirect to a presigned download (at most 5 minutes)', params: s.idParams, query: s.contentQuery, status: 302 },
  { operationId: 'getDocumentText', method: 'GET', path: '/v1/documents/{id}/text', group: 'documents', summary: 'The recognised text (pages separated by form feeds)', params: s.idParams, query: s.contentQuery, status: 200, responseMediaType: 'text/plain' },
  { operationId: 'listVersions', method: 'GET', path: '/v1/documents/{id}/versions', group: 'documents', summary: 'Versions, oldest first', params: s.idParams, status: 200, response: s.versionList },
  { operationId: 'createVersion', method: 'POST', path: '/v1/documents/{id}/versions', group: 'documents', summary: 'Get a presigned POST for a new version', params: s.idParams, body: s.createVersionBody, status: 201, response: s.uploadTicket },
  { operationId: 'restoreVersion', method: 'POST', path: '/v1/documents/{id}/versions/{n}/restore', group: 'documents', summary: 'Make an old version current again (as a new version)', params: s.versionParams, status: 201, response: s.restoredVersion },
  { operationId: 'getDocumentHistory', method: 'GET', path: '/v1/documents/{id}/history', group: 'documents', summary: 'Operation history of a document', params: s.idParams, query: s.pageQuery, status: 200, response: s.historyPage },
  { operationId: 'listTrash', method: 'GET', path: '/v1/trash', group: 'documents', summary: 'Deleted folders and documents', query: s.pageQuery, status: 200, response: s.trashListing },
  { operationId: 'restoreFromTrash', method: 'POST', path: '/v1/trash/{id}/restore', group: 'documents', summary: 'Restore a deleted folder or document', params: s.idParams, status: 200, response: s.restoredItem },

  { operationId: 'listTemplates', method: 'GET', path: '/v1/ocr-templates', group: 'templates', summary: 'Recognition templates you may view (the six built-in types are seeded on first use)', status: 200, response: s.templateList },
  { operationId: 'createTemplate', method: 'POST', path: '/v1/ocr-templates', group: 'templates', summary: 'Create a template (administrators)', body: s.createTemplateBody, status: 201, response: s.template },
  { operationId: 'getTemplate', method: 'GET', path: '/v1/ocr-templates/{id}', group: 'templates', summary: 'Current version of a template', params: s.idParams, status: 200, response: s.template },
  { operationId: 'updateTemplate', method: 'PATCH', path: '/v1/ocr-templates/{id}', group: 'templates', summary: 'Edit a template (a new version)', params: s.idParams, body: s.updateTemplateBody, status: 200, response: s.template },
  { operationId: 'activateTemplate', method: 'POST', path: '/v1/ocr-templates/{id}/activate', group: 'templates', summary: 'Use the template for classification again (a new version)', params: s.idParams, status: 200, response: s.template },
  { operationId: 'deactivateTemplate', method: 'POST', path: '/v1/ocr-templates/{id}/deactivate', group: 'templates', summary: 'Stop using the template (a new version)', params: s.idParams, status: 200, response: s.template },
  { operationId: 'listTemplateVersions', method: 'GET', path: '/v1/ocr-templates/{id}/versions', group: 'templates', summary: 'Every version of a template, oldest first', params: s.idParams, status: 200, response: s.templateList },
  { operationId: 'setTemplatePermissions', method: 'PUT', path: '/v1/ocr-templates/{id}/permissions', group: 'templates', summary: 'Who may view, use, edit and grant (a new version)', params: s.idParams, body: s.templatePermissionsBody, status: 200, response: s.template },
  { operationId: 'testTemplate', method: 'POST', path: '/v1/ocr-templates/{id}/test', group: 'templates', summary: 'Run the template on a sample scan (base64) and see the fields it extracts; nothing is stored', params: s.idParams, body: s.templateTestBody, status: 200, response: s.templateTestResult, maxBodyBytes: 6 * 1024 * 1024 },
  { operationId: 'getTemplateHistory', method: 'GET', path: '/v1/ocr-templates/{id}/history', group: 'templates', summary: 'Audit of the template: changes and refused attempts', params: s.idParams, query: s.pageQuery, status: 200, response: s.historyPage },

  { operationId: 'listSignatures', method: 'GET', path: '/v1/documents/{id}/signatures', group: 'signatures', summary: 'Signing history: who signed which version, when, with which certificate, and how it ended', params: s.idParams, status: 200, response: s.signatureList },
  { operationId: 'requestSignature', method: 'POST', path: '/v1/documents/{id}/signatures', group: 'signatures', summary: 'Start signing a version: a challenge for a token (ca-token, ban-co-yeu), or a prompt on the signer\'s phone (sim, smartca)', params: s.idParams, body: s.requestSignatureBody, status: 201, response: s.requestedSignature },
  { operationId: 'getSignature', method: 'GET', path: '/v1/documents/{id}/signatures/{sid}', group: 'signatures', summary: 'One signature and where it stands', params: s.signatureParams, status: 200, response: s.documentSignature },
  { operationId: 'getSignatureFile', method: 'GET', path: '/v1/documents/{id}/signatures/{sid}/content', group: 'signatures', summary: 'Redirect to a presigned download of a detached signature (.p7s)', params: s.signatureParams, status: 302 },
  { operationId: 'completeSignature', method: 'POST', path: '/v1/documents/{id}/signatures/{sid}/complete', group: 'signatures', summary: 'Bring the token\'s signature; a PDF gets a new, signed version', params: s.signatureParams, body: s.completeSignatureBody, status: 200, response: s.documentSignature, maxBodyBytes: 128 * 1024 },
  { operationId: 'verifyDocument', method: 'GET', path: '/v1/documents/{id}/verification', group: 'signatures', summary: 'Check every signature of a version: integrity, cryptography, trust, validity at signing time, later changes', params: s.idParams, query: s.contentQuery, status: 200, response: s.verification },
  { operationId: 'getSigningSettings', method: 'GET', path: '/v1/signing/settings', group: 'signatures', summary: 'Seal certificate and trust anchors per provider (administrators)', status: 200, response: s.signingSettings },
  { operationId: 'setTrustAnchors', method: 'PUT', path: '/v1/signing/trust-anchors/{provider}', group: 'signatures', summary: 'Replace the trust anchors of a provider (administrators)', params: s.providerParams, body: s.trustAnchorsBody, status: 200, response: s.certificateList },
  { operationId: 'importSealCertificate', method: 'PUT', path: '/v1/signing/seal-certificate', group: 'signatures', summary: 'Import the agency seal\'s certificate chain; it must certify the seal key (administrators)', body: s.sealCertificateBody, status: 200, response: s.certificateList },

  { operationId: 'verifyAuditChain', method: 'GET', path: '/v1/admin/audit-chains/{ownerId}/verification', group: 'audit', summary: 'Re-compute an owner\'s audit hash chain and report its first broken link (administrators; owner: a personal ID, an enterprise code, templates or signing)', params: s.auditChainParams, status: 200, response: s.auditChainVerification },

  { operationId: 'createShare', method: 'POST', path: '/v1/shares', group: 'sharing', summary: 'Share a document or folder with a citizen, an organisation, or an officers\' unit (consent); grantees reshare through viaShareId when allowed', body: s.createShareBody, status: 201, response: s.share },
  { operationId: 'listShares', method: 'GET', path: '/v1/shares', group: 'sharing', summary: 'Shared by me (outgoing) or with me (incoming), folders first, newest first', query: s.shareListQuery, status: 200, response: s.shareList },
  { operationId: 'getShare', method: 'GET', path: '/v1/shares/{id}', group: 'sharing', summary: 'Grantees: what is shared with you', params: s.shareParams, status: 200, response: s.sharedResource },
  { operationId: 'revokeShare', method: 'DELETE', path: '/v1/shares/{id}', group: 'sharing', summary: 'Revoke a share (it stops working at once)', params: s.shareParams, status: 204 },
  { operationId: 'listSharedItems', method: 'GET', path: '/v1/shares/{id}/items', group: 'sharing', summary: 'Grantees of a folder: subfolders and one page of documents of a folder inside it', params: s.shareParams, query: s.sharedItemsQuery, status: 200, response: s.sharedItems },
  { operationId: 'getSharedDocument', method: 'GET', path: '/v1/shares/{id}/documents/{documentId}', group: 'sharing', summary: 'Grantees: a shared document\'s metadata', params: s.sharedDocumentParams, status: 200, response: s.sharedDocument },
  { operationId: 'getSharedDocumentText', method: 'GET', path: '/v1/shares/{id}/documents/{documentId}/text', group: 'sharing', summary: 'Grantees with content: the recognised text', params: s.sharedDocumentParams, status: 200, responseMediaType: 'text/plain' },
  { operationId: 'getSharedDocumentContent', method: 'GET', path: '/v1/shares/{id}/documents/{documentId}/content', group: 'sharing', summary: 'Grantees with download: redirect to a presigned download', params: s.sharedDocumentParams, status: 302 },
  { operationId: 'createLink', method: 'POST', path: '/v1/links', group: 'sharing', summary: 'Create a link to a document or folder (optional expiry, PIN, use limit); the token is shown once', body: s.createLinkBody, status: 201, response: s.createdLink },
  { operationId: 'listLinks', method: 'GET', path: '/v1/links', group: 'sharing', summary: 'Your links that are not revoked, newest first', query: s.pageQuery, status: 200, response: s.linkList },
  { operationId: 'revokeLink', method: 'DELETE', path: '/v1/links/{link}', group: 'sharing', summary: 'Revoke a link by its id', params: s.linkParams, status: 204 },
  { operationId: 'openLink', method: 'GET', path: '/v1/links/{link}', group: 'sharing', public: true, summary: 'What a link shares and nothing else (PIN in x-link-pin); each request is one use', params: s.linkParams, query: s.linkViewQuery, status: 200, response: s.linkView },
  { operationId: 'getLinkContent', method: 'GET', path: '/v1/links/{link}/content', group: 'sharing', public: true, summary: 'Redirect to a presigned download of a link\'s document (needs download)', params: s.linkParams, query: s.linkContentQuery, status: 302 },
  { operationId: 'getDocumentForProcedure', method: 'GET', path: '/v1/officer/owners/{ownerId}/documents/{documentId}', group: 'sharing', summary: 'Officers: a citizen\'s document for a procedure (consent or issued by your unit); the read is in the citizen\'s history', params: s.officerDocumentParams, query: s.readPurposeQuery, status: 200, response: s.sharedDocument },
  { operationId: 'getDocumentContentForProcedure', method: 'GET', path: '/v1/officer/owners/{ownerId}/documents/{documentId}/content', group: 'sharing', summary: 'Officers: redirect to a presigned download of a citizen\'s document for a procedure', params: s.officerDocumentParams, query: s.readPurposeQuery, status: 302 },
  { operationId: 'getAccessLog', method: 'GET', path: '/v1/access-log', group: 'sharing', summary: 'Who read your papers and why: grantees, link holders and officers, newest first', query: s.pageQuery, status: 200, response: s.historyPage },
] as const satisfies readonly RouteContract[];

export type OperationId = (typeof routes)[number]['operationId'];

export function routeKey(route: Pick<RouteContract, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
