import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { synthKhoso } from './synth-khoso.ts';

describe('prod stage', () => {
  const prod = synthKhoso({ stage: 'prod', jwtIssuer: 'https://sso.example.gov.vn/', jwksUrl: 'https://sso.example.gov.vn/jwks' });

  test('retains table, bucket and keys, with deletion and termination protection', () => {
    prod.statefulTemplate.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    prod.statefulTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    prod.statefulTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('the authorizer trusts the configured issuer', () => {
    prod.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'khoso-prod-authorizer',
      Environment: { Variables: Match.objectLike({ JWT_ISSUER: 'https://sso.example.gov.vn/', JWKS_URL: 'https://sso.example.gov.vn/jwks' }) },
    });
  });
});
