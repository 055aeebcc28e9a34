import { z } from 'zod';
import { browserLoginSettingsSchema, identityProvidersSchema } from '../../functions/auth/core/identity-providers.ts';
import { populationDatabaseConfigSchema } from '../../functions/identity/adapters/population-database-http.ts';
import {
  gatewayAuthenticationSchema,
  nationalWarehouseConfigSchema,
} from '../../functions/sync/adapters/national-warehouse-config.ts';
import { dossierDefaultsSchema } from '../../functions/sync/core/dossier-defaults.ts';

const httpsOrLoopbackUrl = z
  .string()
  .url()
  .refine(
    (value) => value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value),
    'must be https (plain http only on 127.0.0.1/localhost, for the emulator)',
  );

/**
 * A remote signing service (SIM PKI, SmartCA). Its API key stays in Secrets Manager:
 * CloudFormation resolves the secret when it deploys the functions that call the service.
 */
const remoteSigningProvider = z.object({
  endpoint: httpsOrLoopbackUrl,
  /** Name or ARN of the Secrets Manager secret whose SecretString is the API key. */
  apiKeySecret: z.string().min(1),
});

/**
 * The national warehouse's gateway: its settings as functions/sync/adapters/national-warehouse-config.ts
 * reads them, minus the client secret or password, which stays in Secrets Manager
 * (`{"clientSecret": …}` or `{"password": …}`) and is read by the functions at run time.
 */
const nationalWarehouse = z
  .object({
    gateway: z.record(z.string(), z.unknown()),
    credentialsSecret: z.string().min(1),
  })
  .refine(
    ({ gateway }) => isGatewayConfig(gateway),
    'gateway is not a valid national warehouse configuration (see docs/integration.md)',
  );

/** The gateway's settings with a stand-in for the secret the functions read from Secrets Manager. */
function withSecret(gateway: Record<string, unknown>): Record<string, unknown> {
  const authentication = gateway.authentication as { kind?: string } | undefined;
  const secret = authentication?.kind === 'session-login' ? { password: 'secret' } : { clientSecret: 'secret' };
  return { ...gateway, authentication: { ...authentication, ...secret } };
}

/** Valid once the secret the functions read from Secrets Manager is added to it. */
function isGatewayConfig(gateway: Record<string, unknown>): boolean {
  return nationalWarehouseConfigSchema.safeParse(withSecret(gateway)).success;
}

/**
 * The population database's gateway, as functions/composition/population-database.ts reads it
 * (look-up settings and the gateway's authentication), minus its secret, kept like the national
 * warehouse's. Unset: officers' pages naming a person go to review, their owner unconfirmed.
 */
const populationDatabase = z
  .object({
    gateway: z.record(z.string(), z.unknown()),
    credentialsSecret: z.string().min(1),
  })
  .refine(({ gateway }) => {
    const { authentication, ...lookup } = withSecret(gateway);
    return (
      populationDatabaseConfigSchema.safeParse(lookup).success &&
      gatewayAuthenticationSchema.safeParse(authentication).success
    );
  }, 'gateway is not a valid population database configuration (see docs/integration.md)');

/** CloudWatch Logs accepts only these retention periods (days). */
const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Everything that differs between deployments, validated when the app is synthesised:
 * a bad value stops `cdk synth` with a message naming the setting.
 */
