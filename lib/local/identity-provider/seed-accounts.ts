/**
 * The people the embedded OpenID provider lets you sign in as on `npm start`. Their personal IDs
 * and enterprise code are well-formed but invented. Their claims are the vault's own (`role`,
 * `ownerId`, `unit`), so the provider is trusted with the `vault-claims` mapping.
 */
export type SeedClaims =
  { role: 'citizen' | 'organization'; ownerId: string } | { role: 'officer'; unit: string } | { role: 'admin' };

export interface SeedAccount {
  /** The `sub` of the person's tokens. */
  accountId: string;
  name: string;
  /** What the login page says of the account, in Vietnamese and in English. */
  description: { vi: string; en: string };
  claims: SeedClaims;
}

export const seedAccounts: readonly SeedAccount[] = [
  {
    accountId: 'citizen-nguyen-thi-lan',
    name: 'Nguyễn Thị Lan',
    description: { vi: 'Công dân, Hà Nội', en: 'Citizen, Hanoi' },
    claims: { role: 'citizen', ownerId: '001190012345' },
  },
  {
    accountId: 'citizen-tran-van-minh',
    name: 'Trần Văn Minh',
    description: { vi: 'Công dân, TP. Hồ Chí Minh', en: 'Citizen, Ho Chi Minh City' },
    claims: { role: 'citizen', ownerId: '079085004321' },
  },
  {
    accountId: 'citizen-le-hoang-phuong-anh',
    name: 'Lê Hoàng Phương Anh',
    description: { vi: 'Công dân, Đà Nẵng', en: 'Citizen, Da Nang' },
    claims: { role: 'citizen', ownerId: '048301007788' },
  },
  {
    accountId: 'org-cong-ty-tnhh-sao-viet',
    name: 'Công ty TNHH Sao Việt',
    description: { vi: 'Tổ chức, mã số doanh nghiệp 0312345678', en: 'Organisation, enterprise code 0312345678' },
    claims: { role: 'organization', ownerId: '0312345678' },
  },
  {
    accountId: 'officer-pham-duc-thang',
    name: 'Phạm Đức Thắng',
    description: { vi: 'Cán bộ, đơn vị PC06', en: 'Officer, unit PC06' },
    claims: { role: 'officer', unit: 'PC06' },
  },
  {
    accountId: 'officer-vu-thi-hanh',
    name: 'Vũ Thị Hạnh',
    description: { vi: 'Cán bộ, đơn vị PC08', en: 'Officer, unit PC08' },
    claims: { role: 'officer', unit: 'PC08' },
  },
  {
    accountId: 'admin-do-quang-huy',
    name: 'Đỗ Quang Huy',
    description: { vi: 'Quản trị viên', en: 'Administrator' },
    claims: { role: 'admin' },
  },
];

export function findSeedAccount(accountId: string): SeedAccount | undefined {
  return seedAccounts.find((account) => account.accountId === accountId);
}
