/**
 * The national warehouse's wire format, as the provincial systems that call it use it (nothing
 * beyond that is confirmed, so every code below can be changed in configuration): the messages we
 * send are built from the domain and checked strictly before they leave, and the replies we read
 * are checked too but tolerate what we do not use (extra fields, numbers as strings, missing
 * lists). Sources and shapes: docs/integration.md.
 */
import { z } from 'zod';
import { isOwnerId } from '../../platform/core/principal.ts';
import {
  NationalWarehouseError,
  type Dossier,
  type IdentifierKind,
  type OwnerKind,
  type PullRequest,
  type PulledResults,
  type PushOutcome,
  type RemoteDossier,
  type RemoteFileReference,
} from './national-warehouse.ts';
import { formatPortalTimestamp, parsePortalTimestamp } from './portal-time.ts';

/** The reply codes and enumerations the portal uses; defaults from the public clients. */
export interface PortalCodes {
  /** `error_code` / `errorCode` of a success. */
  success: string[];
  /** Codes meaning "already exists" when the message also says so (`alreadyExistsMarker`). */
  alreadyExists: string[];
  /** Text an "already exists" reply carries, compared without regard to case or Unicode form. */
  alreadyExistsMarker: string;
  /** Codes the existence check answers for a dossier the portal does not hold (besides a null result). */
  notFound: string[];
  /** Codes meaning "busy, try later": retried; any other code is a permanent refusal. */
  busy: string[];
  /** `LoaiDoiTuong` per owner kind. */
  ownerKinds: Record<OwnerKind, string>;
  /** `LoaiDinhDanh` per identifier kind. */
  identifierKinds: Record<IdentifierKind, string>;
}

export const defaultPortalCodes: PortalCodes = {
  success: ['0'],
  alreadyExists: ['3', '-3'],
  alreadyExistsMarker: 'đã tồn tại',
  notFound: [],
  busy: [],
  ownerKinds: { citizen: '1', enterprise: '2', organisation: '3' },
  identifierKinds: { 'personal-id': '1', 'enterprise-code': '2' },
};

/** `KenhThucHien`, as the issue's sources state it. */
const channelCodes = { officer: '1', citizen: '2' } as const;

const controlCharacters = /\p{Cc}/u;

/** Free text we send: present, bounded, without control characters. */
const wireText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !controlCharacters.test(value), 'control characters are not allowed');

/** Dossier, procedure, agency and result-type codes: `1.004616.000.00.00.H56`, `KQ.G15.000031`, `000.00.01.H22`. */
const wireCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'letters, digits and . _ / - only');
const wireOwnerId = z.string().refine(isOwnerId, 'a 12-digit personal ID or an enterprise code');
const wireTimestamp = z
  .string()
  .refine((value) => parsePortalTimestamp(value) !== undefined, 'yyyyMMddHHmmss in Asia/Ho_Chi_Minh');
const wireFlag = z.enum(['0', '1']);
const wireUrl = z
  .string()
  .max(4096)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'an http(s) URL');

