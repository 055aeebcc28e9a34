import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getUpload, requestUpload, ticketResponse } from '../core/uploads.ts';
import { reviewUpload } from '../core/review.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { uploadRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { refusedLookupAudit } from '../../audit/core/audit.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createUploadsHandler(deps: VaultDeps) {
  return createHttpHandler(
    uploadRoutes,
    {
      createUpload: async ({ context, body }) => ({
        body: present(s.uploadTicket, ticketResponse(await requestUpload(deps, context, body))),
      }),
      getUpload: async ({ context, params: { id } }) => ({
        body: present(s.upload, await getUpload(deps, context, id)),
      }),
      reviewUpload: async ({ context, params: { id }, body }) => ({
        body: present(s.upload, await reviewUpload(deps, context, id, body)),
      }),
    },
    { onNotFound: refusedLookupAudit(deps, 'upload') },
  );
}

export const handler = lazyHandler(() => createUploadsHandler(awsVaultDeps()));
