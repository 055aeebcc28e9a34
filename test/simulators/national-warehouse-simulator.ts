/**
 * A local National Public Service Portal data warehouse (with its gateway), speaking the wire
 * format of functions/sync/core/portal-messages.ts: an OAuth 2 token endpoint and the older
 * username/password login, the dossier existence check, create and update (`{error_code, message,
 * result}`, 3/-3 "đã tồn tại" for a dossier it holds), `GetKetQuaGiayTo` from results seeded per
 * owner, and `GetGiayToByUrl` answering base64. It validates what it receives as a strict portal
 * would (its own checks, not the client's schemas, so the two can disagree and a test sees it) and
 * answers refusals in its error format.
 *
 * It counts what it applied by identity (dossier code + `GiayToId`), so a test can assert that a
 * result reached it exactly once whatever failed in between, and its failure modes switch at run
 * time: down (the listener closed, then reopened on the same port), 5xx for N requests, slow,
 * "đã tồn tại" on every create, malformed JSON for N requests, and a create applied whose reply
 * is then lost (the socket destroyed).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NationalWarehouseConfigInput } from '../../functions/sync/adapters/national-warehouse-config.ts';
import {
  PortalRefusal,
  jsonObject,
  jsonRecord,
  optionalText,
  refuse,
  requiredText,
  validDossier,
  type StoredDossier,
} from './national-warehouse-simulator-checks.ts';

export type { StoredDossier };

export const nationalWarehouseSimulatorPaths = {
  token: '/token',
  login: '/login',
  findDossier: '/dossiers/find',
  createDossier: '/dossiers/create',
  updateDossier: '/dossiers/update',
  pullResults: '/GetKetQuaGiayTo',
  getFile: '/GetGiayToByUrl',
} as const;

export type SimulatedRequestKind = keyof typeof nationalWarehouseSimulatorPaths;

export interface NationalWarehouseSimulatorOptions {
  /** @default 3600 */
  tokenLifetimeSeconds?: number;
}

/** A result the portal holds for an owner, with its files; a file set to `'fails'` answers 500. */
export interface SeededResult {
  resultTypeCode: string;
  name: string;
  number: string;
  issuingBody: string;
  files: { name: string; path: string; content: Uint8Array | 'fails' }[];
}

export interface NationalWarehouseSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  paths: typeof nationalWarehouseSimulatorPaths;
  /** The HTTP adapter's configuration for this simulator. */
  clientConfig(
    authentication?: 'client-credentials' | 'session-login',
    overrides?: Partial<NationalWarehouseConfigInput>,
  ): NationalWarehouseConfigInput;

  /** Connection refused from now on: the listener is closed and open connections dropped. */
  goDown(): Promise<void>;
  /** Listening again, on the same port. */
  comeBack(): Promise<void>;
  /** The next `count` requests (of one kind, or any) answer `status` without doing anything. */
  failNext(count: number, status?: number, only?: SimulatedRequestKind): void;
  /** Every request waits this long before it is handled (0: no delay). */
  setDelay(ms: number): void;
  /** Every create answers code 3 "đã tồn tại", stored or not (the other spelling, -3, is its natural answer). */
  setAlreadyExistsOnCreate(on: boolean): void;
  /** The next `count` requests answer 200 with a body cut off mid-JSON, without doing anything. */
  malformNext(count: number): void;
  /** The next `count` creates are applied, then their connection is destroyed before any reply. */
  loseRepliesAfterCreate(count: number): void;
  /** Every token and session issued so far stops working (the next call gets 401). */
  revokeCredentials(): void;

  seedResults(ownerId: string, results: SeededResult[]): void;
  /** Requests received (before any failure mode), optionally of one kind. */
  requestCount(kind?: SimulatedRequestKind): number;
  /** The `GetKetQuaGiayTo` messages answered, oldest first. */
  pullMessages(): Record<string, unknown>[];
  dossier(dossierCode: string): StoredDossier | undefined;
  /** How many times a create or update added this result to the portal: exactly once is 1. */
  timesApplied(dossierCode: string, paperId: string): number;
  /** Every identity (`dossierCode|paperId`) applied, with its count. */
  appliedIdentities(): Map<string, number>;
  close(): Promise<void>;
}

const alreadyExistsText = (code: string) => `Hồ sơ ${code} đã tồn tại trên hệ thống`;

