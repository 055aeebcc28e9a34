import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getUpload, requestUpload, ticketResponse, type UploadRequest } from '../core/uploads.ts';
import { reviewUpload } from '../core/review.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { uploadRoutes } from './routes.ts';
import * as s from './schemas.ts';
import { createHttpHandler, refusedLookupAudit } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createUploadsHandler(deps: VaultDeps) {
  return createHttpHandler(uploadRoutes, {
    createUpload: async ({ context, body }) => {
      const ticket = await requestUpload(deps, context, body as UploadRequest);
      return { body: present(s.uploadTicket, ticketResponse(ticket)) };
    },
    getUpload: async ({ context, params }) =>
      ({ body: present(s.upload, await getUpload(deps, context, (params as { id: string }).id)) }),
    reviewUpload: async ({ context, params, body }) => {
      const decision = body as Parameters<typeof reviewUpload>[3];
      return { body: present(s.upload, await reviewUpload(deps, context, (params as { id: string }).id, decision)) };
    },
  }, { onNotFound: refusedLookupAudit(deps, 'upload') });
}

export const handler = lazyHandler(() => createUploadsHandler(awsVaultDeps()));