/** A dossier as `DongBoHoSoMC` (or the create and update URLs) takes it. */
export const dossierMessageSchema = z
  .object({
    MaHoSo: wireCode,
    MaTTHC: wireCode,
    TenTTHC: wireText(1000),
    ChuHoSo: wireText(300),
    LoaiDoiTuong: z.string().regex(/^\d{1,2}$/),
    MaDoiTuong: wireCode,
    DinhDanhCHS: z
      .array(z.object({ LoaiDinhDanh: z.string().regex(/^\d{1,2}$/), SoDinhDanh: wireOwnerId }).strict())
      .min(1)
      .max(10),
    NgayTiepNhan: wireTimestamp,
    NgayHenTra: wireTimestamp,
    NgayTra: wireTimestamp.optional(),
    TrangThaiHoSo: z.enum(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
    DonViXuLy: wireCode,
    DuocSoHoa: wireFlag,
    DuocTaiSuDung: wireFlag,
    MaKetQuaThayThe: wireCode.optional(),
    DanhSachGiayToKetQua: z
      .array(
        z
          .object({
            TenGiayTo: wireText(500),
            MaThanhPhanHoSo: wireCode.optional(),
            GiayToId: wireCode,
            MaGiayToKetQua: wireCode,
            DuongDanTepTinKetQua: wireUrl,
          })
          .strict(),
      )
      .max(100),
  })
  .strict();
export type DossierMessage = z.infer<typeof dossierMessageSchema>;

export const dossierLookupMessageSchema = z.object({ MaHoSo: wireCode }).strict();

/** `GetKetQuaGiayTo`'s request. */
export const pullRequestMessageSchema = z
  .object({
    SoDinhDanhChuSoHuu: wireOwnerId,
    HoTenNguoiYeuCau: wireText(300),
    KenhThucHien: z.enum([channelCodes.officer, channelCodes.citizen]),
    // An officer is named by their account at the ministry's identity provider: their token carries no personal ID.
    SoDinhDanhNguoiYeuCau: wireText(256),
    MaThuTuc: wireCode,
    DanhSachDanhMucKetQua: z
      .array(z.object({ MaKetQua: wireCode, SoKyHieu: z.union([z.literal(''), wireText(100)]) }).strict())
      .max(100),
  })
  .strict()
  .refine((message) => message.KenhThucHien === channelCodes.officer || isOwnerId(message.SoDinhDanhNguoiYeuCau), {
    path: ['SoDinhDanhNguoiYeuCau'],
    message: 'a citizen or organisation asking for themself is named by their personal ID or enterprise code',
  });
export type PullRequestMessage = z.infer<typeof pullRequestMessageSchema>;

/** `GetGiayToByUrl`'s request. */
export const fileRequestMessageSchema = z.object({ CoQuanChuQuan: wireText(300), DuongDan: wireText(2048) }).strict();
export type FileRequestMessage = z.infer<typeof fileRequestMessageSchema>;

/** A code the portal writes as a number or a string. */
const replyCode = z
  .union([
    z.number().int(),
    z
      .string()
      .trim()
      .regex(/^-?\d+$/),
  ])
  .transform(String);
/** Text we only show or log: bounded, control characters dropped. */
const replyText = z
  .string()
  .nullish()
  .transform((value) => (value ?? '').replace(/\p{Cc}/gu, ' ').slice(0, 500));
/** Text we store from a pulled result: present, bounded. */
const replyField = (max: number) => z.string().trim().min(1).max(max);

/** Replies to pushes and to the existence check: `{error_code, message, result}`. */
export const pushReplySchema = z.object({ error_code: replyCode, message: replyText, result: z.unknown().optional() });
export type PushReply = z.infer<typeof pushReplySchema>;

/** `GetKetQuaGiayTo`'s reply: `{errorCode, message, signature, result: {DanhSachGiayToKetQua}}`. */
export const pullReplySchema = z.object({
  errorCode: replyCode,
  message: replyText,
  signature: z.string().max(10_000).nullish(),
  result: z
    .object({
      DanhSachGiayToKetQua: z
        .array(
          z.object({
            MaKetQua: replyField(100),
            TenGiayTo: replyField(1000),
            SoKyHieu: replyField(100),
            CoQuanChuQuan: replyField(300),
            DanhSachTepDinhKem: z
              .array(z.object({ TenTep: replyField(500), DuongDan: replyField(2048) }))
              .max(100)
              .nullish(),
          }),
        )
        .max(1000)
        .nullish(),
    })
    .nullish(),
});
export type PullReply = z.infer<typeof pullReplySchema>;

/** `GetGiayToByUrl` answers the file as one base64 JSON string, or an error object. */
export const fileReplySchema = z.union([
  z.base64(),
  z.object({ errorCode: replyCode.optional(), error_code: replyCode.optional(), message: replyText }),
]);

export function toDossierMessage(dossier: Dossier, codes: PortalCodes): DossierMessage {
  return checkedMessage(dossierMessageSchema, {
    MaHoSo: dossier.dossierCode,
    MaTTHC: dossier.procedureCode,
    TenTTHC: dossier.procedureName,
    ChuHoSo: dossier.ownerName,
    LoaiDoiTuong: codes.ownerKinds[dossier.ownerKind],
    MaDoiTuong: dossier.ownerCode,
    DinhDanhCHS: dossier.ownerIdentifiers.map((identifier) => ({
      LoaiDinhDanh: codes.identifierKinds[identifier.kind],
      SoDinhDanh: identifier.number,
    })),
    NgayTiepNhan: portalTimestampOf(dossier.receivedAt),
    NgayHenTra: portalTimestampOf(dossier.dueAt),
    NgayTra: dossier.returnedAt && portalTimestampOf(dossier.returnedAt),
    TrangThaiHoSo: String(dossier.status),
    DonViXuLy: dossier.processingUnit,
    DuocSoHoa: dossier.digitised ? '1' : '0',
    DuocTaiSuDung: dossier.reusable ? '1' : '0',
    MaKetQuaThayThe: dossier.replacesResultCode,
    DanhSachGiayToKetQua: dossier.results.map((result) => ({
      TenGiayTo: result.name,
      MaThanhPhanHoSo: result.dossierComponentCode,
      GiayToId: result.paperId,
      MaGiayToKetQua: result.resultTypeCode,
      DuongDanTepTinKetQua: result.fileUrl,
    })),
  });
}

export function toDossierLookupMessage(dossierCode: string): { MaHoSo: string } {
  return checkedMessage(dossierLookupMessageSchema, { MaHoSo: dossierCode });
}

export function toPullRequestMessage(request: PullRequest): PullRequestMessage {
  return checkedMessage(pullRequestMessageSchema, {
    SoDinhDanhChuSoHuu: request.ownerId,
    HoTenNguoiYeuCau: request.requesterName,
    KenhThucHien: channelCodes[request.channel],
    SoDinhDanhNguoiYeuCau: request.requesterId,
    MaThuTuc: request.procedureCode,
    DanhSachDanhMucKetQua: request.wanted.map((wanted) => ({
      MaKetQua: wanted.resultTypeCode,
      SoKyHieu: wanted.number ?? '',
    })),
  });
}

export function toFileRequestMessage(file: RemoteFileReference): FileRequestMessage {
  return checkedMessage(fileRequestMessageSchema, { CoQuanChuQuan: file.issuingBody, DuongDan: file.path });
}

/**
 * What a create or update reply means: success, "already exists" (a create only; the caller then
 * updates), or an error code: retryable if the configuration names it busy, else permanent.
 */
export function interpretPushReply(reply: PushReply, operation: 'create' | 'update', codes: PortalCodes): PushOutcome {
  const code = reply.error_code;
  if (codes.success.includes(code)) {
    const remoteId = remoteIdOf(reply.result);
    const outcome = operation === 'create' ? 'created' : 'updated';
    return remoteId === undefined ? { outcome } : { outcome, remoteId };
  }
  if (operation === 'create' && codes.alreadyExists.includes(code) && saysAlreadyExists(reply.message, codes)) {
    return { outcome: 'already-exists' };
  }
  throw replyCodeError(`${operation} dossier`, code, reply.message, codes);
}

/** The existence check's answer: the dossier, or undefined when the result is empty or a not-found code. */
export function interpretLookupReply(
  reply: PushReply,
  dossierCode: string,
  codes: PortalCodes,
): RemoteDossier | undefined {
  const code = reply.error_code;
  if (codes.notFound.includes(code)) return undefined;
  if (!codes.success.includes(code)) throw replyCodeError('dossier existence check', code, reply.message, codes);
  if (reply.result === undefined || reply.result === null || reply.result === false) return undefined;
  const remoteId = remoteIdOf(reply.result);
  return remoteId === undefined ? { dossierCode } : { dossierCode, remoteId };
}

export function interpretPullReply(reply: PullReply, codes: PortalCodes): PulledResults {
  if (!codes.success.includes(reply.errorCode)) {
    throw replyCodeError('result pull', reply.errorCode, reply.message, codes);
  }
  const results = (reply.result?.DanhSachGiayToKetQua ?? []).map((item) => ({
    resultTypeCode: item.MaKetQua,
    name: item.TenGiayTo,
    number: item.SoKyHieu,
    issuingBody: item.CoQuanChuQuan,
    files: (item.DanhSachTepDinhKem ?? []).map((file) => ({ name: file.TenTep, path: file.DuongDan })),
  }));
  return reply.signature ? { results, portalSignature: reply.signature } : { results };
}

/** The file's bytes, or the portal's error code as a failure. */
export function interpretFileReply(reply: z.infer<typeof fileReplySchema>, codes: PortalCodes): Uint8Array {
  if (typeof reply === 'string') return new Uint8Array(Buffer.from(reply, 'base64'));
  const code = reply.errorCode ?? reply.error_code ?? 'none';
  throw replyCodeError('file download', code, reply.message, codes);
}

function saysAlreadyExists(message: string, codes: PortalCodes): boolean {
  const normalise = (text: string) => text.normalize('NFC').toLocaleLowerCase('vi');
  return normalise(message).includes(normalise(codes.alreadyExistsMarker));
}

function replyCodeError(what: string, code: string, message: string, codes: PortalCodes): NationalWarehouseError {
  const busy = codes.busy.includes(code);
  return new NationalWarehouseError(
    busy ? 'busy' : 'business-error',
    `national warehouse ${what} answered code ${code}${message ? `: ${portalTextForLogs(message)}` : ''}`,
    { portalCode: code },
  );
}

/** The portal's id of what it stored, when its `result` carries one (a bare id, or `Id`/`id`). */
function remoteIdOf(result: unknown): string | undefined {
  const id =
    typeof result === 'object' && result !== null
      ? ((result as Record<string, unknown>).Id ?? (result as Record<string, unknown>).id)
      : result;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.length > 0 && id.length <= 200 && !controlCharacters.test(id)) return id;
  return undefined;
}

/** The portal's message may repeat the personal ID we sent: long digit runs keep only their ends. */
export function portalTextForLogs(message: string): string {
  return message.slice(0, 200).replace(/\d{9,}/g, (digits) => `${digits.slice(0, 3)}******${digits.slice(-3)}`);
}

function portalTimestampOf(instant: Date): string {
  try {
    return formatPortalTimestamp(instant);
  } catch (error) {
    throw new NationalWarehouseError('invalid-message', 'a dossier date cannot be written as a portal timestamp', {
      cause: error,
    });
  }
}

/** A message we built, or `invalid-message` naming the fields (never their values: they hold personal data). */
function checkedMessage<T>(schema: z.ZodType<T>, message: unknown): T {
  const parsed = schema.safeParse(message);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(message)'))];
  throw new NationalWarehouseError(
    'invalid-message',
    `the message breaks the portal's wire format at ${fields.join(', ')}: not sent`,
    { cause: parsed.error },
  );
}
