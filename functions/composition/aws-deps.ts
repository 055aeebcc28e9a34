import { randomIds, systemClock } from '../platform/core/runtime.ts';
import type { VaultDeps } from '../vault/core/vault-deps.ts';
import type { DigitizeWorkflow } from '../digitize/core/digitize-workflow.ts';
import { loadLambdaConfig, vaultPolicyFrom, type LambdaConfig } from './config.ts';
import { assembleSigning } from '../signing/core/built-in-providers.ts';
import type { SignatureProvider } from '../signing/core/signature-provider.ts';
import { createSimSigningProvider } from '../signing/adapters/sim-signing-provider.ts';
import { createSmartCaSigningProvider } from '../signing/adapters/smartca-signing-provider.ts';
import { dynamoDocumentClient, kmsClient, s3Client, sfnClient } from '../platform/adapters/aws-clients.ts';
import { DynamoSigningSettings } from '../signing/adapters/dynamo-signing-settings.ts';
import { createKmsSealKey } from '../signing/adapters/kms-seal-key.ts';
import { DynamoTemplateRepository } from '../templates/adapters/dynamo-template-repository.ts';
import { createS3BlobStore } from '../platform/adapters/s3-blob-store.ts';
import { createSfnDigitizeWorkflow } from '../digitize/adapters/sfn-digitize-workflow.ts';
import { createDynamoRepository } from './dynamo-repository.ts';
import { lazyPopulationDatabase } from './aws-population-database.ts';

/** Functions that never start the workflow still get a starter that says so if misused. */
const noWorkflow: DigitizeWorkflow = {
  startDigitization: () => Promise.reject(new Error('STATE_MACHINE_ARN is not configured for this function')),
  resumeAfterReview: () => Promise.reject(new Error('STATE_MACHINE_ARN is not configured for this function')),
};

/** Each remote provider with an endpoint and an API key configured. */
function remoteSigningProviders(config: LambdaConfig): SignatureProvider[] {
  const providers: SignatureProvider[] = [];
  if (config.SIM_SIGNING_ENDPOINT && config.SIM_SIGNING_API_KEY) {
    providers.push(
      createSimSigningProvider({ endpoint: config.SIM_SIGNING_ENDPOINT, apiKey: config.SIM_SIGNING_API_KEY }),
    );
  }
  if (config.SMARTCA_SIGNING_ENDPOINT && config.SMARTCA_SIGNING_API_KEY) {
    providers.push(
      createSmartCaSigningProvider({
        endpoint: config.SMARTCA_SIGNING_ENDPOINT,
        apiKey: config.SMARTCA_SIGNING_API_KEY,
      }),
    );
  }
  return providers;
}

let deps: VaultDeps | undefined;

/** The vault's dependencies on AWS, built on first use and kept for the life of the container. */
export function awsVaultDeps(): VaultDeps {
  if (deps) return deps;
  const config = loadLambdaConfig();
  deps = {
    repository: createDynamoRepository(dynamoDocumentClient(), config.TABLE_NAME),
    templates: new DynamoTemplateRepository(dynamoDocumentClient(), config.TABLE_NAME),
    blobs: createS3BlobStore({ s3: s3Client(), bucket: config.BUCKET_NAME }),
    workflow: config.STATE_MACHINE_ARN
      ? createSfnDigitizeWorkflow({ sfn: sfnClient(), stateMachineArn: config.STATE_MACHINE_ARN })
      : noWorkflow,
    clock: systemClock,
    ids: randomIds,
    policy: vaultPolicyFrom(config),
    population: lazyPopulationDatabase(config.POPULATION_DATABASE_CONFIG, config.POPULATION_DATABASE_SECRET_ARN),
    signing: assembleSigning({
      settings: new DynamoSigningSettings(dynamoDocumentClient(), config.TABLE_NAME),
      ...(config.SEAL_KEY_ID ? { sealKey: createKmsSealKey(kmsClient(), config.SEAL_KEY_ID) } : {}),
      remote: remoteSigningProviders(config),
    }),
  };
  return deps;
}
