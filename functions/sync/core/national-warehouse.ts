/**
 * The National Public Service Portal's data warehouse, as the vault uses it: push a dossier with
 * its results (check whether the portal holds it, create it, or update it), pull a citizen's
 * results and fetch their files. The wire format (Vietnamese field names, reply codes) is in
 * portal-messages.ts; this port speaks the vault's English names.
 *
 * The adapter never retries: the queue that drives it does, and only on failures this module
 * calls retryable.
 */

/** Who owns the dossier, as the portal's `LoaiDoiTuong` says it. */
export const ownerKinds = ['citizen', 'enterprise', 'organisation'] as const;
export type OwnerKind = (typeof ownerKinds)[number];

/** The kind of an owner's identifier in `DinhDanhCHS` (`LoaiDinhDanh`). */
export const identifierKinds = ['personal-id', 'enterprise-code'] as const;
export type IdentifierKind = (typeof identifierKinds)[number];

/** The portal's dossier status (`TrangThaiHoSo`), a code from 1 to 10. */
export type DossierStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** One result a dossier produced, travelling as a download link (`DanhSachGiayToKetQua[]`). */
export interface DossierResult {
  /** `TenGiayTo`: the paper's name. */
  name: string;
  /** `MaThanhPhanHoSo`: the dossier component the result answers, when the procedure names one. */
  dossierComponentCode?: string;
  /** `GiayToId`: our id of the paper; with the dossier code it identifies the result at the portal. */
  paperId: string;
  /** `MaGiayToKetQua`: the result-type code, e.g. `KQ.G15.000031`. */
  resultTypeCode: string;
  /** `DuongDanTepTinKetQua`: where the portal downloads the file (a presigned GET). */
  fileUrl: string;
}

/** A dossier as the vault pushes it (`DongBoHoSoMC`). */
export interface Dossier {
  /** `MaHoSo`: the case number. */
  dossierCode: string;
  /** `MaTTHC`: the procedure code, e.g. `1.004616.000.00.00.H56`. */
  procedureCode: string;
  /** `TenTTHC` */
  procedureName: string;
  /** `ChuHoSo`: the owner's name. */
  ownerName: string;
  /** `LoaiDoiTuong` */
  ownerKind: OwnerKind;
  /**
   * `MaDoiTuong`: the owner's code at the portal. Public clients send their portal account's id;
   * a personal ID or enterprise code fits the same field.
   */
  ownerCode: string;
  /** `DinhDanhCHS[]` */
  ownerIdentifiers: { kind: IdentifierKind; number: string }[];
  /** `NgayTiepNhan` */
  receivedAt: Date;
  /** `NgayHenTra`: when the result was promised. */
  dueAt: Date;
  /** `NgayTra`: when it was returned, once it was. */
  returnedAt?: Date;
  /** `TrangThaiHoSo` */
  status: DossierStatus;
  /** `DonViXuLy`: the unit that handled it (an agency code such as `000.00.01.H22`). */
  processingUnit: string;
  /** `DuocSoHoa`: the results are digitised. */
  digitised: boolean;
  /** `DuocTaiSuDung`: the results may be reused by other procedures. */
  reusable: boolean;
  /** `MaKetQuaThayThe`: the result this dossier's result replaces. */
  replacesResultCode?: string;
  results: DossierResult[];
}

/** What a push did at the portal. `already-exists`: the caller sends an update instead. */
export type PushOutcome =
  { outcome: 'created'; remoteId?: string } | { outcome: 'updated'; remoteId?: string } | { outcome: 'already-exists' };

/** A dossier the portal holds. */
export interface RemoteDossier {
  dossierCode: string;
  remoteId?: string;
}

/** Who asks for a citizen's results, and which (`GetKetQuaGiayTo`). */
export interface PullRequest {
  /** `SoDinhDanhChuSoHuu`: the owner's personal ID or enterprise code. */
  ownerId: string;
  /** `KenhThucHien`: an officer within a procedure, or the citizen themself. */
  channel: 'officer' | 'citizen';
  /** `SoDinhDanhNguoiYeuCau` */
  requesterId: string;
  /** `HoTenNguoiYeuCau` */
  requesterName: string;
  /** `MaThuTuc` */
  procedureCode: string;
  /** `DanhSachDanhMucKetQua[]`: result types, each maybe narrowed to one number. */
  wanted: { resultTypeCode: string; number?: string }[];
}

/** Where one file of a pulled result is, as `GetGiayToByUrl` wants it. */
export interface RemoteFileReference {
  /** `CoQuanChuQuan`: the body that holds the file. */
  issuingBody: string;
  /** `DuongDan` */
  path: string;
}

export interface PulledResult {
  /** `MaKetQua` */
  resultTypeCode: string;
  /** `TenGiayTo` */
  name: string;
  /** `SoKyHieu`: the result's number. */
  number: string;
  /** `CoQuanChuQuan` */
  issuingBody: string;
  /** `DanhSachTepDinhKem[]`: `TenTep`, `DuongDan`. */
  files: { name: string; path: string }[];
}

export interface PulledResults {
  results: PulledResult[];
  /**
   * The portal's `signature` over its reply, kept as received. Nothing public says what it signs
   * or with which key, so it is not verified and must not be presented as verified.
   */
  portalSignature?: string;
}

export interface NationalWarehouse {
  /** The dossier the portal holds under this case number, if any. */
  findDossier(dossierCode: string): Promise<RemoteDossier | undefined>;
  /** `created`, or `already-exists` (reply 3/-3 "đã tồn tại"): then the caller sends an update. */
  createDossier(dossier: Dossier): Promise<PushOutcome>;
  updateDossier(dossier: Dossier): Promise<PushOutcome>;
  pullResults(request: PullRequest): Promise<PulledResults>;
  /** The file's bytes (the portal answers base64). */
  getFile(file: RemoteFileReference): Promise<Uint8Array>;
}

/** Failures the queue retries: the portal may answer later, or may already have applied the call. */
export const retryableFailures = [
  /** No connection (refused, reset, or the reply was lost after sending). */
  'unreachable',
  'timeout',
  /** 5xx. */
  'server-error',
  /** 408 or 429. */
  'throttled',
  /** A 2xx whose body does not parse or does not fit its schema. */
  'malformed-reply',
  /** A reply code the configuration names as "busy, try later". */
  'busy',
] as const;

/** Failures a retry cannot fix: a person must change the data or the configuration first. */
export const permanentFailures = [
  /** A 4xx (other than 401, 408, 429) or a redirect. */
  'rejected',
  /** The gateway refused our credentials, also after one fresh token or session. */
  'unauthorised',
  /** A 2xx with an error code: the portal refused the content. */
  'business-error',
  /** What we would send breaks the wire format: never sent. */
  'invalid-message',
  /** The reply is larger than the configured limit. */
  'reply-too-large',
] as const;

export type NationalWarehouseFailure = (typeof retryableFailures)[number] | (typeof permanentFailures)[number];

const retryable = new Set<string>(retryableFailures);

/** A call to the portal failed; `retryable` says whether the queue should try it again. */
export class NationalWarehouseError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly portalCode: string | undefined;

  constructor(
    readonly failure: NationalWarehouseFailure,
    message: string,
    details: { status?: number; portalCode?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'NationalWarehouseError';
    this.retryable = retryable.has(failure);
    this.status = details.status;
    this.portalCode = details.portalCode;
  }
}

/** Whether the queue should try again: only for a portal failure classified as retryable. */
export function isRetryableWarehouseFailure(error: unknown): boolean {
  return error instanceof NationalWarehouseError && error.retryable;
}
