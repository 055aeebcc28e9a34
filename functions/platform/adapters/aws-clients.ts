import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TextractClient } from '@aws-sdk/client-textract';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../observability.ts';

/**
 * One client per service per cold start. Endpoints come from the SDK's own settings
 * (AWS_ENDPOINT_URL and friends), which is how the emulator and the embedded runtime
 * point the same code elsewhere. Each client is traced as an X-Ray subsegment per call
 * (on Lambda only; elsewhere the tracer hands the client back untouched).
 */
let dynamo: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let sfn: SFNClient | undefined;
let textract: TextractClient | undefined;
let kms: KMSClient | undefined;
let sqs: SQSClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function s3Client(): S3Client {
  // Emulators serve buckets by path, not by virtual host.
  s3 ??= tracer.captureAWSv3Client(
    new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) }),
  );
  return s3;
}

export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

export function textractClient(): TextractClient {
  textract ??= tracer.captureAWSv3Client(new TextractClient({}));
  return textract;
}

export function kmsClient(): KMSClient {
  kms ??= tracer.captureAWSv3Client(new KMSClient({}));
  return kms;
}

export function sqsClient(): SQSClient {
  sqs ??= tracer.captureAWSv3Client(new SQSClient({}));
  return sqs;
}
