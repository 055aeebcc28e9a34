import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synthKhoso, templateQueries } from './synth-khoso.ts';

/** The population database's gateway as a stage configures it: its settings without the client secret. */
const gateway = {
  baseUrl: 'https://lgsp.example.gov.vn/csdldc',
  lookupPath: '/dancu/tracuu',
  authentication: { kind: 'client-credentials', clientId: 'khoso-dev' },
};

const functionsReadingSecrets =
  (statementsOf: ReturnType<typeof templateQueries>['statementsOf']) => (prefix: string) =>
    statementsOf(prefix).filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'));

describe('population database', () => {
  const configured = templateQueries(
    synthKhoso({
      populationDatabaseGateway: JSON.stringify(gateway),
      populationDatabaseCredentialsSecret: 'khoso/dev/population-database',
    }).statelessTemplate,
  );

  test('the Extract step gets the gateway settings without the secret, and the secret ARN', () => {
    const variables = configured.variablesOf('khoso-dev-workflow-extract');
    assert.deepEqual(JSON.parse(variables.POPULATION_DATABASE_CONFIG as string), gateway);
    assert.match(JSON.stringify(variables.POPULATION_DATABASE_SECRET_ARN), /khoso\/dev\/population-database/);
    assert.doesNotMatch(variables.POPULATION_DATABASE_CONFIG as string, /clientSecret|password/);
  });

  test('only the Extract step may read the secret, and only that one', () => {
    const readers = functionsReadingSecrets(configured.statementsOf);
    const extract = readers('DigitizeExtract');
    assert.equal(extract.length, 1);
    assert.match(JSON.stringify(extract[0]!.Resource), /khoso\/dev\/population-database/);
    for (const [id] of configured.resources('AWS::IAM::Policy')) {
      if (id.startsWith('DigitizeExtract')) continue;
      for (const statement of readers(id))
        assert.doesNotMatch(JSON.stringify(statement.Resource), /population-database/, id);
    }
    for (const [, fn] of configured.resources('AWS::Lambda::Function')) {
      if (fn.Properties.FunctionName === 'khoso-dev-workflow-extract') continue;
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      assert.equal(variables?.POPULATION_DATABASE_CONFIG, undefined, String(fn.Properties.FunctionName));
    }
  });

  test('a stage without one gives Extract no settings and no secret: its owners stay unconfirmed', () => {
    const unconfigured = templateQueries(synthKhoso().statelessTemplate);
    const variables = unconfigured.variablesOf('khoso-dev-workflow-extract');
    assert.equal(variables.POPULATION_DATABASE_CONFIG, undefined);
    assert.equal(variables.POPULATION_DATABASE_SECRET_ARN, undefined);
    assert.deepEqual(functionsReadingSecrets(unconfigured.statementsOf)('DigitizeExtract'), []);
  });

  test('a gateway configuration that is not valid stops synthesis, naming the setting', () => {
    assert.throws(
      () =>
        synthKhoso({
          populationDatabaseGateway: JSON.stringify({ ...gateway, baseUrl: 'http://lgsp.example.gov.vn' }),
          populationDatabaseCredentialsSecret: 'khoso/dev/population-database',
        }),
      /populationDatabase: gateway is not a valid population database configuration/,
    );
    assert.throws(
      () =>
        synthKhoso({
          populationDatabaseGateway: JSON.stringify({ ...gateway, authentication: { kind: 'magic' } }),
          populationDatabaseCredentialsSecret: 'khoso/dev/population-database',
        }),
      /populationDatabase: gateway is not a valid population database configuration/,
    );
    assert.throws(
      () => synthKhoso({ populationDatabaseGateway: JSON.stringify(gateway) }),
      /populationDatabase\.credentialsSecret/,
    );
  });
});
