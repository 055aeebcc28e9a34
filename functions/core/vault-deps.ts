import type { BlobStore } from './blob-store.ts';
import type { TemplateRepository } from './templates/template-repository.ts';
import type { Clock, IdGenerator } from './runtime.ts';
import type { VaultPolicy } from './vault-policy.ts';
import type { VaultRepository } from './vault-repository.ts';
import type { DigitizeWorkflow } from './digitize-workflow.ts';
import type { SigningDeps } from './signing/signing-deps.ts';

/** Everything the vault's use cases need from the world, injected once per cold start. */
export interface VaultDeps {
  repository: VaultRepository;
  templates: TemplateRepository;
  blobs: BlobStore;
  workflow: DigitizeWorkflow;
  clock: Clock;
  ids: IdGenerator;
  policy: VaultPolicy;
  signing: SigningDeps;
}