export const stageConfigSchema = z.object({
  /** Lower-case stage name; it prefixes every physical name. */
  stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'must be 2-16 characters of a-z, 0-9 and -'),
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional(),
  auth: z
    .object({
      /**
       * The trusted identity providers and authorization servers (national portal, ministry
       * portals, one-stop shops, the machine clients' server): a token from any other issuer is refused.
       */
      identityProviders: identityProvidersSchema,
      /** Browser login (public base URL, returnTo origins, session lifetime): needed once a provider offers it. */
      browserLogin: browserLoginSettingsSchema.optional(),
    })
    .refine((auth) => auth.browserLogin || !auth.identityProviders.some((provider) => provider.browserLogin), {
      message:
        "a provider offers browser login: set browserLoginBaseUrl (the API's public URL, for the redirect URI " +
        '<url>/auth/callback registered at the provider)',
      path: ['browserLogin'],
    }),
  limits: z.object({
    maxUploadBytes: z
      .number()
      .int()
      .positive()
      .max(5 * 1024 ** 3),
    uploadUrlTtlSeconds: z.number().int().positive().max(3600),
    /** Presigned downloads live at most five minutes. */
    downloadUrlTtlSeconds: z.number().int().positive().max(300),
    maxImagePixels: z.number().int().positive(),
    maxPdfPages: z.number().int().positive(),
  }),
  allowedContentTypes: z.array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/)).min(1),
  /** OCR engine for the coming OCR state: tesseract (Vietnamese) or Textract (where its languages fit). */
  ocrEngine: z.enum(['tesseract', 'textract']),
  api: z.object({
    throttleRateLimit: z.number().positive(),
    throttleBurstLimit: z.number().int().positive(),
    /** Browser origins allowed to POST scans straight to S3; empty means no CORS rule. */
    corsOrigins: z.array(z.string().url()),
  }),
  signing: z.object({
    /** How long a signer has to answer a signature request; the functions' default when unset. */
    requestTtlSeconds: z.number().int().positive().max(86_400).optional(),
    /** Each remote provider is enabled by configuring it; none by default. */
    remoteProviders: z.object({ sim: remoteSigningProvider.optional(), smartca: remoteSigningProvider.optional() }),
  }),
  /** Where pulls (and pushes) reach the national warehouse; pulls fail with a clear reason while unset. */
  nationalWarehouse: nationalWarehouse.optional(),
  /** Where the Extract step confirms the owners officers name; see docs/deployment.md for a stage without one. */
  populationDatabase: populationDatabase.optional(),
  /**
   * What a pushed dossier falls back to when the document lacks it (procedure code and name, result
   * type, processing unit `DonViXuLy`); each field left out keeps the standard one.
   */
  dossierDefaults: dossierDefaultsSchema.optional(),
  /**
   * The API's public URL when a custom domain fronts it: the national warehouse's download links
   * point there. Unset: the browser-login base URL, else the API's own execute-api URL.
   */
  apiPublicUrl: httpsOrLoopbackUrl.optional(),
  /** Production keeps data: table deletion protection and RETAIN on table, bucket and keys. */
  retainData: z.boolean(),
  logRetentionDays: z
    .number()
    .refine(
      (days) => (logRetentionDays as readonly number[]).includes(days),
      'is not a CloudWatch Logs retention period',
    ),
  /** The functions' log level (POWERTOOLS_LOG_LEVEL): INFO unless `-c logLevel=DEBUG` asks for more. */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  /** Alarm notifications go to this address when set. */
  alarmEmail: z.string().email().optional(),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;

/** What every physical name of a stage starts with (functions, table, bucket, key aliases…). */
export function stageNamePrefix(stage: string): string {
  return `khoso-${stage}`;
}

const commonDefaults = {
  limits: {
    maxUploadBytes: 20 * 1024 * 1024,
    uploadUrlTtlSeconds: 900,
    downloadUrlTtlSeconds: 300,
    maxImagePixels: 100_000_000,
    maxPdfPages: 500,
  },
  allowedContentTypes: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'],
  ocrEngine: 'tesseract',
  api: { throttleRateLimit: 50, throttleBurstLimit: 100, corsOrigins: [] },
  logLevel: 'INFO',
} as const;

/**
 * Per-stage defaults. `dev` names an issuer that does not exist, so a dev stack rejects
 * every token until it is pointed at a real one; `prod` has no issuer default at all.
 */
const stageDefaults: Record<string, Record<string, unknown>> = {
  dev: {
    ...commonDefaults,
    jwtIssuer: 'https://issuer.invalid/khoso-dev',
    jwksUrl: 'https://issuer.invalid/khoso-dev/jwks.json',
    retainData: false,
    logRetentionDays: 14,
  },
  prod: {
    ...commonDefaults,
    retainData: true,
    logRetentionDays: 365,
  },
};

/** Context keys an administrator may pass with `-c key=value` (or put in cdk.json). */
export const contextKeys = [
  'stage',
  'account',
  'region',
  'jwtIssuer',
  'jwksUrl',
  'jwtAudience',
  'identityProviders',
  'browserLoginBaseUrl',
  'returnToOrigins',
  'sessionLifetimeSeconds',
  'ocrEngine',
  'allowedContentTypes',
  'maxUploadBytes',
  'retainData',
  'logRetentionDays',
  'logLevel',
  'alarmEmail',
  'corsOrigins',
  'signatureRequestTtlSeconds',
  'simSigningEndpoint',
  'simSigningApiKeySecret',
  'smartcaSigningEndpoint',
  'smartcaSigningApiKeySecret',
  'nationalWarehouseGateway',
  'nationalWarehouseCredentialsSecret',
  'populationDatabaseGateway',
  'populationDatabaseCredentialsSecret',
  'dossierDefaults',
  'apiPublicUrl',
] as const;

type ContextReader = (key: (typeof contextKeys)[number]) => unknown;

function list(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
}

function numberOrSame(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
}

function upperCaseOrSame(value: unknown): unknown {
  return typeof value === 'string' ? value.toUpperCase() : value;
}

