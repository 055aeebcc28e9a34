import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { awsSyncConsumerDeps, type AwsSyncConsumerDeps } from '../../composition/aws-sync-deps.ts';
import { logger } from '../../platform/observability.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { syncDocument } from '../core/sync-document.ts';
import { syncEventTypes } from '../core/sync-record.ts';

/** The dispatcher's message; anything else was not written by it. */
const syncEvent = z.strictObject({
  type: z.enum(syncEventTypes),
  ownerId: z.string().min(1).max(128),
  documentId: z.string().min(1).max(128),
  versionNumber: z.number().int().positive(),
  eventId: z.string().min(1).max(300),
});

function parseEvent(body: string) {
  try {
    return syncEvent.safeParse(JSON.parse(body));
  } catch {
    return { success: false as const };
  }
}

/**
 * The sync queue's consumer. Each message is settled on its own (partial batch responses): a
 * finished one (synced, skipped, held, dead) is deleted; a retry stays invisible for its backoff
 * and is reported failed, so SQS delivers it again then; a crash is reported failed and comes back
 * after the queue's visibility timeout. Past maxReceiveCount SQS moves it to the dead-letter queue.
 */
export function createSyncConsumer(deps: AwsSyncConsumerDeps) {
  /** The message's id when SQS must deliver it again, undefined when it is settled. */
  const settle = async (message: SQSRecord): Promise<string | undefined> => {
    const parsed = parseEvent(message.body);
    if (!parsed.success) {
      // No record names it, so no retry can succeed: dropped, with the id to find it by.
      logger.error('sync message is not a sync event; dropped', { messageId: message.messageId });
      return undefined;
    }
    try {
      const result = await syncDocument(deps.sync, parsed.data);
      if (result.outcome !== 'retry') {
        logger.info('sync message settled', { eventId: parsed.data.eventId, outcome: result.outcome });
        return undefined;
      }
      logger.warn('sync push will be retried', {
        eventId: parsed.data.eventId,
        delaySeconds: result.delaySeconds,
        detail: result.detail,
      });
      await deps.retryAfter(message.receiptHandle, result.delaySeconds);
      return message.messageId;
    } catch (error) {
      logger.error('sync message failed', { eventId: parsed.data.eventId, error });
      return message.messageId;
    }
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // Messages about one document (a duplicate, a newer version) run one after another: run at
    // once, both would read the same record and push the same dossier twice.
    const byDocument = new Map<string, SQSRecord[]>();
    for (const message of event.Records) {
      const key = documentKeyOf(message.body);
      byDocument.set(key, [...(byDocument.get(key) ?? []), message]);
    }
    const failures = await Promise.all(
      [...byDocument.values()].map(async (messages) => {
        const failed: string[] = [];
        for (const message of messages) {
          const id = await settle(message);
          if (id) failed.push(id);
        }
        return failed;
      }),
    );
    return { batchItemFailures: failures.flat().map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** Which document a message is about; a body that is no sync event is its own group. */
function documentKeyOf(body: string): string {
  const parsed = parseEvent(body);
  return parsed.success ? `${parsed.data.ownerId}/${parsed.data.documentId}` : body;
}

export const handler = lazyHandler(() => createSyncConsumer(awsSyncConsumerDeps()), {
  correlationIdPath: 'Records[0].messageId',
});
