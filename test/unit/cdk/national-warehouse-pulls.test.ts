import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pullMaxReceiveCount } from '../../../functions/sync/core/pull-delivery.ts';
import {
  nationalWarehouseGateway as gateway,
  synthKhoso,
  synthNationalWarehouseStage,
  type TemplateStatement as Statement,
} from './synth-khoso.ts';

const { resources, statementsOf, actions, functionNamed, variablesOf } = synthNationalWarehouseStage();
const queueNamed = (name: string) => resources('AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === name);

describe('pulls from the national warehouse (CDK)', () => {
  test('an encrypted, TLS-only pulls queue whose dead-letter queue takes what the worker could not fail', () => {
    const [queueId, queue] = queueNamed('khoso-dev-pulls')!;
    const [deadLettersId, deadLetters] = queueNamed('khoso-dev-pulls-dlq')!;
    for (const q of [queue, deadLetters]) assert.equal(q.Properties.SqsManagedSseEnabled, true);
    assert.deepEqual(queue.Properties.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId, 'Arn'] },
      maxReceiveCount: pullMaxReceiveCount,
    });
    assert.equal(pullMaxReceiveCount, 3, 'the first run and two retries');
    // A run that times out is received again only after six of the worker's timeouts.
    const worker = functionNamed('khoso-dev-pull-worker')!;
    assert.equal(worker.Properties.Timeout, 600);
    assert.equal(queue.Properties.VisibilityTimeout, 6 * worker.Properties.Timeout);
    for (const id of [queueId, deadLettersId]) {
      const policy = resources('AWS::SQS::QueuePolicy').find(([, p]) =>
        JSON.stringify(p.Properties.Queues).includes(id),
      );
      const statements = policy?.[1].Properties.PolicyDocument.Statement as Statement[];
      const deny = statements.find((statement) => statement.Effect === 'Deny');
      assert.deepEqual(deny?.Condition, { Bool: { 'aws:SecureTransport': 'false' } }, id);
    }
  });

  test('the dead-letter queue is alarmed on the operations topic', () => {
    const [deadLettersId] = queueNamed('khoso-dev-pulls-dlq')!;
    const alarm = resources('AWS::CloudWatch::Alarm').find(([, a]) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes(deadLettersId),
    )?.[1];
    assert.ok(alarm, 'an alarm watches the pulls dead-letter queue');
    // The name docs/deployment.md gives, the same whether the stage pushes or not.
    assert.equal(alarm.Properties.AlarmName, 'khoso-dev-dead-letters2');
    assert.equal(alarm.Properties.MetricName, 'ApproximateNumberOfMessagesVisible');
    assert.equal(alarm.Properties.Threshold, 1);
    assert.match(JSON.stringify(alarm.Properties.AlarmActions), /AlarmsTopic/);
  });

  test('the worker reads the pulls queue one message at a time, with partial batch responses', () => {
    const [queueId] = queueNamed('khoso-dev-pulls')!;
    const mappings = resources('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes(queueId),
    );
    assert.equal(mappings.length, 1);
    const [, mapping] = mappings[0]!;
    assert.match(JSON.stringify(mapping.Properties.FunctionName), /PullsWorker/);
    assert.equal(mapping.Properties.BatchSize, 1);
    assert.deepEqual(mapping.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.ok(mapping.Properties.ScalingConfig.MaximumConcurrency > 0);
    assert.match(JSON.stringify(variablesOf('khoso-dev-pull-worker').PULL_QUEUE_URL), new RegExp(queueId));
    // It consumes; it never sends.
    const sqs = actions(statementsOf('PullsWorker')).filter((action) => action.startsWith('sqs:'));
    assert.deepEqual(sqs.sort(), [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    const consume = statementsOf('PullsWorker').filter((s) => actions([s]).includes('sqs:ReceiveMessage'));
    assert.deepEqual(consume[0]!.Resource, { 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  test('no state machine but the digitize one, and only that one is started', () => {
    const machines = resources('AWS::StepFunctions::StateMachine');
    assert.deepEqual(
      machines.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')),
      ['DigitizeStateMachine'],
    );
    const starts = statementsOf('').filter((s) => actions([s]).includes('states:StartExecution'));
    assert.ok(starts.length > 0);
    for (const start of starts) assert.match(JSON.stringify(start.Resource), /DigitizeStateMachine/);
  });

  test('the pulls API may send to the pulls queue only, and finds it in its environment', () => {
    const [queueId] = queueNamed('khoso-dev-pulls')!;
    const sqs = statementsOf('ApiPullsHandler').filter((s) => actions([s]).some((action) => action.startsWith('sqs:')));
    assert.equal(sqs.length, 1);
    assert.ok(actions(sqs).includes('sqs:SendMessage'));
    assert.ok(!actions(sqs).some((action) => /Receive|Delete|ChangeMessageVisibility/.test(action)));
    assert.deepEqual(sqs[0]!.Resource, { 'Fn::GetAtt': [queueId, 'Arn'] });
    assert.match(JSON.stringify(variablesOf('khoso-dev-api-pulls').PULL_QUEUE_URL), new RegExp(queueId));
    assert.equal(variablesOf('khoso-dev-api-pulls').PULL_STATE_MACHINE_ARN, undefined);
    assert.ok(!actions(statementsOf('ApiPullsHandler')).some((action) => action.startsWith('s3:')));
  });

  test('the worker writes vault objects only, reads the gateway secret, and gets the gateway settings without it', () => {
    const worker = statementsOf('PullsWorker');
    const s3 = worker.filter((s) => actions([s]).some((action) => action.startsWith('s3:')));
    assert.deepEqual(actions(s3).sort(), ['s3:PutObject']);
    assert.match(JSON.stringify(s3[0]!.Resource), /\/vault\/\*/);
    const secret = worker.filter((s) => actions([s]).includes('secretsmanager:GetSecretValue'));
    assert.match(JSON.stringify(secret[0]?.Resource), /khoso\/dev\/national-warehouse/);
    const variables = variablesOf('khoso-dev-pull-worker');
    assert.deepEqual(JSON.parse(variables.NATIONAL_WAREHOUSE_CONFIG as string), gateway);
    assert.match(JSON.stringify(variables.NATIONAL_WAREHOUSE_SECRET_ARN), /khoso\/dev\/national-warehouse/);
    assert.ok(!actions(statementsOf('ApiPullsHandler')).includes('secretsmanager:GetSecretValue'));
  });

  test('a gateway configuration that is not valid stops synthesis, naming the setting', () => {
    assert.throws(
      () =>
        synthKhoso({
          nationalWarehouseGateway: '{"baseUrl":"http://portal.example"}',
          nationalWarehouseCredentialsSecret: 's',
        }),
      /nationalWarehouse: gateway is not a valid national warehouse configuration/,
    );
  });
});
