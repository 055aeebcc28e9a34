import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';
import { createSignatureCheckHandler } from '../../functions/signing/handlers/check-remote-signatures.ts';
import { logger } from '../../functions/platform/observability.ts';

/** The embedded runtime's stand-in for the scheduled rule: one round at a time, every `intervalMs`. */
export function startSignaturePoller(deps: VaultDeps, intervalMs: number): { stop(): Promise<void> } {
  const check = createSignatureCheckHandler(deps);
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => check({}, {} as never))
      .catch((error: unknown) => logger.error('remote signature check failed', { error }));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
