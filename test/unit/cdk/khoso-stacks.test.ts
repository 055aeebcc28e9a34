import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { apiRoutes } from '../../../functions/composition/api-routes.ts';
import { routeKey } from '../../../functions/platform/http/contract/route-contract.ts';
import { tableSchema } from '../../../functions/platform/storage/schema.ts';
import { synthKhoso, templateQueries, type TemplateResource, type TemplateStatement } from './synth-khoso.ts';

// One synthesis for the whole file: it is the slow part.
const khoso = synthKhoso();
const stateful = khoso.statefulTemplate;
const stateless = khoso.statelessTemplate;
const { resources, statementsOf } = templateQueries(stateless);
const actionsOf = (statement: TemplateStatement) => [statement.Action].flat();
/** khoso's functions, without CDK's own custom-resource handler. */
const functions = resources('AWS::Lambda::Function').filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
/** The construct a role policy or function belongs to, from its logical id (e.g. DigitizeSeal). */
const ownerOf = (logicalId: string) => logicalId.replace(/(RoleDefaultPolicy|Function)[0-9A-F]{8}$/, '');

/** The statements of a function's role, found by its logical-id prefix (e.g. DigitizeValidate). */
function roleStatements(prefix: string): TemplateStatement[] {
  return statementsOf(`${prefix}RoleDefaultPolicy`);
}

function objectGrants(prefix: string): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of roleStatements(prefix)) {
    // CDK merges statements with the same actions, so one statement may cover several prefixes.
    const flat = JSON.stringify(statement.Resource);
    for (const match of flat.matchAll(/s3:::khoso-dev-vault-.*?\/([a-z/]+\/\*)/g)) {
      const prefix = match[1] as string;
      grants[prefix] = [...(grants[prefix] ?? []), ...actionsOf(statement)].sort();
    }
  }
  return grants;
}

