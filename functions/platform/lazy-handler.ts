import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './observability.ts';

export interface LazyHandlerOptions {
  /**
   * Where the event carries its correlation id, as a dotted path: API Gateway's request id
   * for HTTP (the default), the upload id for the digitize workflow's steps.
   */
  correlationIdPath?: string;
}

/** X-Ray can search traces by annotation: the trace gets the correlation id the logs carry. */
const annotateCorrelationId: middy.MiddlewareObj = {
  before: () => {
    const correlationId = logger.getCorrelationId();
    if (typeof correlationId === 'string') tracer.putAnnotation('correlationId', correlationId);
  },
};

/**
 * A Lambda entry point whose dependencies are built on the first invocation, once per
 * container. Importing a handler module (as the embedded runtime does) builds nothing.
 * Every invocation is traced, logs with the Lambda context and its correlation id (keys
 * reset afterwards), and flushes the business metrics it recorded.
 */
export function lazyHandler<E, R>(
  build: () => (event: E, context: Context) => Promise<R>,
  { correlationIdPath = 'requestContext.requestId' }: LazyHandlerOptions = {},
) {
  let handler: ((event: E, context: Context) => Promise<R>) | undefined;
  return (
    middy<E, R>()
      // Responses carry personal data (documents, IDs, presigned URLs): traces keep only timings and errors.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true, correlationIdPath }))
      .use(annotateCorrelationId)
      .use(logMetrics(metrics))
      .handler((event, context) => {
        handler ??= build();
        return handler(event, context);
      })
  );
}
