/**
 * Where the national warehouse is and how to talk to it, checked once at start. Every endpoint
 * and code is configuration: nothing public confirms the portal's URLs beyond what provincial
 * systems use, and gateways (LGSP, NGSP, a direct line) differ per deployment.
 */
import { z } from 'zod';
import {
  gatewayBaseUrl,
  gatewayEndpointPath as endpointPath,
  hasSafeTransport,
} from '../../platform/adapters/gateway-endpoint.ts';
import { defaultPortalCodes } from '../core/portal-messages.ts';

const codeList = z.array(z.string().regex(/^-?\d+$/)).max(50);

const clientCredentials = z
  .object({
    kind: z.literal('client-credentials'),
    /** OAuth 2 token endpoint under the base URL (LGSP/NGSP: `{base}/token`). */
    tokenPath: endpointPath.default('/token'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** RFC 6749 §2.3.1 allows both; gateways differ. */
    sendCredentialsAs: z.enum(['basic-header', 'form-fields']).default('basic-header'),
    scope: z.string().min(1).optional(),
    /** A token is renewed this long before it expires (at most half its lifetime). */
    refreshMarginSeconds: z.number().int().min(0).max(3600).default(60),
    /** For a token reply without `expires_in`. */
    defaultTokenLifetimeSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .strict();

const sessionLogin = z
  .object({
    kind: z.literal('session-login'),
    /** Older adapters: `{username, password}` answered with a `session`, carried in every body after. */
    loginPath: endpointPath,
    username: z.string().min(1),
    password: z.string().min(1),
    /** The body field the session travels in. */
    sessionField: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .default('session'),
  })
  .strict();

/** How we prove who we are to a gateway; the population database's client uses it too. */
export const gatewayAuthenticationSchema = z.discriminatedUnion('kind', [clientCredentials, sessionLogin]);

export const nationalWarehouseConfigSchema = z
  .object({
    /** The gateway's or the portal's base URL; every path is appended to it. */
    baseUrl: gatewayBaseUrl,
    /**
     * Plain http carries our client secret or password in clear, so it is refused except on
     * loopback (the simulator) unless this says the line is private (a gateway on a closed network).
     * @default false
     */
    allowPlainHttp: z.boolean().default(false),
    paths: z
      .object({
        /** Existence check: `{MaHoSo}` → `{error_code, message, result}` (result empty when absent). */
        findDossier: endpointPath,
        /** Create (or `DongBoHoSoMC`). */
        createDossier: endpointPath,
        /** Update (or `DongBoHoSoMC` again). */
        updateDossier: endpointPath,
        /** `GetKetQuaGiayTo` */
        pullResults: endpointPath,
        /** `GetGiayToByUrl` */
        getFile: endpointPath,
      })
      .strict(),
    authentication: gatewayAuthenticationSchema,
    /** Longest wait for one HTTP call, token and login included. */
    requestTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** Largest reply read (a file arrives base64 in one JSON string: 4/3 of its size). */
    maxReplyBytes: z
      .number()
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(70 * 1024 * 1024),
    codes: z
      .object({
        success: codeList.min(1).default(defaultPortalCodes.success),
        alreadyExists: codeList.default(defaultPortalCodes.alreadyExists),
        alreadyExistsMarker: z.string().min(1).default(defaultPortalCodes.alreadyExistsMarker),
        notFound: codeList.default(defaultPortalCodes.notFound),
        busy: codeList.default(defaultPortalCodes.busy),
        ownerKinds: z
          .object({ citizen: z.string(), enterprise: z.string(), organisation: z.string() })
          .strict()
          .default(defaultPortalCodes.ownerKinds),
        identifierKinds: z
          .object({ 'personal-id': z.string(), 'enterprise-code': z.string() })
          .strict()
          .default(defaultPortalCodes.identifierKinds),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine(hasSafeTransport, {
    path: ['baseUrl'],
    message: 'https is required (plain http only on loopback, or with allowPlainHttp for a private line)',
  });

export type NationalWarehouseConfigInput = z.input<typeof nationalWarehouseConfigSchema>;
export type NationalWarehouseConfig = z.output<typeof nationalWarehouseConfigSchema>;
export type GatewayAuthenticationConfig = NationalWarehouseConfig['authentication'];

/** The configuration, or an error naming the fields that are wrong (never their values: some are secrets). */
export function parseNationalWarehouseConfig(input: unknown): NationalWarehouseConfig {
  const parsed = nationalWarehouseConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`national warehouse configuration is invalid: ${problems.join('; ')}`);
}
