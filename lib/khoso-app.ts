import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig } from './config/stage-config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface KhosoStacks {
  config: StageConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Both stacks of one stage, configured from the app's context, with cdk-nag checking them. */
export function addKhosoStacks(app: App): KhosoStacks {
  const config = loadStageConfig((key) => app.node.tryGetContext(key));
  const env = {
    account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.region ?? process.env.CDK_DEFAULT_REGION,
  };
  const prefix = `Khoso-${config.stage}`;
  const tags = { project: 'khoso', stage: config.stage };
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    tags,
    config,
    description: 'khoso: vault data (table, object bucket, KMS keys)',
    terminationProtection: config.retainData,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    tags,
    config,
    description: 'khoso: API, authorizer, upload events, digitize workflow, alarms',
    table: stateful.table,
    dataKey: stateful.dataKey,
    signingKey: stateful.signingKey,
    webhookSecretKey: stateful.webhookSecretKey,
  });
  stateless.addStackDependency(stateful, 'the bucket is named, not exported');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { config, stateful, stateless };
}
