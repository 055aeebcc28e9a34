import { randomIds, systemClock } from '../../core/runtime.ts';
import type { VaultDeps } from '../../core/vault-deps.ts';
import type { DigitizeWorkflow } from '../../core/digitize-workflow.ts';
import { loadLambdaConfig, vaultPolicyFrom } from '../../config.ts';
import { dynamoDocumentClient, s3Client, sfnClient } from './clients.ts';
import { DynamoTemplateRepository } from './dynamo-template-repository.ts';
import { DynamoVaultRepository } from './dynamo-vault-repository.ts';
import { createS3BlobStore } from './s3-blob-store.ts';
import { createSfnDigitizeWorkflow } from './sfn-digitize-workflow.ts';

/** Functions that never start the workflow still get a starter that says so if misused. */
const noWorkflow: DigitizeWorkflow = {
  startDigitization: () => Promise.reject(new Error('STATE_MACHINE_ARN is not configured for this function')),
  resumeAfterReview: () => Promise.reject(new Error('STATE_MACHINE_ARN is not configured for this function')),
};

let deps: VaultDeps | undefined;

/** The vault's dependencies on AWS, built on first use and kept for the life of the container. */
export function awsVaultDeps(): VaultDeps {
  if (deps) return deps;
  const config = loadLambdaConfig();
  deps = {
    repository: new DynamoVaultRepository(dynamoDocumentClient(), config.TABLE_NAME),
    templates: new DynamoTemplateRepository(dynamoDocumentClient(), config.TABLE_NAME),
    blobs: createS3BlobStore({ s3: s3Client(), bucket: config.BUCKET_NAME }),
    workflow: config.STATE_MACHINE_ARN
      ? createSfnDigitizeWorkflow({ sfn: sfnClient(), stateMachineArn: config.STATE_MACHINE_ARN })
      : noWorkflow,
    clock: systemClock,
    ids: randomIds,
    policy: vaultPolicyFrom(config),
  };
  return deps;
}
