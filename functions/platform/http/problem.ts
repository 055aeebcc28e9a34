import type { z } from 'zod';
import { ConcurrentUpdateError, DomainError, type DomainErrorCode } from '../core/errors.ts';
import type { problem } from './contract/schemas.ts';

/** The problem+json body, as the contract describes it. */
export type ProblemDocument = z.output<typeof problem>;

/** Problems the HTTP layer itself raises, before or around the core. */
export type HttpProblemCode =
  | 'invalid-request'
  | 'malformed-json'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'headers-too-large'
  | 'unauthenticated'
  | 'csrf-rejected'
  | 'login-refused'
  | 'route-not-found'
  | 'method-not-allowed'
  | 'internal';

export type ProblemCode = DomainErrorCode | HttpProblemCode;

export class HttpProblem extends Error {
  constructor(
    readonly code: HttpProblemCode,
    message: string,
    readonly errors?: ProblemDocument['errors'],
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

interface ProblemKind {
  status: number;
  title: string;
  /** What a Vietnamese client shows the user. */
  titleVi: string;
}

const kinds: Record<ProblemCode, ProblemKind> = {
  'invalid-request': { status: 400, title: 'The request is not valid', titleVi: 'Yêu cầu không hợp lệ' },
  'malformed-json': {
    status: 400,
    title: 'The body is not valid JSON',
    titleVi: 'Dữ liệu gửi lên không đúng định dạng JSON',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'The body must be application/json',
    titleVi: 'Dữ liệu gửi lên phải là JSON',
  },
  'payload-too-large': { status: 413, title: 'The body is too large', titleVi: 'Dữ liệu gửi lên quá lớn' },
  'headers-too-large': {
    status: 431,
    title: 'The request line or headers are too large',
    titleVi: 'Đường dẫn hoặc tiêu đề yêu cầu quá dài',
  },
  unauthenticated: {
    status: 401,
    title: 'A valid access token is required',
    titleVi: 'Cần đăng nhập bằng mã truy cập hợp lệ',
  },
  'csrf-rejected': {
    status: 403,
    title: 'The request lacks the session’s CSRF token',
    titleVi: 'Yêu cầu thiếu mã chống giả mạo (CSRF) của phiên đăng nhập',
  },
  'login-refused': {
    status: 403,
    title: 'This account may not sign in through this identity provider',
    titleVi: 'Tài khoản này không được đăng nhập qua nhà cung cấp định danh này',
  },
  'route-not-found': { status: 404, title: 'No such route', titleVi: 'Không tìm thấy đường dẫn' },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed on this route',
    titleVi: 'Phương thức không được hỗ trợ',
  },
  internal: { status: 500, title: 'Internal error', titleVi: 'Lỗi hệ thống, vui lòng thử lại sau' },
  'not-found': { status: 404, title: 'Not found', titleVi: 'Không tìm thấy' },
  conflict: {
    status: 409,
    title: 'The resource changed meanwhile; try again',
    titleVi: 'Dữ liệu vừa thay đổi, vui lòng thử lại',
  },
  'name-taken': { status: 409, title: 'The name is already used here', titleVi: 'Tên đã tồn tại trong thư mục này' },
  'folder-cycle': {
    status: 409,
    title: 'A folder cannot be moved into itself',
    titleVi: 'Không thể chuyển thư mục vào chính nó hoặc thư mục con',
  },
  'protected-folder': {
    status: 409,
    title: 'Default folders cannot be changed',
    titleVi: 'Không thể thay đổi thư mục mặc định',
  },
  'upload-not-ready': { status: 409, title: 'The upload is not ready', titleVi: 'Tệp tải lên chưa sẵn sàng' },
  'seal-not-configured': {
    status: 409,
    title: 'The agency seal is not ready, so results cannot be issued yet',
    titleVi: 'Con dấu số của cơ quan chưa sẵn sàng nên chưa thể cấp kết quả',
  },
  'webhook-target-refused': {
    status: 400,
    title: 'The webhook URL may not be called from here',
    titleVi: 'Không được phép gọi địa chỉ webhook này',
  },
  'invalid-input': { status: 422, title: 'The request cannot be processed', titleVi: 'Yêu cầu không thể xử lý' },
  'forbidden-role': {
    status: 403,
    title: 'Your role cannot do this',
    titleVi: 'Vai trò của bạn không được phép thực hiện thao tác này',
  },
  'quota-exceeded': { status: 403, title: 'Storage quota exceeded', titleVi: 'Vượt quá dung lượng lưu trữ' },
  'signature-rejected': {
    status: 422,
    title: 'The signature or certificate was rejected',
    titleVi: 'Chữ ký số hoặc chứng thư số không hợp lệ',
  },
  expired: { status: 410, title: 'The request has expired', titleVi: 'Yêu cầu đã hết hạn' },
  'permission-denied': {
    status: 403,
    title: 'What was shared does not allow this',
    titleVi: 'Quyền được chia sẻ không cho phép thao tác này',
  },
  'pin-required': { status: 403, title: 'This link needs its PIN', titleVi: 'Liên kết này cần mã PIN đúng' },
  'rate-limited': {
    status: 429,
    title: 'Too many attempts; try again later',
    titleVi: 'Quá nhiều lần thử, vui lòng thử lại sau',
  },
  'provider-unavailable': {
    status: 503,
    title: 'The signing service is unavailable; try again later',
    titleVi: 'Dịch vụ ký số tạm thời không khả dụng, vui lòng thử lại sau',
  },
};

export const problemCodes = Object.keys(kinds) as ProblemCode[];

export function problemStatus(code: ProblemCode): number {
  return kinds[code].status;
}

export function problemType(code: ProblemCode): string {
  return `urn:khoso:problem:${code}`;
}

/**
 * The one error-to-HTTP mapper. Domain and HTTP problems carry safe messages; anything
 * else is an internal error whose message never leaves the process.
 */
export function toProblem(error: unknown, requestId?: string): ProblemDocument {
  let code: ProblemCode = 'internal';
  let detail: string | undefined;
  let errors: ProblemDocument['errors'];
  if (error instanceof DomainError) {
    code = error.code;
    detail = error.message;
  } else if (error instanceof HttpProblem) {
    code = error.code;
    detail = error.message;
    errors = error.errors;
  } else if (error instanceof ConcurrentUpdateError) {
    code = 'conflict';
  }
  const kind = kinds[code];
  return {
    type: problemType(code),
    title: kind.title,
    status: kind.status,
    titleVi: kind.titleVi,
    ...(detail ? { detail } : {}),
    ...(requestId ? { instance: `urn:khoso:request:${requestId}` } : {}),
    ...(errors ? { errors } : {}),
  };
}
