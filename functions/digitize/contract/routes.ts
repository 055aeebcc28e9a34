import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { idParams } from '../../platform/http/contract/schemas.ts';
import { createUploadBody, reviewBody, upload, uploadTicket } from './schemas.ts';

/** The upload routes (the uploads Lambda). */
export const uploadRoutes = [
  defineRoute({
    operationId: 'createUpload',
    method: 'POST',
    path: '/v1/uploads',
    group: 'uploads',
    summary: 'Get a presigned POST for a scan (officers name the owner)',
    description:
      "Refused with 422 (invalid-input): an officer upload without ownerId; a citizen's or organisation's " +
      'ownerId other than their own; a content type this deployment does not accept, or a size above its upload ' +
      'limit (20 MiB by default).',
    body: createUploadBody,
    status: 201,
    response: uploadTicket,
  }),
  defineRoute({
    operationId: 'getUpload',
    method: 'GET',
    path: '/v1/uploads/{id}',
    group: 'uploads',
    summary: 'Workflow status of an upload (with what was recognised while it waits for review)',
    params: idParams,
    status: 200,
    response: upload,
  }),
  defineRoute({
    operationId: 'reviewUpload',
    method: 'POST',
    path: '/v1/uploads/{id}/review',
    group: 'uploads',
    summary: 'Approve (optionally correcting type and fields) or reject an upload waiting for review',
    params: idParams,
    body: reviewBody,
    status: 200,
    response: upload,
  }),
] as const;