describe('cdk-nag (AwsSolutions)', () => {
  test('reports no unacknowledged error or warning on either stack', () => {
    const report = new AwsSolutionsChecks(khoso.app).validateScope(khoso.app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
    assert.equal(report.success, true);
  });

  test('every acknowledgement carries a written reason', () => {
    const acknowledgements = khoso.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    assert.ok(acknowledgements.length > 0);
    for (const [id, reason] of acknowledgements) assert.ok(reason.length >= 20, `${id} has no real reason`);
  });
});

describe('stateful stack', () => {
  test('the table is built from the shared table schema, on demand, with PITR', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) =>
        Match.objectLike({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  test('the vault bucket is SSE-KMS with the data key, versioned, private and logged', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.anyValue(),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeysDataKey'), 'Arn'] },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'incoming/', Status: 'Enabled', ExpirationInDays: 2 }),
          Match.objectLike({ Prefix: 'quarantine/', Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: Match.objectLike({ NoncurrentDays: 90 }) }),
        ]),
      },
    });
  });

  test('every bucket blocks public access and denies requests without TLS', () => {
    const buckets = Object.keys(stateful.findResources('AWS::S3::Bucket'));
    assert.equal(buckets.length, 2);
    for (const bucket of Object.values(stateful.findResources('AWS::S3::Bucket'))) {
      assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy'));
    for (const logicalId of buckets) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket).includes(logicalId));
      assert.ok(policy, `${logicalId} has a bucket policy`);
      assert.ok(
        policy.Properties.PolicyDocument.Statement.some(
          (s: any) =>
            s.Effect === 'Deny' && s.Action === 's3:*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
        `${logicalId} is TLS-only`,
      );
    }
  });

  test('rotating symmetric keys (objects, webhook secrets) and an ECC signing key for the agency seal', () => {
    stateful.resourcePropertiesCountIs('AWS::KMS::Key', { EnableKeyRotation: true, KeySpec: Match.absent() }, 2);
    stateful.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });

  test('a dev stage can be torn down', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    stateful.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe('IAM scoping', () => {
  test('no statement grants a wildcard action, and none touches data resources with "*"', () => {
    for (const template of [stateful, stateless]) {
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as TemplateResource[]) {
        for (const statement of policy.Properties.PolicyDocument.Statement as TemplateStatement[]) {
          for (const action of actionsOf(statement)) assert.ok(!action.includes('*'), `wildcard action ${action}`);
          if (statement.Resource === '*') {
            assert.ok(
              actionsOf(statement).every((a) => /^(xray|logs):/.test(a)),
              `"*" only for X-Ray and log delivery: ${actionsOf(statement)}`,
            );
          }
        }
      }
    }
  });

  test('nobody may Scan or manage the table, and only the API functions Query it', () => {
    const all = resources('AWS::IAM::Policy').flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as TemplateStatement[]).map((s) => [id, s] as const),
    );
    for (const [id, statement] of all) {
      for (const action of actionsOf(statement).filter((a) => a.startsWith('dynamodb:'))) {
        assert.ok(
          [
            'dynamodb:GetItem',
            'dynamodb:BatchGetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:Query',
          ].includes(action),
          `${id}: ${action}`,
        );
        if (action === 'dynamodb:Query')
          assert.match(
            id,
            /^(Api(Folders|Documents|Uploads|Templates|Signatures|Sharing|Audit|UnitSync|Pulls|Sync)Handler|DigitizeClassify|SignatureChecksCheck|WebhookDeliveriesDeliver|PullsWorker)/,
          );
      }
    }
  });

  test('the audit function only reads: items by key and Query on the table, no index', () => {
    const dynamo = roleStatements('ApiAuditHandler').filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    assert.equal(dynamo.length, 1);
    assert.deepEqual(actionsOf(dynamo[0] as TemplateStatement).sort(), ['dynamodb:GetItem', 'dynamodb:Query']);
    assert.doesNotMatch(JSON.stringify(dynamo[0]?.Resource), /index/);
    assert.deepEqual(objectGrants('ApiAuditHandler'), {});
  });

  test('the signature checks may Query only the index of due checks', () => {
    const query = roleStatements('SignatureChecksCheck').filter((s) => actionsOf(s).includes('dynamodb:Query'));
    assert.equal(query.length, 1);
    assert.match(JSON.stringify(query[0]?.Resource), /^\{"Fn::Join":.*"\/index\/gsi2"\]\]\}$/);
  });

  test('object access follows the key prefixes each function works on', () => {
    assert.deepEqual(objectGrants('ApiMetaHandler'), {});
    assert.deepEqual(objectGrants('ApiAuthorizer'), {});
    assert.deepEqual(objectGrants('UploadEventsOnUpload'), {});
    assert.deepEqual(objectGrants('ApiUploadsHandler'), { 'incoming/*': ['s3:PutObject'] });
    // Business systems' results: the same presigned POST into incoming/, nothing to read.
    assert.deepEqual(objectGrants('ApiIntegrationHandler'), { 'incoming/*': ['s3:PutObject'] });
    assert.deepEqual(objectGrants('ApiDocumentsHandler'), {
      'incoming/*': ['s3:PutObject'],
      'text/*': ['s3:GetObject'],
      'vault/*': ['s3:GetObject'],
    });
    assert.deepEqual(objectGrants('ApiTemplatesHandler'), {});
    assert.deepEqual(objectGrants('ApiFoldersHandler'), {});
    assert.deepEqual(objectGrants('ApiSharingHandler'), { 'text/*': ['s3:GetObject'], 'vault/*': ['s3:GetObject'] });
    assert.deepEqual(objectGrants('DigitizeValidate'), { 'incoming/*': ['s3:GetObject'] });
    assert.deepEqual(objectGrants('DigitizeRecognize'), { 'incoming/*': ['s3:GetObject'], 'work/*': ['s3:PutObject'] });
    assert.deepEqual(objectGrants('DigitizeClassify'), { 'work/*': ['s3:GetObject'] });
    assert.deepEqual(objectGrants('DigitizeExtract'), { 'text/*': ['s3:PutObject'], 'work/*': ['s3:GetObject'] });
    assert.deepEqual(objectGrants('DigitizeReview'), {});
    assert.deepEqual(objectGrants('DigitizeSeal'), { 'incoming/*': ['s3:GetObject'], 'work/*': ['s3:PutObject'] });
    assert.deepEqual(objectGrants('DigitizeFile'), {
      'incoming/*': ['s3:DeleteObject', 's3:GetObject'],
      'vault/*': ['s3:PutObject'],
      'work/*': ['s3:DeleteObject', 's3:GetObject'],
    });
    assert.deepEqual(objectGrants('DigitizeFail'), {
      'incoming/*': ['s3:DeleteObject', 's3:GetObject'],
      'quarantine/*': ['s3:PutObject'],
    });
    assert.deepEqual(objectGrants('ApiSignaturesHandler'), {
      'vault/*': ['s3:GetObject', 's3:PutObject'],
      'work/signing/*': ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
    });
    assert.deepEqual(objectGrants('SignatureChecksCheck'), {
      'vault/*': ['s3:GetObject', 's3:PutObject'],
      'work/signing/*': ['s3:DeleteObject', 's3:GetObject'],
    });
  });

  test('only the Seal function may sign with the seal key, and only sign', () => {
    const signingKey = /KeysSigningKey/;
    const keyStatements = resources('AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as TemplateStatement[])
        .filter((statement) => signingKey.test(JSON.stringify(statement.Resource)))
        .map((statement) => [ownerOf(id), actionsOf(statement)] as const),
    );
    assert.deepEqual(keyStatements.sort(), [
      ['ApiSignaturesHandler', ['kms:GetPublicKey']],
      ['DigitizeSeal', ['kms:Sign']],
    ]);
    const signers = resources('AWS::IAM::Policy').filter(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as TemplateStatement[]).some((statement) =>
        actionsOf(statement).includes('kms:Sign'),
      ),
    );
    assert.deepEqual(
      signers.map(([id]) => ownerOf(id)),
      ['DigitizeSeal'],
    );
  });

  test('the seal key is named only to the functions that use it', () => {
    const withSealKey = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.SEAL_KEY_ID);
    assert.deepEqual(withSealKey.map(([id]) => ownerOf(id)).sort(), ['ApiSignaturesHandler', 'DigitizeSeal']);
    for (const [, fn] of withSealKey)
      assert.match(JSON.stringify(fn.Properties.Environment.Variables.SEAL_KEY_ID), /KeysSigningKey/);
  });

  test('only the webhook functions reach the webhook-secrets key: registration seals, delivery opens, bound', () => {
    const webhookSecretKey = /KeysWebhookSecretKey/;
    const keyStatements = resources('AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as TemplateStatement[])
        .filter((statement) => webhookSecretKey.test(JSON.stringify(statement.Resource)))
        .map((statement) => ({ owner: ownerOf(id), actions: actionsOf(statement), condition: statement.Condition })),
    );
    const binding = {
      StringEquals: { 'kms:EncryptionContext:purpose': 'khoso-webhook-secret' },
      Null: { 'kms:EncryptionContext:webhookId': 'false', 'kms:EncryptionContext:unit': 'false' },
    };
    assert.deepEqual(
      keyStatements.sort((a, b) => a.owner.localeCompare(b.owner)),
      [
        { owner: 'ApiUnitSyncHandler', actions: ['kms:Encrypt'], condition: binding },
        { owner: 'WebhookDeliveriesDeliver', actions: ['kms:Decrypt'], condition: binding },
      ],
    );
    const withKey = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.WEBHOOK_SECRET_KEY_ID);
    assert.deepEqual(withKey.map(([id]) => ownerOf(id)).sort(), ['ApiUnitSyncHandler', 'WebhookDeliveriesDeliver']);
    for (const [, fn] of withKey)
      assert.match(JSON.stringify(fn.Properties.Environment.Variables.WEBHOOK_SECRET_KEY_ID), /KeysWebhookSecretKey/);
    stateful.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/khoso-dev-webhook-secrets' });
    // No role reaches it through a wildcard either: every KMS statement names its key.
    const wildcardKms = resources('AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as TemplateStatement[])
        .filter((statement) => actionsOf(statement).some((a) => a.startsWith('kms:')))
        .filter((statement) => JSON.stringify(statement.Resource).includes('"*"'))
        .map(() => ownerOf(id)),
    );
    assert.deepEqual(wildcardKms, []);
  });

  test('functions without vault access get no data permissions at all', () => {
    const actions = roleStatements('ApiMetaHandler').flatMap(actionsOf);
    assert.deepEqual(
      actions.filter((a) => !/^(logs|xray):/.test(a)),
      [],
    );
  });

  test('the authorizer reads only deny-list items and the auth audit chain; logout writes only those and seen jtis', () => {
    const grants = (prefix: string) =>
      roleStatements(prefix)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
        .map((s) => ({
          actions: actionsOf(s).sort(),
          partitions: (s.Condition as Record<string, Record<string, string[]>> | undefined)?.[
            'ForAllValues:StringLike'
          ]?.['dynamodb:LeadingKeys'],
        }));
    const read = ['dynamodb:GetItem'];
    const write = ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
    const audit = ['AUDITCHAIN#auth', 'AUDIT#auth#*'];
    assert.deepEqual(grants('ApiAuthorizer'), [
      { actions: read, partitions: ['REVOKED#*', 'SESSION#*', ...audit] },
      { actions: write, partitions: audit },
    ]);
    assert.deepEqual(grants('ApiAuthHandler'), [
      { actions: read, partitions: ['REVOKED#*', 'SESSION#*', ...audit] },
      { actions: write, partitions: ['REVOKED#*', 'LOGOUTJTI#*#*', 'SESSION#*', 'LOGIN#*', ...audit] },
      { actions: ['dynamodb:DeleteItem'], partitions: ['SESSION#*', 'LOGIN#*'] },
    ]);
  });

  test("the portal-link route is public, on its own function: links, documents and the owner's chain, vault/ reads", () => {
    const route = resources('AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties.RouteKey === 'GET /v1/portal-links/{token}',
    )?.[1];
    assert.equal(route?.Properties.AuthorizationType, 'NONE');
    assert.match(JSON.stringify(route?.Properties.Target), /PortalLinksIntegration/);
    const dynamo = roleStatements('ApiPortalLinksHandler').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    const audit = ['AUDITCHAIN#*', 'AUDIT#*#*'];
    assert.deepEqual(
      dynamo.map((s) => ({
        actions: actionsOf(s).sort(),
        partitions: (s.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ],
      })),
      [
        { actions: ['dynamodb:GetItem'], partitions: ['PORTALLINK#*', 'OWNER#*', ...audit] },
        { actions: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: audit },
      ],
    );
    assert.deepEqual(objectGrants('ApiPortalLinksHandler'), { 'vault/*': ['s3:GetObject'] });
  });

  test('the logout and login routes are public and served by the auth function; the session route needs the authorizer', () => {
    const route = (key: string) =>
      resources('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)?.[1];
    for (const key of [
      'POST /auth/backchannel-logout',
      'GET /auth/frontchannel-logout',
      'GET /auth/login',
      'GET /auth/callback',
      'GET /auth/logged-out',
      'POST /auth/logout',
    ]) {
      assert.equal(route(key)?.Properties.AuthorizationType, 'NONE', key);
      assert.match(JSON.stringify(route(key)?.Properties.Target), /AuthIntegration/, key);
    }
    for (const key of ['GET /auth/session']) {
      assert.equal(route(key)?.Properties.AuthorizationType, 'CUSTOM', key);
      assert.match(JSON.stringify(route(key)?.Properties.Target), /AuthIntegration/, key);
    }
  });

  test('the state machine may invoke exactly its eight task functions', () => {
    const invoke = roleStatements('Digitize').filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    assert.equal(invoke.length, 1);
    assert.equal((invoke[0]?.Resource as unknown[]).length, 8);
    assert.deepEqual(
      (invoke[0]?.Resource as unknown[]).map((r) => JSON.stringify(r)).sort(),
      [
        /DigitizeFailFunction/,
        /DigitizeFileFunction/,
        /DigitizeValidateFunction/,
        /DigitizeRecognizeFunction/,
        /DigitizeClassifyFunction/,
        /DigitizeExtractFunction/,
        /DigitizeReviewFunction/,
        /DigitizeSealFunction/,
      ]
        .map((pattern) =>
          JSON.stringify((invoke[0]?.Resource as unknown[]).find((r) => pattern.test(JSON.stringify(r)))),
        )
        .sort(),
    );
  });
});

