import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { dynamoDocumentClient, sqsClient } from '../platform/adapters/aws-clients.ts';
import { DynamoTable } from '../platform/storage/dynamo-table.ts';
import { createDynamoPullStore } from '../sync/adapters/dynamo-pull-store.ts';
import { createNationalWarehouseHttpClient } from '../sync/adapters/national-warehouse-http-client.ts';
import { createSqsPullDispatcher } from '../sync/adapters/sqs-pull-dispatcher.ts';
import { createSqsRetryDelay } from '../sync/adapters/sqs-sync-queue.ts';
import type { NationalWarehouse } from '../sync/core/national-warehouse.ts';
import { defaultPullRetryPolicy, type PullDeps } from '../sync/core/pull-results.ts';
import { awsVaultDeps } from './aws-deps.ts';

/**
 * The gateway settings come from the stage config as JSON without secrets; the client secret
 * or password is read from Secrets Manager (`{"clientSecret": …}` or `{"password": …}`).
 */
const environment = z.object({
  TABLE_NAME: z.string().min(1),
  PULL_QUEUE_URL: z.string().min(1).optional(),
  NATIONAL_WAREHOUSE_CONFIG: z.string().min(2).optional(),
  NATIONAL_WAREHOUSE_SECRET_ARN: z.string().min(1).optional(),
});
const gatewaySecret = z.object({ clientSecret: z.string().min(1) }).or(z.object({ password: z.string().min(1) }));

/** The warehouse client is built on the first call: its secret is read once per container. */
export function lazyWarehouse(configJson: string | undefined, secretArn: string | undefined): NationalWarehouse {
  let client: Promise<NationalWarehouse> | undefined;
  const build = async (): Promise<NationalWarehouse> => {
    if (!configJson) throw new Error('NATIONAL_WAREHOUSE_CONFIG is not configured for this stage');
    const config = JSON.parse(configJson) as { authentication?: Record<string, unknown> };
    if (secretArn) {
      const { SecretString } = await new SecretsManagerClient({}).send(
        new GetSecretValueCommand({ SecretId: secretArn }),
      );
      config.authentication = { ...config.authentication, ...gatewaySecret.parse(JSON.parse(SecretString ?? '{}')) };
    }
    return createNationalWarehouseHttpClient(config as never);
  };
  const warehouse = () => (client ??= build());
  return {
    findDossier: async (code) => (await warehouse()).findDossier(code),
    createDossier: async (dossier) => (await warehouse()).createDossier(dossier),
    updateDossier: async (dossier) => (await warehouse()).updateDossier(dossier),
    pullResults: async (request) => (await warehouse()).pullResults(request),
    getFile: async (file) => (await warehouse()).getFile(file),
  };
}

let deps: PullDeps | undefined;

/** The pulls' dependencies on AWS, built on first use and kept for the life of the container. */
export function awsPullDeps(): PullDeps {
  if (deps) return deps;
  const env = environment.parse(process.env);
  const vault = awsVaultDeps();
  const queueUrl = env.PULL_QUEUE_URL;
  deps = {
    repository: {
      ...vault.repository,
      ...createDynamoPullStore(new DynamoTable(dynamoDocumentClient(), env.TABLE_NAME)),
    },
    blobs: vault.blobs,
    clock: vault.clock,
    ids: vault.ids,
    policy: vault.policy,
    warehouse: lazyWarehouse(env.NATIONAL_WAREHOUSE_CONFIG, env.NATIONAL_WAREHOUSE_SECRET_ARN),
    dispatcher: queueUrl
      ? createSqsPullDispatcher({ sqs: sqsClient(), queueUrl })
      : { dispatch: () => Promise.reject(new Error('PULL_QUEUE_URL is not configured for this function')) },
    retry: defaultPullRetryPolicy,
  };
  return deps;
}

/** The pull worker's dependencies: the use case's, and the backoff on the pulls queue. */
export interface AwsPullWorkerDeps {
  pulls: PullDeps;
  retryAfter: (receiptHandle: string, delaySeconds: number) => Promise<void>;
}

export function awsPullWorkerDeps(): AwsPullWorkerDeps {
  const queueUrl = z.string().min(1).parse(process.env.PULL_QUEUE_URL);
  return { pulls: awsPullDeps(), retryAfter: createSqsRetryDelay({ sqs: sqsClient(), queueUrl }) };
}