function booleanOrSame(value: unknown): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

function definedEntries(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** A remote provider named in context; either key alone still reaches validation, which names the missing one. */
function remoteProvider(endpoint: unknown, apiKeySecret: unknown): Record<string, unknown> | undefined {
  return endpoint === undefined && apiKeySecret === undefined ? undefined : definedEntries({ endpoint, apiKeySecret });
}

/**
 * The single issuer of `-c jwtIssuer=… -c jwksUrl=…` (the setting before identity providers
 * existed): a provider of our own vault claims for every kind of person, discovered at its
 * well-known address.
 */
function singleIssuer(issuer: unknown, jwksUrl: unknown, audience: unknown): Record<string, unknown>[] {
  if (issuer === undefined && jwksUrl === undefined) return [];
  return [
    definedEntries({
      id: 'default',
      issuer,
      jwksUrl,
      discoveryUrl:
        typeof issuer === 'string' ? `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration` : undefined,
      clientId: audience ?? 'khoso',
      audience: audience ?? 'khoso',
      claimMapping: 'vault-claims',
      accountTypes: ['citizen', 'business', 'organisation', 'officer', 'admin'],
      tokenKinds: ['user'],
    }),
  ];
}

/** `identityProviders` from cdk.json (an array) or the command line (a JSON string). */
function jsonOrSame(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The stage's defaults overlaid with CDK context. Context from the command line arrives as
 * strings, so numbers, booleans and comma-separated lists are converted before validation.
 */
export function loadStageConfig(context: ContextReader): StageConfig {
  const stage = String(context('stage') ?? 'dev');
  const defaults = (stageDefaults[stage] ?? stageDefaults.prod) as Record<string, Record<string, unknown>>;
  const candidate = {
    ...defaults,
    ...definedEntries({
      stage,
      account: context('account'),
      region: context('region'),
      ocrEngine: context('ocrEngine'),
      allowedContentTypes: list(context('allowedContentTypes')),
      retainData: booleanOrSame(context('retainData')),
      logRetentionDays: numberOrSame(context('logRetentionDays')),
      logLevel: upperCaseOrSame(context('logLevel')),
      alarmEmail: context('alarmEmail'),
      dossierDefaults: jsonOrSame(context('dossierDefaults')),
      apiPublicUrl: context('apiPublicUrl'),
    }),
    auth: {
      // The stage's default issuer stands in only when none is configured.
      identityProviders: [
        ...((context('jwtIssuer') ?? context('jwksUrl') ?? context('identityProviders'))
          ? singleIssuer(context('jwtIssuer'), context('jwksUrl'), context('jwtAudience'))
          : singleIssuer(defaults.jwtIssuer, defaults.jwksUrl, context('jwtAudience'))),
        ...((jsonOrSame(context('identityProviders')) as unknown[] | undefined) ?? []),
      ],
      ...(context('browserLoginBaseUrl') === undefined
        ? {}
        : {
            browserLogin: definedEntries({
              publicBaseUrl: context('browserLoginBaseUrl'),
              allowedReturnToOrigins: list(context('returnToOrigins')),
              sessionLifetimeSeconds: numberOrSame(context('sessionLifetimeSeconds')),
            }),
          }),
    },
    limits: { ...defaults.limits, ...definedEntries({ maxUploadBytes: numberOrSame(context('maxUploadBytes')) }) },
    api: { ...defaults.api, ...definedEntries({ corsOrigins: list(context('corsOrigins')) }) },
    ...definedEntries({
      nationalWarehouse:
        context('nationalWarehouseGateway') === undefined && context('nationalWarehouseCredentialsSecret') === undefined
          ? undefined
          : {
              gateway: jsonOrSame(context('nationalWarehouseGateway')),
              credentialsSecret: context('nationalWarehouseCredentialsSecret'),
            },
      populationDatabase:
        context('populationDatabaseGateway') === undefined &&
        context('populationDatabaseCredentialsSecret') === undefined
          ? undefined
          : {
              gateway: jsonOrSame(context('populationDatabaseGateway')),
              credentialsSecret: context('populationDatabaseCredentialsSecret'),
            },
    }),
    signing: {
      ...definedEntries({ requestTtlSeconds: numberOrSame(context('signatureRequestTtlSeconds')) }),
      remoteProviders: definedEntries({
        sim: remoteProvider(context('simSigningEndpoint'), context('simSigningApiKeySecret')),
        smartca: remoteProvider(context('smartcaSigningEndpoint'), context('smartcaSigningApiKeySecret')),
      }),
    },
  };
  const parsed = stageConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid khoso configuration for stage "${stage}": ${problems}`);
  }
  return parsed.data;
}
