/**
 * The population database through the configured gateway (LGSP/NGSP). Nothing public confirms
 * the shape of its citizen look-up, so every endpoint is configuration and the mapping between
 * the vault's question and the gateway's JSON lives in `citizenLookup` alone: change it there
 * when a deployment's gateway names things otherwise.
 */
import { z } from 'zod';
import { gatewayBaseUrl, gatewayEndpointPath, hasSafeTransport } from '../../platform/adapters/gateway-endpoint.ts';
import {
  PopulationDatabaseUnavailableError,
  type CitizenKey,
  type CitizenRecord,
  type PopulationDatabase,
} from '../core/population-database.ts';

/** One citizen's record is a few hundred bytes; anything far larger is not a look-up reply. */
const maxReplyChars = 64 * 1024;

export const populationDatabaseConfigSchema = z
  .object({
    /** The gateway's base URL; the look-up path is appended to it. */
    baseUrl: gatewayBaseUrl,
    /** Plain http is refused except on loopback (the simulator) unless the line is private. */
    allowPlainHttp: z.boolean().default(false),
    /** The citizen look-up, by personal ID or legacy identity card number. */
    lookupPath: gatewayEndpointPath.default('/dancu/tracuu'),
    /** Longest wait for one look-up, the gateway's token included. */
    requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** The gateway's result codes that mean found and not found; anything else is unavailable. */
    codes: z
      .object({ success: z.array(z.string()).min(1).default(['0']), notFound: z.array(z.string()).default(['404']) })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine(hasSafeTransport, {
    path: ['baseUrl'],
    message: 'https is required (plain http only on loopback, or with allowPlainHttp)',
  });

export type PopulationDatabaseConfigInput = z.input<typeof populationDatabaseConfigSchema>;
export type PopulationDatabaseConfig = z.output<typeof populationDatabaseConfigSchema>;

/** How a call proves who we are: sync's gateway authentication fits (OAuth 2 client credentials or a session). */
export interface GatewayCredentials<C extends { headers: Record<string, string>; bodyFields: Record<string, string> }> {
  credential(): Promise<C>;
  refused(credential: C): void;
}

const lookupReply = z.object({
  error_code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional(),
  result: z.object({ soDinhDanh: z.string(), hoVaTen: z.string(), ngaySinh: z.string() }).nullish(),
});

/** ngaySinh as dd/MM/yyyy (the portals' form) or ISO. */
function isoDate(value: string): string | undefined {
  const dotted = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (dotted) return `${dotted[3]}-${dotted[2]}-${dotted[1]}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

/** The one mapping between the vault's question and the gateway's JSON, both ways. */
export const citizenLookup = {
  body: (key: CitizenKey): Record<string, string> =>
    'personalId' in key ? { soDinhDanh: key.personalId } : { soCMND: key.legacyId },
  reply(json: unknown, codes: PopulationDatabaseConfig['codes']): CitizenRecord | undefined {
    const parsed = lookupReply.safeParse(json);
    if (!parsed.success) throw new PopulationDatabaseUnavailableError('the look-up reply is malformed');
    const { error_code: code, result } = parsed.data;
    if (codes.notFound.includes(code) || (codes.success.includes(code) && !result)) return undefined;
    if (!codes.success.includes(code) || !result)
      throw new PopulationDatabaseUnavailableError(`the look-up answered code ${code}`);
    const birthDate = isoDate(result.ngaySinh);
    if (!birthDate) throw new PopulationDatabaseUnavailableError('the look-up reply has no usable date of birth');
    return { personalId: result.soDinhDanh, fullName: result.hoVaTen, birthDate };
  },
};

export function createPopulationDatabaseHttpClient<
  C extends { headers: Record<string, string>; bodyFields: Record<string, string> },
>(config: PopulationDatabaseConfig, authentication: GatewayCredentials<C>): PopulationDatabase {
  const post = async (key: CitizenKey, credential: C) => {
    try {
      return await fetch(`${config.baseUrl}${config.lookupPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...credential.headers },
        body: JSON.stringify({ ...citizenLookup.body(key), ...credential.bodyFields }),
        signal: AbortSignal.timeout(config.requestTimeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new PopulationDatabaseUnavailableError('the population database did not answer in time', { cause: error });
    }
  };
  const credential = async () => {
    try {
      return await authentication.credential();
    } catch (error) {
      throw new PopulationDatabaseUnavailableError('the gateway gave no credential', { cause: error });
    }
  };
  return {
    async findCitizen(key) {
      let current = await credential();
      let response = await post(key, current);
      if (response.status === 401) {
        // A token the gateway no longer accepts: drop it and try once with a fresh one.
        authentication.refused(current);
        current = await credential();
        response = await post(key, current);
      }
      if (!response.ok) throw new PopulationDatabaseUnavailableError(`the gateway answered HTTP ${response.status}`);
      let json: unknown;
      try {
        const text = await response.text();
        if (text.length > maxReplyChars) throw new Error(`a reply of ${text.length} characters`);
        json = JSON.parse(text);
      } catch (error) {
        throw new PopulationDatabaseUnavailableError('the look-up reply is not JSON', { cause: error });
      }
      return citizenLookup.reply(json, config.codes);
    },
  };
}
