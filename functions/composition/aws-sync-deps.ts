import { z } from 'zod';
import { createS3BlobStore } from '../platform/adapters/s3-blob-store.ts';
import { dynamoDocumentClient, s3Client, sqsClient } from '../platform/adapters/aws-clients.ts';
import { systemClock } from '../platform/core/runtime.ts';
import { DynamoTable } from '../platform/storage/dynamo-table.ts';
import { createDynamoSyncRecordStore } from '../sync/adapters/dynamo-sync-record-store.ts';
import { createDynamoSyncStore } from '../sync/adapters/dynamo-sync-store.ts';
import { createSqsDeadLetters, createSqsRetryDelay, createSqsSyncQueue } from '../sync/adapters/sqs-sync-queue.ts';
import { defaultBackoff, defaultMaxAttempts } from '../sync/core/backoff.ts';
import type { DispatchDeps } from '../sync/core/dispatch-sync.ts';
import type { DeadLetters } from '../sync/core/sync-admin.ts';
import { standardDossierDefaults, type SyncDeps } from '../sync/core/sync-document.ts';
import { storedSyncPolicy } from '../sync/core/sync-policy.ts';
import { createDynamoSyncStoreWithDocuments } from './dynamo-sync-store.ts';
import { lazyWarehouse } from './aws-pull-deps.ts';

/** What lib/constructs/national-warehouse-push.ts gives the push's functions. */
const environment = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  SYNC_QUEUE_URL: z.string().min(1),
  NATIONAL_WAREHOUSE_CONFIG: z.string().min(2),
  NATIONAL_WAREHOUSE_SECRET_ARN: z.string().min(1),
});

/** The consumer's dependencies: the use case's, and the backoff on its queue. */
export interface AwsSyncConsumerDeps {
  sync: SyncDeps;
  retryAfter: (receiptHandle: string, delaySeconds: number) => Promise<void>;
}

let consumer: AwsSyncConsumerDeps | undefined;

export function awsSyncConsumerDeps(): AwsSyncConsumerDeps {
  if (consumer) return consumer;
  const env = environment.parse(process.env);
  const db = dynamoDocumentClient();
  consumer = {
    sync: {
      store: createDynamoSyncStoreWithDocuments(db, env.TABLE_NAME),
      // The portal downloads the paper through a 24-hour presigned GET under vault/.
      blobs: createS3BlobStore({ s3: s3Client(), bucket: env.BUCKET_NAME }),
      warehouse: lazyWarehouse(env.NATIONAL_WAREHOUSE_CONFIG, env.NATIONAL_WAREHOUSE_SECRET_ARN),
      // The administrators' stored policy, read per message so a change applies at once.
      policy: storedSyncPolicy(createDynamoSyncStore(new DynamoTable(db, env.TABLE_NAME))),
      clock: systemClock,
      defaults: standardDossierDefaults,
      maxAttempts: defaultMaxAttempts,
      backoff: defaultBackoff,
    },
    retryAfter: createSqsRetryDelay({ sqs: sqsClient(), queueUrl: env.SYNC_QUEUE_URL }),
  };
  return consumer;
}

const dispatcherEnvironment = z.object({ TABLE_NAME: z.string().min(1), SYNC_QUEUE_URL: z.string().min(1) });

let dispatcher: DispatchDeps | undefined;

export function awsSyncDispatchDeps(): DispatchDeps {
  if (dispatcher) return dispatcher;
  const env = dispatcherEnvironment.parse(process.env);
  const table = new DynamoTable(dynamoDocumentClient(), env.TABLE_NAME);
  dispatcher = {
    store: createDynamoSyncRecordStore(table),
    queue: createSqsSyncQueue({ sqs: sqsClient(), queueUrl: env.SYNC_QUEUE_URL }),
    clock: systemClock,
    // Read for its version: a new one has the held records decided again.
    policies: createDynamoSyncStore(table),
  };
  return dispatcher;
}

const deadLetterEnvironment = z.object({
  SYNC_QUEUE_ARN: z.string().min(1).optional(),
  SYNC_DEAD_LETTER_QUEUE_URL: z.string().min(1).optional(),
  SYNC_DEAD_LETTER_QUEUE_ARN: z.string().min(1).optional(),
});

/** The sync administration's redrive: SQS's move task where the stage pushes, nothing to move where it does not. */
export function awsSyncDeadLetters(): DeadLetters {
  const env = deadLetterEnvironment.parse(process.env);
  if (!env.SYNC_QUEUE_ARN || !env.SYNC_DEAD_LETTER_QUEUE_URL || !env.SYNC_DEAD_LETTER_QUEUE_ARN) {
    return { redrive: async () => ({ moved: 0 }) };
  }
  return createSqsDeadLetters({
    sqs: sqsClient(),
    deadLetterQueueUrl: env.SYNC_DEAD_LETTER_QUEUE_URL,
    deadLetterQueueArn: env.SYNC_DEAD_LETTER_QUEUE_ARN,
    queueArn: env.SYNC_QUEUE_ARN,
  });
}
