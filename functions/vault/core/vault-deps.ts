import type { BlobStore } from '../../platform/core/blob-store.ts';
import type { TemplateRepository } from '../../templates/core/template-repository.ts';
import type { Clock, IdGenerator } from '../../platform/core/runtime.ts';
import type { VaultPolicy } from './vault-policy.ts';
import type { VaultRepository } from './vault-repository.ts';
import type { DigitizeWorkflow } from '../../digitize/core/digitize-workflow.ts';
import type { SigningDeps } from '../../signing/core/signing-deps.ts';

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