describe('API', () => {
  const deployedRoutes = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  test('every contract route is deployed, and nothing else', () => {
    assert.deepEqual(deployedRoutes.map((r) => r.RouteKey).sort(), apiRoutes.map(routeKey).sort());
  });

  test("the embedded runtime's /_local routes are never deployed", () => {
    for (const route of deployedRoutes) assert.ok(!String(route.RouteKey).includes('_local'), route.RouteKey);
  });

  test('non-public routes use the Lambda authorizer; public ones none', () => {
    for (const route of apiRoutes) {
      const deployed = deployedRoutes.find((r) => r.RouteKey === routeKey(route));
      const isPublic = 'public' in route && route.public === true;
      assert.equal(deployed?.AuthorizationType, isPublic ? 'NONE' : 'CUSTOM', routeKey(route));
    }
  });

  test('the authorizer has no identity source and no cache, so every request reaches it', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  test('the stage throttles and writes access logs', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      AccessLogSettings: Match.objectLike({
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId'),
      }),
    });
  });
});

describe('functions and workflow', () => {
  test('twenty-seven Node 22 functions, traced, each with its handler export; OCR on x86_64 with 1,536 MB', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'khoso-dev-workflow-recognize',
      MemorySize: 1536,
      Architectures: ['x86_64'],
    });
    assert.deepEqual(functions.map(([, f]) => f.Properties.Handler).sort(), [
      'index.classifyHandler',
      'index.extractHandler',
      'index.failHandler',
      'index.fileHandler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.handler',
      'index.reviewHandler',
      'index.sealHandler',
      'index.validateHandler',
    ]);
    for (const [, fn] of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
    }
  });

  test('every function names its Powertools service and logs and counts metrics for its stage', () => {
    const services = functions.map(([, fn]) => {
      const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      assert.equal(variables.POWERTOOLS_METRICS_NAMESPACE, 'khoso');
      assert.equal(variables.POWERTOOLS_LOG_LEVEL, 'INFO');
      assert.equal(variables.KHOSO_STAGE, 'dev');
      assert.equal(fn.Properties.FunctionName, `khoso-dev-${variables.POWERTOOLS_SERVICE_NAME}`);
      return variables.POWERTOOLS_SERVICE_NAME;
    });
    assert.equal(new Set(services).size, functions.length);
    for (const service of ['api-documents', 'workflow-file', 'on-upload']) {
      assert.ok(services.includes(service), service);
    }
  });

  test('vault functions get the stage limits; the authorizer gets the trusted issuers', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.validateHandler',
      Environment: {
        Variables: Match.objectLike({
          DOWNLOAD_URL_TTL_SECONDS: '300',
          MAX_PDF_PAGES: '500',
          ALLOWED_CONTENT_TYPES: Match.stringLikeRegexp('application/pdf'),
        }),
      },
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'khoso-dev-authorizer',
      Environment: {
        Variables: Match.objectLike({
          IDENTITY_PROVIDERS: Match.stringLikeRegexp('"issuer":"https://issuer.invalid/khoso-dev"'),
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
  });

  test('the state machine is the shared ASL file with its task ARNs substituted, logged and traced', () => {
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.stringLikeRegexp('\\$\\{ValidateFunctionArn\\}'),
      DefinitionSubstitutions: {
        ValidateFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeValidateFunction'), 'Arn'] },
        RecognizeFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeRecognizeFunction'), 'Arn'] },
        ClassifyFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeClassifyFunction'), 'Arn'] },
        ExtractFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeExtractFunction'), 'Arn'] },
        ReviewFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeReviewFunction'), 'Arn'] },
        SealFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeSealFunction'), 'Arn'] },
        FileFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeFileFunction'), 'Arn'] },
        FailFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigitizeFailFunction'), 'Arn'] },
      },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  test('objects created under incoming/ notify on-upload, whose failures go to an encrypted DLQ', () => {
    stateless.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          }),
        ],
      },
    });
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'khoso-dev-on-upload',
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  test('a rule runs the remote signature checks every minute', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SignatureChecksCheckFunction'), 'Arn'] } }),
      ],
    });
    stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SignatureChecksCheckFunction'), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SignatureChecksSchedule'), 'Arn'] },
    });
  });

  test("a rule delivers units' webhooks every minute; the sync functions touch no object", () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhookDeliveriesDeliverFunction'), 'Arn'] },
        }),
      ],
    });
    assert.deepEqual(objectGrants('WebhookDeliveriesDeliver'), {});
    assert.deepEqual(objectGrants('ApiUnitSyncHandler'), {});
    for (const prefix of ['WebhookDeliveriesDeliver', 'ApiUnitSyncHandler']) {
      const actions = roleStatements(prefix).flatMap(actionsOf);
      assert.ok(actions.includes('dynamodb:Query') && actions.includes('dynamodb:PutItem'), prefix);
      assert.ok(!actions.some((a) => a.startsWith('kms:Sign') || a.startsWith('states:')), prefix);
    }
  });

  test('without remote providers configured, no function gets a provider endpoint or key', () => {
    for (const [id, fn] of functions) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      assert.deepEqual(
        names.filter((name) => /_SIGNING_/.test(name)),
        [],
        id,
      );
    }
  });

  test('alarms on dead letters, workflow failures and API 5xx notify one encrypted topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    // Dead letters of on-upload and of the pulls queue.
    assert.deepEqual(alarms.map((a) => a.MetricName).sort(), [
      '5xx',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const alarm of alarms) assert.equal(alarm.AlarmActions.length, 1);
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});
