import { loadLambdaConfig } from '../../composition/config.ts';
import { createDynamoRepository } from '../../composition/dynamo-repository.ts';
import { createS3BlobStore } from '../../platform/adapters/s3-blob-store.ts';
import { dynamoDocumentClient, s3Client } from '../../platform/adapters/aws-clients.ts';
import { randomIds, systemClock } from '../../platform/core/runtime.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { createDynamoPortalLinkStore } from '../adapters/dynamo-portal-link-store.ts';
import { portalLinkRoutes } from '../contract/push-routes.ts';
import { openPortalLink, type OpenPortalLinkDeps } from '../core/portal-links.ts';

/**
 * The national warehouse's downloads: each fetch is redirected to a presigned GET signed now, with
 * this function's own credentials, so it never outlives them; the bytes are not streamed through
 * Lambda, whose 6 MB response limit is below the largest paper.
 */
export function createPortalLinksHandler(deps: OpenPortalLinkDeps) {
  return createHttpHandler(portalLinkRoutes, {
    openPortalLink: async ({ context, params: { token } }) => ({
      headers: { location: await openPortalLink(deps, context, token), 'cache-control': 'no-store' },
    }),
  });
}

export const handler = lazyHandler(() => {
  const config = loadLambdaConfig();
  const db = dynamoDocumentClient();
  return createPortalLinksHandler({
    links: createDynamoPortalLinkStore(new DynamoTable(db, config.TABLE_NAME)),
    repository: createDynamoRepository(db, config.TABLE_NAME),
    blobs: createS3BlobStore({ s3: s3Client(), bucket: config.BUCKET_NAME }),
    clock: systemClock,
    ids: randomIds,
    downloadUrlTtlSeconds: config.DOWNLOAD_URL_TTL_SECONDS,
  });
});
