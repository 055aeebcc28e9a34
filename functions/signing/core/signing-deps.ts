import type { SignatureProvider, SignatureProviderName } from './signature-provider.ts';
import type { SealKey } from './seal-key.ts';
import type { SigningSettingsRepository } from './signing-settings.ts';

/** What signing needs from the world: the configured providers, the seal key and the settings. */
export interface SigningDeps {
  providers: Partial<Record<SignatureProviderName, SignatureProvider>>;
  /** Absent where this deployment or function does not seal. */
  sealKey?: SealKey;
  settings: SigningSettingsRepository;
}
