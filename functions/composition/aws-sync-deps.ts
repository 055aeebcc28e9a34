import { z } from 'zod';
import { dynamoDocumentClient, sqsClient } from '../platform/adapters/aws-clients.ts';
import { systemClock } from '../platform/core/runtime.ts';
import { DynamoTable } from '../platform/storage/dynamo-table.ts';
import { createDynamoPortalLinkStore } from '../sync/adapters/dynamo-portal-link-store.ts';
import { createDynamoSyncRecordStore } from '../sync/adapters/dynamo-sync-record-store.ts';
import { createDynamoSyncStore } from '../sync/adapters/dynamo-sync-store.ts';
import { createSqsDeadLetters, createSqsRetryDelay, createSqsSyncQueue } from '../sync/adapters/sqs-sync-queue.ts';
import { defaultBackoff, defaultMaxAttempts } from '../sync/core/backoff.ts';
import type { DispatchDeps } from '../sync/core/dispatch-sync.ts';
import type { DeadLetters } from '../sync/core/sync-admin.ts';
import { dossierDefaultsFrom } from '../sync/core/dossier-defaults.ts';
import type { SyncDeps } from '../sync/core/sync-document.ts';
import { storedSyncPolicy } from '../sync/core/sync-policy.ts';
import { createDynamoSyncStoreWithDocuments } from './dynamo-sync-store.ts';
import { lazyWarehouse } from './aws-pull-deps.ts';

/** What lib/constructs/national-warehouse-push.ts gives the push's functions. */
const environment = z.object({
  TABLE_NAME: z.string().min(1),
  SYNC_QUEUE_URL: z.string().min(1),
  NATIONAL_WAREHOUSE_CONFIG: z.string().min(2),
  NATIONAL_WAREHOUSE_SECRET_ARN: z.string().min(1),
  /** The API's public base URL: the portal's download links point at its /v1/portal-links route. */
  PORTAL_LINK_BASE_URL: z.string().url(),
  /** The stage's dossier defaults (JSON), validated at synth; the standard ones when unset. */
  DOSSIER_DEFAULTS: z.string().min(2).optional(),
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
  const table = new DynamoTable(db, env.TABLE_NAME);
  consumer = {
    sync: {
      store: createDynamoSyncStoreWithDocuments(db, env.TABLE_NAME),
      // The portal downloads the paper through our API's link, which presigns at each fetch.
      portalLinks: { store: createDynamoPortalLinkStore(table), baseUrl: env.PORTAL_LINK_BASE_URL },
      warehouse: lazyWarehouse(env.NATIONAL_WAREHOUSE_CONFIG, env.NATIONAL_WAREHOUSE_SECRET_ARN),
      // The administrators' stored policy, read per message so a change applies at once.
      policy: storedSyncPolicy(createDynamoSyncStore(table)),
      clock: systemClock,
      defaults: dossierDefaultsFrom(env.DOSSIER_DEFAULTS && JSON.parse(env.DOSSIER_DEFAULTS)),
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
