import type { MachineScope } from '../../../functions/platform/core/principal.ts';

/** The vault as relying party of the embedded provider (browser login and single logout). */
export interface VaultClient {
  clientId: 'khoso-vault';
  clientSecret: string;
  issuer: string;
  discoveryUrl: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
}

/** A business or unit system that authenticates with client credentials. */
export interface MachineClient {
  clientId: string;
  clientSecret: string;
  /** The unit its tokens act for. */
  unit: string;
  /** The only scopes it may be granted. */
  scopes: readonly MachineScope[];
}

export interface EmbeddedClients {
  vault: VaultClient;
  machines: readonly MachineClient[];
}

export const vaultClientId = 'khoso-vault';

/** The two test business systems: ids, units and allowed scopes (their secrets are made on first start). */
export const machineClientTemplates: readonly Omit<MachineClient, 'clientSecret'>[] = [
  { clientId: 'a08-business-system', unit: 'A08', scopes: ['results:write', 'results:read'] },
  { clientId: 'c06-unit-system', unit: 'C06', scopes: ['sync:read', 'results:read'] },
];

/** Every client id that needs a secret. */
export const embeddedClientIds = [vaultClientId, ...machineClientTemplates.map((client) => client.clientId)];

/** The clients of the provider mounted on a vault at `vaultUrl`, with the secrets kept in its data dir. */
export function embeddedClients(vaultUrl: string, secrets: Readonly<Record<string, string>>): EmbeddedClients {
  const secretOf = (clientId: string) => {
    const secret = secrets[clientId];
    if (!secret) throw new Error(`No secret for the embedded client ${clientId}`);
    return secret;
  };
  const issuer = `${vaultUrl}/oidc`;
  return {
    vault: {
      clientId: vaultClientId,
      clientSecret: secretOf(vaultClientId),
      issuer,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      redirectUri: `${vaultUrl}/auth/callback`,
      postLogoutRedirectUri: `${vaultUrl}/auth/logged-out`,
      backchannelLogoutUri: `${vaultUrl}/auth/backchannel-logout`,
    },
    machines: machineClientTemplates.map((client) => ({ ...client, clientSecret: secretOf(client.clientId) })),
  };
}
