/**
 * A stand-in for the National Population Database behind its gateway, in the shape the vault's
 * adapter (functions/identity/adapters/population-database-http.ts) assumes: an OAuth 2 client
 * credentials token endpoint and one citizen look-up by personal ID (`soDinhDanh`) or legacy
 * identity card number (`soCMND`). Seeded with citizens; down, slow or 5xx on demand.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CitizenRecord } from '../../functions/identity/core/population-database.ts';
import type { PopulationDatabaseConfigInput } from '../../functions/identity/adapters/population-database-http.ts';

export interface SimulatedCitizen extends CitizenRecord {
  /** The 9-digit identity card number (CMND) the citizen held before the personal ID. */
  legacyId?: string;
}

/** Citizens on hand by default: the test personas, the seeded accounts and the OCR fixtures' owners. */
export const defaultCitizens: SimulatedCitizen[] = [
  { personalId: '079203001234', fullName: 'Nguyễn Văn An', birthDate: '2003-02-14', legacyId: '025123456' },
  { personalId: '001099012345', fullName: 'Trần Thị Bình', birthDate: '1999-08-30', legacyId: '012345678' },
  { personalId: '001190012345', fullName: 'Nguyễn Thị Lan', birthDate: '1990-03-21', legacyId: '013456789' },
  { personalId: '079085004321', fullName: 'Trần Văn Minh', birthDate: '1985-11-02', legacyId: '024987654' },
  { personalId: '048301007788', fullName: 'Lê Hoàng Phương Anh', birthDate: '2001-06-09' },
  { personalId: '038064357769', fullName: 'Lưu Xuân Hiển', birthDate: '1964-07-17', legacyId: '171234567' },
];

export const populationDatabaseSimulatorPaths = { token: '/token', lookup: '/dancu/tracuu' } as const;

export interface PopulationDatabaseSimulator {
  url: string;
  /** The vault's client configuration and the gateway's client credentials. */
  clientConfig(): PopulationDatabaseConfigInput;
  authentication: { kind: 'client-credentials'; clientId: string; clientSecret: string };
  seed(citizens: SimulatedCitizen[]): void;
  /** Connection refused until comeBack(). */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  /** The next n look-ups answer this HTTP status. */
  failNext(count: number, status?: number): void;
  setDelay(ms: number): void;
  /** Look-ups received, with the key they asked by. */
  lookups(): Array<{ personalId?: string; legacyId?: string }>;
  close(): Promise<void>;
}

export async function startPopulationDatabaseSimulator(
  options: { citizens?: SimulatedCitizen[] } = {},
): Promise<PopulationDatabaseSimulator> {
  const clientId = 'khoso-vault';
  const clientSecret = randomBytes(16).toString('hex');
  const tokens = new Set<string>();
  const byPersonalId = new Map<string, SimulatedCitizen>();
  const byLegacyId = new Map<string, SimulatedCitizen>();
  const seen: Array<{ personalId?: string; legacyId?: string }> = [];
  let failures = { remaining: 0, status: 503 };
  let delayMs = 0;
  const seed = (citizens: SimulatedCitizen[]) => {
    for (const citizen of citizens) {
      byPersonalId.set(citizen.personalId, citizen);
      if (citizen.legacyId) byLegacyId.set(citizen.legacyId, citizen);
    }
  };
  seed(options.citizens ?? defaultCitizens);

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (request.method === 'POST' && request.url === populationDatabaseSimulatorPaths.token) {
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') !== 'client_credentials')
        return reply(response, 400, { error: 'unsupported_grant_type' });
      if (id !== clientId || secret !== clientSecret) return reply(response, 401, { error: 'invalid_client' });
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      return reply(response, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }
    if (request.method !== 'POST' || request.url !== populationDatabaseSimulatorPaths.lookup)
      return reply(response, 404, { error_code: '404', message: 'Không tìm thấy dịch vụ' });
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return reply(response, 401, { error: 'invalid_token' });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      return reply(response, failures.status, { error_code: '-1', message: 'Hệ thống đang bận' });
    }
    const body = JSON.parse(raw || '{}') as { soDinhDanh?: unknown; soCMND?: unknown };
    const personalId = typeof body.soDinhDanh === 'string' ? body.soDinhDanh : undefined;
    const legacyId = typeof body.soCMND === 'string' ? body.soCMND : undefined;
    if (!personalId === !legacyId) return reply(response, 400, { error_code: '400', message: 'Thiếu số định danh' });
    seen.push(personalId ? { personalId } : { legacyId });
    const citizen = personalId ? byPersonalId.get(personalId) : byLegacyId.get(legacyId!);
    if (!citizen) return reply(response, 200, { error_code: '404', message: 'Không tìm thấy công dân', result: null });
    const [year, month, day] = citizen.birthDate.split('-');
    return reply(response, 200, {
      error_code: '0',
      message: 'Thành công',
      result: { soDinhDanh: citizen.personalId, hoVaTen: citizen.fullName, ngaySinh: `${day}/${month}/${year}` },
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) reply(response, 500, { error_code: '-1', message: 'simulator failure' });
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
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    clientConfig: () => ({
      baseUrl: url,
      lookupPath: populationDatabaseSimulatorPaths.lookup,
      requestTimeoutMs: 2_000,
    }),
    authentication: { kind: 'client-credentials', clientId, clientSecret },
    seed,
    goDown: async () => {
      if (server.listening) await stop();
    },
    comeBack: async () => {
      if (!server.listening) await listen(port);
    },
    failNext: (count, status = 503) => {
      failures = { remaining: count, status };
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    lookups: () => [...seen],
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
