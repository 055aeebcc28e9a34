import { isEnterpriseCode, isPersonalId, machineScopes, type Principal } from '../../platform/core/principal.ts';
import { systemPrincipalClaims, userPrincipalClaims } from '../../platform/http/principal-context.ts';
import type { AccountType, TrustedIssuer } from './identity-providers.ts';
import { TokenRejectedError } from './token-rejected.ts';

export interface MappedPrincipal {
  principal: Principal;
  /** A person's account type; absent for machine clients. */
  accountType?: AccountType;
  /** The person's name as the provider gives it (DVCQG `HoVaTen`), for display only. */
  displayName?: string;
}

function refuse(message: string, reason: string): never {
  throw new TokenRejectedError(message, reason, { audited: true });
}

function text(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** OAuth's space-separated `scope`, or the array some servers write as `scp`. */
function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((scope): scope is string => typeof scope === 'string');
  return [];
}

/** DVCQG account types: "1" citizen, "2" business, "3" organisation. */
function mapDvcqg(claims: Record<string, unknown>, sub: string): MappedPrincipal {
  const displayName = text(claims, 'HoVaTen');
  const named = displayName ? { displayName } : {};
  switch (text(claims, 'LoaiTaiKhoan')) {
    case '1': {
      const personalId = text(claims, 'SoDinhDanh') ?? text(claims, 'SoCMND');
      if (!personalId) refuse('The token names no personal ID (SoDinhDanh)', 'mapping-failed');
      if (!isPersonalId(personalId))
        refuse('The personal ID in the token is not a 12-digit personal ID', 'mapping-failed');
      return { principal: { sub, role: 'citizen', ownerId: personalId }, accountType: 'citizen', ...named };
    }
    case '2':
    case '3': {
      const taxCode = text(claims, 'MaSoThue');
      if (!taxCode) refuse('The token names no enterprise/tax code (MaSoThue)', 'mapping-failed');
      if (!isEnterpriseCode(taxCode)) refuse('The enterprise/tax code in the token is not valid', 'mapping-failed');
      const accountType = text(claims, 'LoaiTaiKhoan') === '2' ? 'business' : 'organisation';
      return { principal: { sub, role: 'organization', ownerId: taxCode }, accountType, ...named };
    }
    default:
      return refuse('The token carries no known account type (LoaiTaiKhoan)', 'mapping-failed');
  }
}

/** Our own claims: role, ownerId, unit. */
function mapVaultClaims(claims: Record<string, unknown>, sub: string): MappedPrincipal {
  const parsed = userPrincipalClaims.safeParse({ ...claims, sub });
  if (!parsed.success) refuse('The access token does not carry valid vault claims', 'mapping-failed');
  const principal = parsed.data;
  const accountType: AccountType =
    principal.role === 'organization' ? 'business' : principal.role === 'citizen' ? 'citizen' : principal.role;
  const displayName = text(claims, 'name');
  return { principal, accountType, ...(displayName ? { displayName } : {}) };
}

/**
 * A verified token's claims as our principal, or a refusal (audited). A token carrying a
 * machine scope is a machine client's: only a provider configured for machine tokens may issue
 * one, and it must not also name a person; any other token is a person's, mapped by the
 * provider's mapping and admitted only for the account types the provider may vouch for.
 */
export function mapClaims(provider: TrustedIssuer, claims: Record<string, unknown>): MappedPrincipal {
  const sub = text(claims, 'sub');
  if (!sub) return refuse('The token has no subject', 'mapping-failed');
  const scopes = scopesOf(claims);
  const granted = machineScopes.filter((scope) => scopes.includes(scope));
  const namesPerson = ['role', 'ownerId', 'LoaiTaiKhoan', 'SoDinhDanh', 'SoCMND'].some((name) => name in claims);
  if (granted.length > 0) {
    if (!provider.tokenKinds.includes('machine') || namesPerson) {
      refuse("A person's token may not carry machine scopes", 'user-token-with-machine-scopes');
    }
    const parsed = systemPrincipalClaims.safeParse({
      sub,
      role: 'system',
      clientId: text(claims, 'client_id') ?? text(claims, 'azp'),
      unit: text(claims, 'unit'),
      scopes: granted,
    });
    if (!parsed.success) refuse('A machine token must name its client (client_id) and unit', 'mapping-failed');
    return { principal: parsed.data };
  }
  if (!provider.tokenKinds.includes('user')) refuse('This issuer issues only machine tokens', 'token-kind-not-allowed');
  const mapped = provider.claimMapping === 'dvcqg' ? mapDvcqg(claims, sub) : mapVaultClaims(claims, sub);
  if (!mapped.accountType || !provider.accountTypes.includes(mapped.accountType)) {
    refuse(`This issuer may not vouch for ${mapped.accountType} accounts`, 'account-type-not-allowed');
  }
  return mapped;
}
