import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import type { AuditEntry } from '../../../functions/audit/core/audit-model.ts';

// Metrics stay off outside Lambda unless asked for; these tests read what they publish.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.KHOSO_STAGE = 'test';
const { logger, maskIdentifiers, valueAtPath } = await import('../../../functions/platform/observability.ts');
const { lazyHandler } = await import('../../../functions/platform/lazy-handler.ts');
const { businessMetricOf, recordBusinessMetrics } =
  await import('../../../functions/audit/adapters/business-metrics.ts');

/** Every line the logger and the metrics write during `run`, parsed (both write JSON lines). */
async function written(run: () => Promise<unknown> | void): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof stream.write;
  }
  try {
    await run();
  } finally {
    streams.forEach((stream, index) => {
      stream.write = writes[index]!;
    });
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const context = {
  functionName: 'khoso-test-api-sharing',
  functionVersion: '$LATEST',
  memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:khoso-test-api-sharing',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function entry(action: string, outcome: AuditEntry['outcome'] = 'success'): AuditEntry {
  return {
    id: 'a1',
    ownerId: '079203001234',
    at: '2026-12-01T00:00:00.000Z',
    actor: { sub: 'citizen-1', role: 'citizen' },
    action,
    resourceType: 'document',
    resourceId: 'd1',
    outcome,
    sourceIp: '203.0.113.9',
  };
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
}
const emf = (line: Record<string, unknown>) =>
  (line._aws as { CloudWatchMetrics: EmfDirective[] } | undefined)?.CloudWatchMetrics[0];

describe('logs', () => {
  test('personal IDs and enterprise codes are masked in messages, fields, nested values and errors', async () => {
    const [line] = await written(() =>
      logger.error('lookup of 079203001234 failed', {
        ownerId: '079203001234',
        enterprise: '0312345678901-001',
        nested: { number: 123456789012 },
        error: new Error('no vault for 079203001234'),
      }),
    );
    const text = JSON.stringify(line);
    assert.doesNotMatch(text, /079203001234|0312345678901|123456789012/);
    assert.equal(line?.message, 'lookup of 079******234 failed');
    assert.equal(line?.ownerId, '079******234');
    assert.equal(line?.enterprise, '031******901-001');
    assert.deepEqual(line?.nested, { number: '123******012' });
    assert.equal((line?.error as { message: string }).message, 'no vault for 079******234');
    assert.equal(line?.level, 'ERROR');
  });

  test('short numbers and other strings are left alone', () => {
    assert.equal(maskIdentifiers('page 12 of 300, request 1234567'), 'page 12 of 300, request 1234567');
  });

  test('debug lines are written only at the debug level', async () => {
    assert.deepEqual(await written(() => logger.debug('not shown')), []);
    logger.setLogLevel('DEBUG');
    try {
      assert.equal((await written(() => logger.debug('shown')))[0]?.message, 'shown');
    } finally {
      logger.setLogLevel('INFO');
    }
  });

  test('correlation ids are found by dotted path', () => {
    assert.equal(valueAtPath('requestContext.requestId', { requestContext: { requestId: 'r-1' } }), 'r-1');
    assert.equal(valueAtPath('requestContext.requestId', { uploadId: 'u-1' }), undefined);
    assert.equal(valueAtPath('uploadId', null), undefined);
  });
});

describe('business metrics', () => {
  test('audit actions map to business metrics, each with the outcome it counts', () => {
    assert.equal(businessMetricOf(entry('upload.create')), 'UploadsAccepted');
    assert.equal(businessMetricOf(entry('upload.create-for-owner')), 'UploadsAccepted');
    assert.equal(businessMetricOf(entry('document.create')), 'UploadsFiled');
    assert.equal(businessMetricOf(entry('document.add-version')), 'UploadsFiled');
    assert.equal(businessMetricOf(entry('upload.fail')), 'UploadsFailed');
    assert.equal(businessMetricOf(entry('upload.review-requested')), 'UploadsSentToReview');
    assert.equal(businessMetricOf(entry('signature.complete')), 'SignaturesCompleted');
    assert.equal(businessMetricOf(entry('share.create')), 'SharesCreated');
    assert.equal(businessMetricOf(entry('access.refused', 'denied')), 'LookupsRefused');
    // A refused share is no share; reading a document is no business event.
    assert.equal(businessMetricOf(entry('share.create', 'denied')), undefined);
    assert.equal(businessMetricOf(entry('document.read-content')), undefined);
  });

  test('counts one per mapped entry', () => {
    const added: [string, string, number][] = [];
    const entries = [entry('share.create'), entry('share.create'), entry('document.update'), entry('upload.fail')];
    recordBusinessMetrics(entries, {
      addMetric: (name, unit, value) => {
        added.push([name, unit, value]);
      },
    });
    assert.deepEqual(added, [
      ['SharesCreated', 'Count', 1],
      ['SharesCreated', 'Count', 1],
      ['UploadsFailed', 'Count', 1],
    ]);
  });
});

describe('lazyHandler', () => {
  let builds = 0;
  const handler = lazyHandler(() => {
    builds += 1;
    return async (event: { requestContext?: { requestId: string }; shares?: number }) => {
      logger.info('handled');
      recordBusinessMetrics(Array.from({ length: event.shares ?? 0 }, () => entry('share.create')));
      return 'ok';
    };
  });
  const stepHandler = lazyHandler(
    () => async (_event: { uploadId: string }) => {
      logger.info('step');
      return 'done';
    },
    { correlationIdPath: 'uploadId' },
  );

  before(() => {
    builds = 0;
  });
  after(() => logger.setLogLevel('INFO'));

  test('logs with the Lambda context and the request id, and flushes the metrics as EMF', async () => {
    const lines = await written(() => handler({ requestContext: { requestId: 'api-request-1' }, shares: 2 }, context));
    const log = lines.find((line) => line.message === 'handled');
    assert.equal(log?.correlation_id, 'api-request-1');
    assert.equal(log?.function_name, 'khoso-test-api-sharing');
    assert.equal(log?.function_request_id, 'lambda-request-1');
    const metricsLine = lines.find((line) => emf(line));
    const published = metricsLine && emf(metricsLine);
    assert.equal(published?.Namespace, 'khoso');
    assert.deepEqual(published?.Dimensions, [['service', 'stage']]);
    assert.deepEqual(
      published?.Metrics.map((metric) => metric.Name),
      ['SharesCreated'],
    );
    assert.deepEqual(metricsLine?.SharesCreated, [1, 1]);
    assert.equal(metricsLine?.stage, 'test');
  });

  test('keys are reset after each invocation, dependencies are built once, no metrics means no EMF', async () => {
    const lines = await written(() => handler({}, context));
    assert.equal(lines.find((line) => line.message === 'handled')?.correlation_id, undefined);
    assert.equal(
      lines.some((line) => emf(line)),
      false,
    );
    assert.equal(lines.length, 1, 'the empty flush writes no warning at the info level');
    assert.equal(builds, 1);
  });

  test('workflow steps carry the upload id as correlation id', async () => {
    const lines = await written(() => stepHandler({ uploadId: '6f1c2a51-0b9e-4d35-9c1e-6f1f0f7a1c2b' }, context));
    assert.equal(lines.find((line) => line.message === 'step')?.correlation_id, '6f1c2a51-0b9e-4d35-9c1e-6f1f0f7a1c2b');
    assert.equal(logger.getCorrelationId(), undefined);
  });
});
