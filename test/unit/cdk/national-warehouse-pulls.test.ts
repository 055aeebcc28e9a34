import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synthKhoso } from './synth-khoso.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type Resource = { Type: string; Properties: Record<string, any> };

const gateway = {
  baseUrl: 'https://lgsp.example.gov.vn/ngsp',
  paths: {
    findDossier: '/dossiers/find',
    createDossier: '/dossiers/create',
    updateDossier: '/dossiers/update',
    pullResults: '/GetKetQuaGiayTo',
    getFile: '/GetGiayToByUrl',
  },
  authentication: { kind: 'client-credentials', clientId: 'khoso-dev' },
};
const khoso = synthKhoso({
  nationalWarehouseGateway: JSON.stringify(gateway),
  nationalWarehouseCredentialsSecret: 'khoso/dev/national-warehouse',
});
const stateless = khoso.statelessTemplate;
const resources = (type: string) => Object.entries(stateless.findResources(type) as Record<string, Resource>);
const statementsOf = (prefix: string) =>
  resources('AWS::IAM::Policy')
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
const actions = (statements: Statement[]) => statements.flatMap((statement) => [statement.Action].flat());
const functionNamed = (name: string) =>
  resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.FunctionName === name)?.[1];
const variablesOf = (name: string) =>
  (functionNamed(name)?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe('pulls from the national warehouse (CDK)', () => {
  test('the state machine runs the worker, retries it, and gives up into a failed pull', () => {
    const [, machine] = resources('AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('PullsStateMachine'),
    )!;
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    for (const text of ['RunPull', 'GiveUp', 'States.ALL', 'giveUp', 'PullsWorkerFunction']) {
      assert.ok(definition.includes(text), `definition mentions ${text}`);
    }
    const invoke = statementsOf('PullsRole').filter((s) => actions([s]).includes('lambda:InvokeFunction'));
    assert.equal(invoke.length, 1);
    assert.match(JSON.stringify(invoke[0]!.Resource), /PullsWorkerFunction/);
    assert.doesNotMatch(JSON.stringify(invoke[0]!.Resource), /:\*/);
  });

  test('the pulls API may start executions of that state machine only, and finds it in its environment', () => {
    const start = statementsOf('ApiPullsHandler').filter((s) => actions([s]).includes('states:StartExecution'));
    assert.equal(start.length, 1);
    assert.match(JSON.stringify(start[0]!.Resource), /PullsStateMachine/);
    assert.match(JSON.stringify(variablesOf('khoso-dev-api-pulls').PULL_STATE_MACHINE_ARN), /PullsStateMachine/);
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
