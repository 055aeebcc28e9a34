import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { acceptUploadedObject } from '../core/accept-upload.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { logger } from '../../platform/observability.ts';

/** S3 writes keys URL-encoded, with '+' for spaces. */
function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Object created under incoming/ → start the digitisation workflow. S3 may deliver an
 * event twice; acceptUploadedObject is idempotent, so that starts one execution.
 */
export function createOnUploadHandler(deps: VaultDeps) {
  return middy<S3Event, void>().handler(async (event) => {
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      const key = decodeKey(record.s3.object.key);
      const accepted = await acceptUploadedObject(deps, { key, size: record.s3.object.size });
      if (accepted) logger.info('upload accepted', { ...accepted });
      else logger.warn('object matches no pending upload', { key });
    }
  });
}

export const handler = lazyHandler(() => createOnUploadHandler(awsVaultDeps()));
