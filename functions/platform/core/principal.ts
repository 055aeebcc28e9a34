import { ForbiddenRoleError } from './errors.ts';

/** Roles a person's token maps to. */
export const userRoles = ['citizen', 'organization', 'officer', 'admin'] as const;
/** `system`: a business system or a unit's system, authenticated with OAuth 2 client credentials. */
export const roles = [...userRoles, 'system'] as const;
export type Role = (typeof roles)[number];

/** The scopes a machine client's token may carry; a person's token never does. */
export const machineScopes = ['results:write', 'results:read', 'sync:read'] as const;
export type MachineScope = (typeof machineScopes)[number];

/** Who is calling, as established by the authorizer from a verified token. */
export interface Principal {
  sub: string;
  /** `anonymous` only on public routes (a shared link); no token can carry it. */
  role: Role | 'anonymous';
  /** The vault the caller owns: a 12-digit personal ID or an enterprise code. */
  ownerId?: string;
  /** An officer's unit, e.g. PC06; for a system, the unit it acts for. */
  unit?: string;
  /** A system's OAuth client id. */
  clientId?: string;
  /** A system's granted scopes. */
  scopes?: readonly MachineScope[];
}

/** The caller on a public route: no token, no vault, and a role no token can carry. */
export const anonymousPrincipal: Principal = { sub: 'anonymous', role: 'anonymous' };

/** The request facts every audited act records. */
export interface RequestContext {
  principal: Principal;
  sourceIp: string;
  userAgent?: string;
  requestId: string;
}

/**
 * Province codes that open a Vietnamese 12-digit personal ID (Circular 59/2021/TT-BCA).
 * A number outside them cannot be a real personal ID.
 */
export const personalIdProvinceCodes: ReadonlySet<string> = new Set([
  '001',
  '002',
  '004',
  '006',
  '008',
  '010',
  '011',
  '012',
  '014',
  '015',
  '017',
  '019',
  '020',
  '022',
  '024',
  '025',
  '026',
  '027',
  '030',
  '031',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '040',
  '042',
  '044',
  '045',
  '046',
  '048',
  '049',
  '051',
  '052',
  '054',
  '056',
  '058',
  '060',
  '062',
  '064',
  '066',
  '067',
  '068',
  '070',
  '072',
  '074',
  '075',
  '077',
  '079',
  '080',
  '082',
  '083',
  '084',
  '086',
  '087',
  '089',
  '091',
  '092',
  '093',
  '094',
  '095',
  '096',
]);

/** A 12-digit personal ID: a province code, then nine digits (a pattern so schemas can publish it). */
export const personalIdPattern = new RegExp(`^(?:${[...personalIdProvinceCodes].join('|')})\\d{9}$`);

/** Enterprise/tax code: 10 digits, or 10 digits, a dash and a 3-digit branch number. */
export const enterpriseCodePattern = /^\d{10}(-\d{3})?$/;

/** A vault owner: a personal ID or an enterprise code. */
export const ownerIdPattern = new RegExp(`${personalIdPattern.source}|${enterpriseCodePattern.source}`);

export function isPersonalId(value: string): boolean {
  return personalIdPattern.test(value);
}

export function isEnterpriseCode(value: string): boolean {
  return enterpriseCodePattern.test(value);
}

export function isOwnerId(value: string): boolean {
  return isPersonalId(value) || isEnterpriseCode(value);
}

/** The owner whose vault a citizen or organisation is acting on: always their own. */
export function ownVault(principal: Principal): string {
  if ((principal.role === 'citizen' || principal.role === 'organization') && principal.ownerId) {
    return principal.ownerId;
  }
  throw new ForbiddenRoleError('Only citizens and organisations have a vault');
}
