import { parseCertificates } from './pki.ts';
import { SealNotConfiguredError } from './seal-readiness.ts';
import type { SealKey } from './seal-key.ts';
import type { SignatureAttempt, SignatureProvider, SignatureProviderName } from './signature-provider.ts';
import type { SigningDeps } from './signing-deps.ts';
import type { SigningSettingsRepository } from './signing-settings.ts';

/** The agency seal: signs at once with the seal key, under the imported certificate chain. */
export function agencySealProvider(key: SealKey, settings: SigningSettingsRepository): SignatureProvider {
  return {
    name: 'agency-seal',
    mode: 'seal',
    async signerCertificates() {
      const pem = await settings.getSealCertificates();
      if (!pem) throw new SealNotConfiguredError({ status: 'not-configured' });
      return parseCertificates(pem);
    },
    async requestSignature({ digest }): Promise<SignatureAttempt> {
      return { status: 'signed', signature: await key.signDigest(digest) };
    },
    async checkSignature(): Promise<SignatureAttempt> {
      return { status: 'expired' };
    },
  };
}

/**
 * A token the signer holds (CA token, Ban Cơ yếu token): the client signs with it and
 * brings the signature back, so the provider itself never signs anything.
 */
export function deferredProvider(name: Extract<SignatureProviderName, 'ca-token' | 'ban-co-yeu'>): SignatureProvider {
  return {
    name,
    mode: 'deferred',
    async signerCertificates(signer) {
      return signer.certificates ?? [];
    },
    async requestSignature(): Promise<SignatureAttempt> {
      return { status: 'awaiting-client' };
    },
    async checkSignature(): Promise<SignatureAttempt> {
      return { status: 'awaiting-client' };
    },
  };
}

/**
 * The providers of one deployment: the deferred token providers always, the seal where
 * there is a seal key, and each remote provider that has an endpoint configured.
 */
export function assembleSigning(input: {
  settings: SigningSettingsRepository;
  sealKey?: SealKey;
  remote?: SignatureProvider[];
}): SigningDeps {
  const providers: SigningDeps['providers'] = {
    'ca-token': deferredProvider('ca-token'),
    'ban-co-yeu': deferredProvider('ban-co-yeu'),
  };
  if (input.sealKey) providers['agency-seal'] = agencySealProvider(input.sealKey, input.settings);
  for (const provider of input.remote ?? []) providers[provider.name] = provider;
  return { providers, settings: input.settings, ...(input.sealKey ? { sealKey: input.sealKey } : {}) };
}
