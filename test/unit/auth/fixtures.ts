import type { TrustedIssuer } from '../../../functions/auth/core/identity-providers.ts';

/** The national portal as a provider of citizens' and businesses' tokens (organisations not allowed). */
export const dvcqg: TrustedIssuer = {
  id: 'dvcqg',
  issuer: 'https://sso.dichvucong.gov.vn',
  jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
  clientId: 'khoso-rp',
  audience: 'khoso',
  claimMapping: 'dvcqg',
  accountTypes: ['citizen', 'business'],
  tokenKinds: ['user'],
  maxTokenLifetimeSeconds: 3600,
};

/** Our own claims, for people and machine clients alike. */
export const own: TrustedIssuer = {
  id: 'own',
  issuer: 'https://id.khoso.example',
  jwksUrl: 'https://id.khoso.example/jwks',
  clientId: 'khoso',
  audience: 'khoso',
  claimMapping: 'vault-claims',
  accountTypes: ['citizen', 'business', 'officer', 'admin'],
  tokenKinds: ['user', 'machine'],
  maxTokenLifetimeSeconds: 900,
};

/** Userinfo-style DVCQG claims, as public code shows them. */
export const dvcqgClaims = {
  citizen: {
    sub: 'dvcqg-7f3a',
    LoaiTaiKhoan: '1',
    HoVaTen: 'Nguyễn Văn An',
    SoDinhDanh: '079203001234',
    NgayThangNamSinh: '20030115',
  },
  citizenOldId: { sub: 'dvcqg-81c2', LoaiTaiKhoan: '1', HoVaTen: 'Trần Thị Bình', SoCMND: '001099012345' },
  business: {
    sub: 'dvcqg-b001',
    LoaiTaiKhoan: '2',
    HoVaTen: 'Lê Văn Cường',
    MaSoThue: '0101234567',
    TenDoanhNghiep: 'Công ty Hoa Sen',
  },
  branch: { sub: 'dvcqg-b002', LoaiTaiKhoan: '2', MaSoThue: '0101234567-001' },
  organisation: { sub: 'dvcqg-o001', LoaiTaiKhoan: '3', MaSoThue: '0312345678' },
} as const;