export async function startNationalWarehouseSimulator(
  options: NationalWarehouseSimulatorOptions = {},
): Promise<NationalWarehouseSimulator> {
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const clientId = `khoso-${randomUUID()}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const username = 'khoso-sync';
  const password = randomBytes(18).toString('base64url');
  const signingKey = randomBytes(32);

  const tokens = new Map<string, number>();
  const sessions = new Set<string>();
  const dossiers = new Map<string, { message: StoredDossier; remoteId: string }>();
  const applied = new Map<string, number>();
  const seeded = new Map<string, SeededResult[]>();
  const counts = new Map<SimulatedRequestKind, number>();
  const pullMessages: Record<string, unknown>[] = [];
  let failures: { remaining: number; status: number; only?: SimulatedRequestKind } = { remaining: 0, status: 503 };
  let malformed = 0;
  let lostReplies = 0;
  let delayMs = 0;
  let alreadyExistsOnCreate = false;

  const apply = (message: StoredDossier, previous: StoredDossier | undefined) => {
    const before = new Set((previous?.DanhSachGiayToKetQua ?? []).map((result) => String(result.GiayToId)));
    for (const result of message.DanhSachGiayToKetQua) {
      const paperId = String(result.GiayToId);
      if (before.has(paperId)) continue;
      const identity = `${message.MaHoSo}|${paperId}`;
      applied.set(identity, (applied.get(identity) ?? 0) + 1);
    }
  };

  const authenticated = (request: IncomingMessage, body: Record<string, unknown>): void => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && (tokens.get(bearer) ?? 0) > Date.now()) return;
    if (typeof body.session === 'string' && sessions.has(body.session)) return;
    throw new PortalRefusal(401, { error: 'invalid_token', error_description: 'Phiên làm việc không hợp lệ' });
  };

  const route = async (
    kind: SimulatedRequestKind,
    request: IncomingMessage,
    raw: string,
  ): Promise<{ status: number; body: unknown } | 'lose-reply'> => {
    if (kind === 'token') return { status: 200, body: issueToken(request, raw) };
    const body = jsonObject(raw);
    if (kind === 'login') {
      if (body.username !== username || body.password !== password) {
        throw new PortalRefusal(401, { error_code: -1, message: 'Sai tên đăng nhập hoặc mật khẩu', result: null });
      }
      const session = randomBytes(24).toString('hex');
      sessions.add(session);
      return { status: 200, body: { error_code: 0, message: 'Đăng nhập thành công', session } };
    }
    authenticated(request, body);
    const { session: _session, ...message } = body;
    switch (kind) {
      case 'findDossier': {
        const code = requiredText(message, 'MaHoSo');
        const stored = dossiers.get(code);
        return {
          status: 200,
          body: stored
            ? { error_code: 0, message: 'Hồ sơ đã có trên hệ thống', result: { MaHoSo: code, Id: stored.remoteId } }
            : { error_code: 0, message: 'Không tìm thấy hồ sơ', result: null },
        };
      }
      case 'createDossier': {
        const dossier = validDossier(message);
        const stored = dossiers.get(dossier.MaHoSo);
        if (alreadyExistsOnCreate) return pushReply(3, alreadyExistsText(dossier.MaHoSo));
        if (stored) return pushReply(-3, alreadyExistsText(dossier.MaHoSo));
        const remoteId = randomUUID();
        apply(dossier, undefined);
        dossiers.set(dossier.MaHoSo, { message: dossier, remoteId });
        if (lostReplies > 0) {
          lostReplies -= 1;
          return 'lose-reply';
        }
        return pushReply(0, 'Thêm mới hồ sơ thành công', { Id: remoteId });
      }
      case 'updateDossier': {
        const dossier = validDossier(message);
        const stored = dossiers.get(dossier.MaHoSo);
        if (!stored) return pushReply(-1, `Hồ sơ ${dossier.MaHoSo} không tồn tại`);
        apply(dossier, stored.message);
        stored.message = dossier;
        return pushReply(0, 'Cập nhật hồ sơ thành công', { Id: stored.remoteId });
      }
      case 'pullResults':
        pullMessages.push(message);
        return { status: 200, body: pullReply(message) };
      case 'getFile':
        return fileReply(message);
    }
  };

  const issueToken = (request: IncomingMessage, raw: string): Record<string, unknown> => {
    if (!/^application\/x-www-form-urlencoded\b/.test(request.headers['content-type'] ?? '')) {
      throw new PortalRefusal(400, { error: 'invalid_request' });
    }
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials') {
      throw new PortalRefusal(400, { error: 'unsupported_grant_type' });
    }
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (basic !== undefined) {
      const [encodedId = '', encodedSecret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(encodedId);
      secret = decodeURIComponent(encodedSecret);
    }
    if (id !== clientId || secret !== clientSecret) throw new PortalRefusal(401, { error: 'invalid_client' });
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, Date.now() + tokenLifetimeSeconds * 1000);
    return { access_token: token, token_type: 'Bearer', expires_in: tokenLifetimeSeconds };
  };

  const pullReply = (message: Record<string, unknown>) => {
    const owner = requiredText(message, 'SoDinhDanhChuSoHuu');
    if (!/^(\d{12}|\d{10}(-\d{3})?)$/.test(owner)) refuse('SoDinhDanhChuSoHuu');
    requiredText(message, 'HoTenNguoiYeuCau');
    requiredText(message, 'SoDinhDanhNguoiYeuCau');
    requiredText(message, 'MaThuTuc');
    if (message.KenhThucHien !== '1' && message.KenhThucHien !== '2') refuse('KenhThucHien');
    const wanted = message.DanhSachDanhMucKetQua ?? [];
    if (!Array.isArray(wanted)) refuse('DanhSachDanhMucKetQua');
    const filters = wanted.map((item: unknown) => {
      const entry = jsonRecord(item, 'DanhSachDanhMucKetQua');
      return { code: requiredText(entry, 'MaKetQua'), number: optionalText(entry, 'SoKyHieu') ?? '' };
    });
    const matches = (seeded.get(owner) ?? []).filter(
      (result) =>
        filters.length === 0 ||
        filters.some(
          (filter) => filter.code === result.resultTypeCode && (!filter.number || filter.number === result.number),
        ),
    );
    const result = {
      DanhSachGiayToKetQua: matches.map((item) => ({
        MaKetQua: item.resultTypeCode,
        TenGiayTo: item.name,
        SoKyHieu: item.number,
        CoQuanChuQuan: item.issuingBody,
        DanhSachTepDinhKem: item.files.map((file) => ({ TenTep: file.name, DuongDan: file.path })),
      })),
    };
    // Opaque to the client: nothing public says what the real portal signs, so neither side claims to verify it.
    const signature = createHmac('sha256', signingKey).update(JSON.stringify(result)).digest('base64');
    return { errorCode: 0, message: 'Thành công', signature, result };
  };

  const fileReply = (message: Record<string, unknown>): { status: number; body: unknown } => {
    const issuingBody = requiredText(message, 'CoQuanChuQuan');
    const path = requiredText(message, 'DuongDan');
    const file = [...seeded.values()]
      .flat()
      .filter((result) => result.issuingBody === issuingBody)
      .flatMap((result) => result.files)
      .find((candidate) => candidate.path === path);
    if (!file) return { status: 200, body: { errorCode: -1, message: 'Không tìm thấy tệp đính kèm' } };
    if (file.content === 'fails') return { status: 500, body: { errorCode: -1, message: 'Lỗi đọc tệp' } };
    return { status: 200, body: Buffer.from(file.content).toString('base64') };
  };

  const count = (kind: SimulatedRequestKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    const kind = (Object.keys(nationalWarehouseSimulatorPaths) as SimulatedRequestKind[]).find(
      (candidate) => nationalWarehouseSimulatorPaths[candidate] === path,
    );
    if (kind) count(kind);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const send = (status: number, body: string) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    };
    if (failures.remaining > 0 && (failures.only === undefined || failures.only === kind)) {
      failures.remaining -= 1;
      send(failures.status, JSON.stringify({ error_code: -1, message: 'Hệ thống đang bận (simulated)' }));
      return;
    }
    if (malformed > 0) {
      malformed -= 1;
      send(200, '{"error_code": 0, "message": "Thành c');
      return;
    }
    if (request.method !== 'POST' || !kind) {
      send(404, JSON.stringify({ error_code: -1, message: 'Không tìm thấy dịch vụ' }));
      return;
    }
    try {
      const answer = await route(kind, request, raw);
      if (answer === 'lose-reply') {
        request.socket.destroy();
        return;
      }
      send(answer.status, JSON.stringify(answer.body));
    } catch (error) {
      if (!(error instanceof PortalRefusal)) throw error;
      send(error.status, JSON.stringify(error.body));
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error_code: -1, message: 'simulator failure' }));
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });

  return {
    url,
    clientId,
    clientSecret,
    username,
    password,
    paths: nationalWarehouseSimulatorPaths,
    clientConfig: (authentication = 'client-credentials', overrides = {}) => ({
      baseUrl: url,
      paths: {
        findDossier: nationalWarehouseSimulatorPaths.findDossier,
        createDossier: nationalWarehouseSimulatorPaths.createDossier,
        updateDossier: nationalWarehouseSimulatorPaths.updateDossier,
        pullResults: nationalWarehouseSimulatorPaths.pullResults,
        getFile: nationalWarehouseSimulatorPaths.getFile,
      },
      authentication:
        authentication === 'client-credentials'
          ? { kind: 'client-credentials', clientId, clientSecret }
          : { kind: 'session-login', loginPath: nationalWarehouseSimulatorPaths.login, username, password },
      ...overrides,
    }),
    goDown: async () => {
      if (server.listening) await stop();
    },
    comeBack: async () => {
      if (!server.listening) await listen(port);
    },
    failNext: (n, status = 503, only) => {
      failures = { remaining: n, status, only };
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    setAlreadyExistsOnCreate: (on) => {
      alreadyExistsOnCreate = on;
    },
    malformNext: (n) => {
      malformed = n;
    },
    loseRepliesAfterCreate: (n) => {
      lostReplies = n;
    },
    revokeCredentials: () => {
      tokens.clear();
      sessions.clear();
    },
    seedResults: (ownerId, results) => {
      seeded.set(ownerId, [...(seeded.get(ownerId) ?? []), ...results]);
    },
    pullMessages: () => [...pullMessages],
    requestCount: (kind) => (kind ? (counts.get(kind) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0)),
    dossier: (code) => dossiers.get(code)?.message,
    timesApplied: (dossierCode, paperId) => applied.get(`${dossierCode}|${paperId}`) ?? 0,
    appliedIdentities: () => new Map(applied),
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

function pushReply(code: number, message: string, result: unknown = null) {
  return { status: 200, body: { error_code: code, message, result } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
