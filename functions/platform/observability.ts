import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Powertools logger, tracer and metrics, one of each per process. Every function sets
 * POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL and POWERTOOLS_METRICS_NAMESPACE (see
 * lib/constructs/vault-function.ts); the embedded runtime and the tests run on the defaults.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'khoso';

const idPattern = /\b(\d{3})\d{6,7}(\d{3})(-\d{3})?\b/g;

/** Personal IDs (12 digits) and long enterprise codes (13 digits, maybe a -NNN branch) keep their ends only. */
export function maskIdentifiers(text: string): string {
  return text.replace(
    idPattern,
    (_match, head: string, tail: string, branch?: string) => `${head}******${tail}${branch ?? ''}`,
  );
}

/**
 * The logger's JSON replacer: sees every value it writes (message, fields, an error's
 * message and stack), so logs can be shipped without leaking who is who.
 */
export function maskingReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return maskIdentifiers(value);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const text = String(value);
    const masked = maskIdentifiers(text);
    return masked === text ? value : masked;
  }
  return value;
}

/** The logger's correlation-id lookup: a dotted path into the event (requestContext.requestId, uploadId). */
export function valueAtPath(path: string, event: unknown): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      event,
    );
}

export const logger = new Logger({ serviceName, jsonReplacerFn: maskingReplacer, correlationIdSearchFn: valueAtPath });

/** Off outside Lambda (the tracer checks AWS_EXECUTION_ENV); POWERTOOLS_TRACE_ENABLED=false turns it off anywhere. */
export const tracer = new Tracer({ serviceName });

/**
 * Most invocations record no business metric, and Powertools warns at each such flush; its
 * warnings are written at debug level, still visible with POWERTOOLS_LOG_LEVEL=debug.
 */
const metricsDiagnostics: NonNullable<NonNullable<ConstructorParameters<typeof Metrics>[0]>['logger']> = {
  trace: (...content: unknown[]) => logger.trace(String(content[0])),
  debug: (...content: unknown[]) => logger.debug(String(content[0])),
  info: (...content: unknown[]) => logger.info(String(content[0])),
  warn: (...content: unknown[]) => logger.debug(String(content[0])),
  error: (...content: unknown[]) => logger.error(String(content[0])),
};

// Outside Lambda (npm start, tests) nothing collects EMF from stdout: metrics stay off there
// unless POWERTOOLS_METRICS_DISABLED=false asks for them.
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export const metrics = createMetrics();

/** Embedded metric format on stdout, namespace khoso, dimensions service and stage. */
export function createMetrics(): Metrics {
  const stage = process.env.KHOSO_STAGE;
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'khoso',
    serviceName,
    logger: metricsDiagnostics,
    ...(stage ? { defaultDimensions: { stage } } : {}),
  });
}
