import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsSolutionsChecks } from 'cdk-nag';
import { indexes } from '../../../functions/platform/storage/schema.ts';
import { defaultMaxAttempts } from '../../../functions/sync/core/backoff.ts';
import { standardDossierDefaults } from '../../../functions/sync/core/dossier-defaults.ts';
import { syncMaxReceiveCount } from '../../../lib/constructs/national-warehouse-push.ts';
import { nationalWarehouseGateway, synthKhoso, synthNationalWarehouseStage } from './synth-khoso.ts';

const { khoso, resources, statementsOf, actions, functionNamed, variablesOf } = synthNationalWarehouseStage();
const queueId = (name: string) => resources('AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === name)?.[0];

describe('push to the national warehouse (CDK)', () => {
  test('an encrypted sync queue with a dead-letter queue past the attempts the consumer makes', () => {
    const queue = resources('AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === 'khoso-dev-sync')?.[1];
    const deadLetters = queueId('khoso-dev-sync-dlq');
    assert.ok(queue && deadLetters);
    assert.equal(queue.Properties.SqsManagedSseEnabled, true);
    assert.ok(syncMaxReceiveCount >= defaultMaxAttempts);
    assert.deepEqual(queue.Properties.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
      maxReceiveCount: syncMaxReceiveCount,
    });
    // Six times the consumer's timeout.
    assert.equal(queue.Properties.VisibilityTimeout, 6 * functionNamed('khoso-dev-sync-consumer')!.Properties.Timeout);
  });

  test('the dead-letter queue is alarmed on the operations topic', () => {
    const deadLetters = queueId('khoso-dev-sync-dlq')!;
    const alarm = resources('AWS::CloudWatch::Alarm').find(([, a]) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes(deadLetters),
    )?.[1];
    assert.ok(alarm, 'an alarm watches the sync dead-letter queue');
    assert.equal(alarm.Properties.MetricName, 'ApproximateNumberOfMessagesVisible');
    assert.equal(alarm.Properties.Threshold, 1);
    assert.match(JSON.stringify(alarm.Properties.AlarmActions), /AlarmsTopic/);
  });

  test('the consumer reads the queue with partial batch responses, at a bounded concurrency', () => {
    // The pulls queue has its own mapping (national-warehouse-pulls.test.ts).
    const consumers = resources('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      /PushConsumer/.test(JSON.stringify(m.Properties.FunctionName)),
    );
    assert.equal(consumers.length, 1);
    const [, mapping] = consumers[0]!;
    assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.match(JSON.stringify(mapping.Properties.EventSourceArn), new RegExp(queueId('khoso-dev-sync')!));
    assert.match(JSON.stringify(mapping.Properties.FunctionName), /PushConsumer/);
    assert.equal(mapping.Properties.ScalingConfig.MaximumConcurrency, 5);
  });

  test('the dispatcher runs every minute, queries only the indexes, reads the policy and sends to the sync queue', () => {
    const rule = resources('AWS::Events::Rule').find(([id]) => id.startsWith('PushDispatchSchedule'))?.[1];
    assert.equal(rule?.Properties.ScheduleExpression, 'rate(1 minute)');
    assert.match(JSON.stringify(rule?.Properties.Targets), /PushDispatcher/);
    const statements = statementsOf('PushDispatcher');
    const query = statements.filter((s) => actions([s]).includes('dynamodb:Query'));
    const queried = [...JSON.stringify(query.map((s) => s.Resource)).matchAll(/\/index\/(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(queried.sort(), [indexes.listings.name, indexes.lookups.name].sort());
    const writes = statements.filter((s) => actions([s]).includes('dynamodb:PutItem'));
    assert.deepEqual(
      writes.map((s) => JSON.stringify(s.Condition).match(/"(OWNER#\*|SYNC-HOLD-REVIEW)"/)?.[1]).sort(),
      ['OWNER#*', 'SYNC-HOLD-REVIEW'],
    );
    const reads = statements.filter((s) => actions([s]).includes('dynamodb:GetItem'));
    assert.deepEqual(
      reads.map((s) => JSON.stringify(s.Condition).match(/"(SYNCPOLICY|SYNC-HOLD-REVIEW)"/)?.[1]).sort(),
      ['SYNC-HOLD-REVIEW', 'SYNCPOLICY'],
    );
    assert.ok(actions(statements).includes('sqs:SendMessage'));
    assert.ok(!actions(statements).some((action) => action.startsWith('s3:') || action.startsWith('secretsmanager:')));
    assert.match(JSON.stringify(variablesOf('khoso-dev-sync-dispatcher').SYNC_QUEUE_URL), /PushQueue/);
  });

  test('the consumer reads the table and the gateway secret, and no object: the link route presigns', () => {
    const statements = statementsOf('PushConsumer');
    assert.ok(!actions(statements).some((action) => action.startsWith('s3:') || action.startsWith('kms:')));
    assert.ok(actions(statements).includes('dynamodb:PutItem'));
    assert.ok(actions(statements).includes('sqs:ChangeMessageVisibility'));
    assert.ok(!actions(statements).includes('sqs:SendMessage'));
    const secret = statements.filter((s) => actions([s]).includes('secretsmanager:GetSecretValue'));
    assert.match(JSON.stringify(secret[0]?.Resource), /khoso\/dev\/national-warehouse/);
    const variables = variablesOf('khoso-dev-sync-consumer');
    assert.deepEqual(JSON.parse(variables.NATIONAL_WAREHOUSE_CONFIG as string), nationalWarehouseGateway);
    assert.match(JSON.stringify(variables.SYNC_QUEUE_URL), /PushQueue/);
  });

  test("the consumer's links point at this stage's API, and its dossiers fall back to the standard defaults", () => {
    const variables = variablesOf('khoso-dev-sync-consumer');
    // The $default stage's URL: https://<api id>.execute-api.<region>.<suffix>/
    const url = JSON.stringify(variables.PORTAL_LINK_BASE_URL);
    assert.match(url, /"Ref":"ApiHttpApi[0-9A-F]+"/);
    assert.match(url, /execute-api/);
    assert.deepEqual(JSON.parse(variables.DOSSIER_DEFAULTS as string), standardDossierDefaults);
  });

  test("a stage's public URL and dossier defaults reach the consumer", () => {
    const configured = synthKhoso({
      nationalWarehouseGateway: JSON.stringify(nationalWarehouseGateway),
      nationalWarehouseCredentialsSecret: 'khoso/dev/national-warehouse',
      apiPublicUrl: 'https://api.khoso.example.gov.vn/',
      dossierDefaults: JSON.stringify({ processingUnit: '000.00.15.H56', procedureCode: '1.004616.000.00.00.H56' }),
    }).statelessTemplate;
    const consumer = Object.values(configured.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.FunctionName === 'khoso-dev-sync-consumer',
    );
    const variables = consumer?.Properties.Environment.Variables as Record<string, string>;
    assert.equal(variables.PORTAL_LINK_BASE_URL, 'https://api.khoso.example.gov.vn/');
    assert.deepEqual(JSON.parse(variables.DOSSIER_DEFAULTS!), {
      ...standardDossierDefaults,
      processingUnit: '000.00.15.H56',
      procedureCode: '1.004616.000.00.00.H56',
    });
  });

  test('the sync administration may start a message move from the dead-letter queue only, and knows both queues', () => {
    const statements = statementsOf('ApiSyncHandler');
    const move = statements.filter((s) => actions([s]).includes('sqs:StartMessageMoveTask'));
    assert.equal(move.length, 1);
    assert.match(JSON.stringify(move[0]!.Resource), new RegExp(queueId('khoso-dev-sync-dlq')!));
    assert.ok(actions(move).includes('sqs:GetQueueAttributes'));
    const variables = variablesOf('khoso-dev-api-sync');
    assert.match(JSON.stringify(variables.SYNC_DEAD_LETTER_QUEUE_URL), /PushDeadLetters/);
    assert.match(JSON.stringify(variables.SYNC_DEAD_LETTER_QUEUE_ARN), /PushDeadLetters/);
    assert.match(JSON.stringify(variables.SYNC_QUEUE_ARN), /PushQueue/);
  });

  test('two more Node 22 functions, each entry exporting its handler', async () => {
    for (const name of ['khoso-dev-sync-consumer', 'khoso-dev-sync-dispatcher']) {
      const fn = functionNamed(name)!;
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.equal(fn.Properties.Handler, 'index.handler');
    }
    const consumer = await import('../../../functions/sync/handlers/sync-consumer.ts');
    const dispatcher = await import('../../../functions/sync/handlers/sync-dispatcher.ts');
    assert.equal(typeof consumer.handler, 'function');
    assert.equal(typeof dispatcher.handler, 'function');
  });

  test('cdk-nag reports nothing unacknowledged with the push in', () => {
    const report = new AwsSolutionsChecks(khoso.app).validateScope(khoso.app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });

  test('a stage without the national warehouse has no push resources', () => {
    const plain = synthKhoso().statelessTemplate;
    const names = Object.values(plain.findResources('AWS::SQS::Queue')).map((q) => q.Properties.QueueName as string);
    assert.ok(!names.some((name) => name.includes('-sync')));
    const mappings = Object.values(plain.findResources('AWS::Lambda::EventSourceMapping'));
    assert.ok(!mappings.some((m) => /PushConsumer/.test(JSON.stringify(m.Properties.FunctionName))));
    const admin = Object.values(plain.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.FunctionName === 'khoso-dev-api-sync',
    );
    assert.equal(admin?.Properties.Environment.Variables.SYNC_DEAD_LETTER_QUEUE_URL, undefined);
  });
});
