import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditEntry, AuditOutcome } from '../core/audit-model.ts';
import { metrics } from '../../platform/observability.ts';

/**
 * Every business event leaves an audit entry, so the business metrics are counted from the
 * entries once they are durably written: a metric never counts an act that was rolled back.
 */
const metricOfAction: Record<string, { metric: string; outcome: AuditOutcome }> = {
  'upload.create': { metric: 'UploadsAccepted', outcome: 'success' },
  'upload.create-for-owner': { metric: 'UploadsAccepted', outcome: 'success' },
  // Only the digitize workflow's File step creates documents and their later versions.
  'document.create': { metric: 'UploadsFiled', outcome: 'success' },
  'document.add-version': { metric: 'UploadsFiled', outcome: 'success' },
  'upload.fail': { metric: 'UploadsFailed', outcome: 'success' },
  'upload.review-requested': { metric: 'UploadsSentToReview', outcome: 'success' },
  'signature.complete': { metric: 'SignaturesCompleted', outcome: 'success' },
  'share.create': { metric: 'SharesCreated', outcome: 'success' },
  'link.create': { metric: 'LinksCreated', outcome: 'success' },
  'access.refused': { metric: 'LookupsRefused', outcome: 'denied' },
};

/** The metric an audit entry counts toward, if any (a refused share counts as no share). */
export function businessMetricOf(entry: Pick<AuditEntry, 'action' | 'outcome'>): string | undefined {
  const mapped = metricOfAction[entry.action];
  return mapped && mapped.outcome === entry.outcome ? mapped.metric : undefined;
}

/** Adds one count per entry that maps to a metric; the Lambda middleware flushes them as EMF. */
export function recordBusinessMetrics(
  entries: readonly AuditEntry[],
  sink: { addMetric: (name: string, unit: typeof MetricUnit.Count, value: number) => unknown } = metrics,
): void {
  for (const entry of entries) {
    const metric = businessMetricOf(entry);
    if (metric) sink.addMetric(metric, MetricUnit.Count, 1);
  }
}
