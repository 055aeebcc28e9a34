import { z } from 'zod';
import { defaultVaultPolicy, type VaultPolicy } from '../vault/core/vault-policy.ts';

const positiveInt = z.coerce.number().int().positive();

/** Lambda environment, validated once at cold start; a bad value fails loudly, naming the variable. */
const environment = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  JWT_ISSUER: z.string().url().optional(),
  JWT_AUDIENCE: z.string().min(1).default('khoso'),
  JWKS_URL: z.string().url().optional(),
  MAX_UPLOAD_BYTES: positiveInt.default(defaultVaultPolicy.maxUploadBytes),
  UPLOAD_URL_TTL_SECONDS: positiveInt.max(3600).default(defaultVaultPolicy.uploadUrlTtlSeconds),
  DOWNLOAD_URL_TTL_SECONDS: positiveInt.max(300).default(defaultVaultPolicy.downloadUrlTtlSeconds),
  ALLOWED_CONTENT_TYPES: z.string().default(defaultVaultPolicy.allowedContentTypes.join(',')),
  MAX_IMAGE_PIXELS: positiveInt.default(defaultVaultPolicy.maxImagePixels),
  MAX_PDF_PAGES: positiveInt.default(defaultVaultPolicy.maxPdfPages),
  /** Tesseract reads Vietnamese; Textract only suits documents in the languages it supports. */
  OCR_ENGINE: z.enum(['tesseract', 'textract']).default('tesseract'),
  /** The KMS key of the agency seal; only functions that seal or import its certificate get it. */
  SEAL_KEY_ID: z.string().min(1).optional(),
  /** The KMS key that seals webhook secrets; only the unit-sync routes and the delivery function get it. */
  WEBHOOK_SECRET_KEY_ID: z.string().min(1).optional(),
  /** Remote signing providers: each is enabled by its endpoint and API key. */
  SIM_SIGNING_ENDPOINT: z.string().url().optional(),
  SIM_SIGNING_API_KEY: z.string().min(1).optional(),
  SMARTCA_SIGNING_ENDPOINT: z.string().url().optional(),
  SMARTCA_SIGNING_API_KEY: z.string().min(1).optional(),
  /** The population database's client settings (JSON, no secret); the secret holds its client secret or password. */
  POPULATION_DATABASE_CONFIG: z.string().min(2).optional(),
  POPULATION_DATABASE_SECRET_ARN: z.string().min(1).optional(),
  SIGNATURE_REQUEST_TTL_SECONDS: positiveInt.max(86_400).default(defaultVaultPolicy.signatureRequestTtlSeconds),
});

export type LambdaConfig = z.infer<typeof environment>;

export function loadLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid Lambda configuration: ${problems}`);
  }
  return parsed.data;
}

export function vaultPolicyFrom(config: LambdaConfig): VaultPolicy {
  return {
    ...defaultVaultPolicy,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    downloadUrlTtlSeconds: config.DOWNLOAD_URL_TTL_SECONDS,
    allowedContentTypes: config.ALLOWED_CONTENT_TYPES.split(',')
      .map((type) => type.trim())
      .filter(Boolean),
    maxImagePixels: config.MAX_IMAGE_PIXELS,
    maxPdfPages: config.MAX_PDF_PAGES,
    signatureRequestTtlSeconds: config.SIGNATURE_REQUEST_TTL_SECONDS,
  };
}
