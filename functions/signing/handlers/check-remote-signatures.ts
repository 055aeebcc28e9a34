import middy from '@middy/core';
import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { checkDueRemoteSignatures } from '../core/signatures.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { logger } from '../../platform/observability.ts';

/**
 * Runs on a schedule: asks remote signing providers about the requests whose next check is
 * due. Each request keeps its own backoff and deadline, so a frequent schedule is cheap.
 */
export function createSignatureCheckHandler(deps: VaultDeps) {
  return middy<unknown, { checked: number; completed: number; closed: number }>().handler(async () => {
    const outcome = await checkDueRemoteSignatures(deps);
    if (outcome.checked > 0) logger.info('remote signatures checked', outcome);
    return outcome;
  });
}

// A scheduled run is correlated by its EventBridge event id.
export const handler = lazyHandler(() => createSignatureCheckHandler(awsVaultDeps()), { correlationIdPath: 'id' });
