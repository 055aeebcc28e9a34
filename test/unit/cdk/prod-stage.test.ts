import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthKhoso } from './synth-khoso.ts';

describe('prod stage', () => {
  const prod = synthKhoso({
    stage: 'prod',
    jwtIssuer: 'https://sso.example.gov.vn/',
    jwksUrl: 'https://sso.example.gov.vn/jwks',
    simSigningEndpoint: 'https://sim-pki.example.vn/api/',
    simSigningApiKeySecret: 'khoso/prod/sim-api-key',
    signatureRequestTtlSeconds: '900',
    browserLoginBaseUrl: 'https://api.khoso.gov.vn',
    returnToOrigins: 'https://console.khoso.gov.vn',
    identityProviders: JSON.stringify([
      {
        id: 'dvcqg',
        issuer: 'https://sso.dichvucong.gov.vn',
        discoveryUrl: 'https://sso.dichvucong.gov.vn/.well-known/openid-configuration',
        jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
        clientId: 'khoso-prod',
        clientSecret: 'khoso/prod/dvcqg-client-secret',
        audience: 'khoso',
        claimMapping: 'dvcqg',
        accountTypes: ['citizen', 'business', 'organisation'],
        tokenKinds: ['user'],
        browserLogin: { authorizationParams: { acr_values: 'LoA1' }, claimsFrom: 'userinfo' },
      },
    ]),
  });

  test('retains table, bucket and keys, with deletion and termination protection', () => {
    prod.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    prod.statefulTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    prod.statefulTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('the authorizer trusts the configured issuer', () => {
    const [authorizer] = Object.values(
      prod.statelessTemplate.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'khoso-prod-authorizer' },
      }),
    ) as { Properties: { Environment: { Variables: { IDENTITY_PROVIDERS: string } } } }[];
    const providers = JSON.parse(authorizer!.Properties.Environment.Variables.IDENTITY_PROVIDERS) as unknown[];
    assert.deepEqual(providers, [
      {
        id: 'default',
        issuer: 'https://sso.example.gov.vn/',
        discoveryUrl: 'https://sso.example.gov.vn/.well-known/openid-configuration',
        jwksUrl: 'https://sso.example.gov.vn/jwks',
        clientId: 'khoso',
        audience: 'khoso',
        claimMapping: 'vault-claims',
        accountTypes: ['citizen', 'business', 'organisation', 'officer', 'admin'],
        tokenKinds: ['user'],
        maxTokenLifetimeSeconds: 3600,
      },
      {
        id: 'dvcqg',
        issuer: 'https://sso.dichvucong.gov.vn',
        discoveryUrl: 'https://sso.dichvucong.gov.vn/.well-known/openid-configuration',
        jwksUrl: 'https://sso.dichvucong.gov.vn/jwks',
        clientId: 'khoso-prod',
        audience: 'khoso',
        claimMapping: 'dvcqg',
        accountTypes: ['citizen', 'business', 'organisation'],
        tokenKinds: ['user'],
        maxTokenLifetimeSeconds: 3600,
        browserLogin: { scopes: [], authorizationParams: { acr_values: 'LoA1' }, claimsFrom: 'userinfo' },
      },
    ]);
    assert.doesNotMatch(JSON.stringify(providers), /secret/i, 'no secret reaches the environment');
  });

  test('the auth routes alone learn the browser-login settings and which secret holds the client secret', () => {
    const environment = (name: string) =>
      (
        Object.values(
          prod.statelessTemplate.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }),
        )[0] as { Properties: { Environment: { Variables: Record<string, string> } } }
      ).Properties.Environment.Variables;
    const auth = environment('khoso-prod-api-auth');
    assert.deepEqual(JSON.parse(auth.BROWSER_LOGIN!), {
      publicBaseUrl: 'https://api.khoso.gov.vn',
      allowedReturnToOrigins: ['https://console.khoso.gov.vn'],
      sessionLifetimeSeconds: 28_800,
    });
    assert.deepEqual(JSON.parse(auth.CLIENT_SECRET_IDS!), { dvcqg: 'khoso/prod/dvcqg-client-secret' });
    const authorizer = environment('khoso-prod-authorizer');
    assert.equal(authorizer.BROWSER_LOGIN, undefined);
    assert.equal(authorizer.CLIENT_SECRET_IDS, undefined);
  });

  test('the auth routes may only GetSecretValue, and only on the configured secret', () => {
    const statements = Object.entries(prod.statelessTemplate.findResources('AWS::IAM::Policy')).flatMap(
      ([id, policy]) =>
        (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
          .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')))
          .map((statement) => ({ owner: id.replace(/RoleDefaultPolicy.*$/, ''), ...statement })),
    );
    assert.equal(statements.length, 1);
    assert.equal(statements[0]?.owner, 'ApiAuthHandler');
    assert.equal(statements[0]?.Action, 'secretsmanager:GetSecretValue');
    assert.match(JSON.stringify(statements[0]?.Resource), /:secret:khoso\/prod\/dvcqg-client-secret-\?\?\?\?\?\?"/);
  });

  test("a provider's client secret is readable by the auth routes' function only", () => {
    const readers = Object.entries(prod.statelessTemplate.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) => JSON.stringify(policy).includes('secretsmanager:GetSecretValue'))
      .filter(([, policy]) => JSON.stringify(policy).includes('khoso/prod/dvcqg-client-secret'))
      .map(([id]) => id.replace(/RoleDefaultPolicy.*$/, ''));
    assert.deepEqual(readers, ['ApiAuthHandler']);
    const report = new AwsSolutionsChecks(prod.app).validateScope(prod.app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });

  test('a configured remote provider reaches only the functions that call it, its key as a Secrets Manager reference', () => {
    const functions = Object.values(prod.statelessTemplate.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties as { FunctionName?: string; Environment?: { Variables?: Record<string, unknown> } },
    );
    const withSim = functions.filter((fn) => fn.Environment?.Variables?.SIM_SIGNING_ENDPOINT);
    assert.deepEqual(withSim.map((fn) => fn.FunctionName).sort(), [
      'khoso-prod-api-signatures',
      'khoso-prod-check-remote-signatures',
    ]);
    for (const fn of withSim) {
      assert.equal(fn.Environment?.Variables?.SIM_SIGNING_ENDPOINT, 'https://sim-pki.example.vn/api/');
      assert.equal(
        fn.Environment?.Variables?.SIM_SIGNING_API_KEY,
        '{{resolve:secretsmanager:khoso/prod/sim-api-key:SecretString:::}}',
      );
      assert.equal(fn.Environment?.Variables?.SMARTCA_SIGNING_ENDPOINT, undefined);
    }
    prod.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'khoso-prod-api-signatures',
      Environment: { Variables: Match.objectLike({ SIGNATURE_REQUEST_TTL_SECONDS: '900' }) },
    });
  });
});
