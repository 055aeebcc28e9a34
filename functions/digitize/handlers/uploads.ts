import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getUpload, requestUpload, type UploadTicket } from '../core/uploads.ts';
import { reviewUpload } from '../core/review.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { uploadRoutes } from './routes.ts';
import * as s from './schemas.ts';
import { createHttpHandler, refusedLookupAudit } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function presentUploadTicket(ticket: UploadTicket) {
  return present(s.uploadTicket, { uploadId: ticket.upload.id, upload: ticket.presigned, status: ticket.upload });
}

export function createUploadsHandler(deps: VaultDeps) {
  return createHttpHandler(uploadRoutes, {
    createUpload: async ({ context, body }) =>
      ({ body: presentUploadTicket(await requestUpload(deps, context, body)) }),
    getUpload: async ({ context, params: { id } }) => ({ body: present(s.upload, await getUpload(deps, context, id)) }),
    reviewUpload: async ({ context, params: { id }, body }) =>
      ({ body: present(s.upload, await reviewUpload(deps, context, id, body)) }),
  }, { onNotFound: refusedLookupAudit(deps, 'upload') });
}

export const handler = lazyHandler(() => createUploadsHandler(awsVaultDeps()));
