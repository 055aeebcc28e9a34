import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore, DownloadRequest, UploadPolicy } from '../core/blob-store.ts';
import { attachmentDisposition } from './attachment-disposition.ts';

/** SigV4 presigned URLs cannot outlive seven days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

export function createS3BlobStore(deps: { s3: S3Client; bucket: string }): BlobStore {
  const { s3, bucket } = deps;

  return {
    async presignUpload(policy) {
      assertUploadPolicy(policy);
      const post = await createPresignedPost(s3, {
        Bucket: bucket,
        Key: policy.key,
        Expires: policy.expiresInSeconds,
        Fields: { 'Content-Type': policy.contentType },
        Conditions: [
          ['content-length-range', policy.minBytes, policy.maxBytes],
          ['eq', '$Content-Type', policy.contentType],
          // The SDK turns a key ending in ${filename} into a starts-with condition; pin it exactly.
          ['eq', '$key', policy.key],
        ],
      });
      return { url: post.url, fields: post.fields, expiresAt: policyExpiration(post.fields['Policy']) };
    },

    async presignDownload(request) {
      assertDownloadRequest(request);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: request.key,
        ResponseContentDisposition: attachmentDisposition(request.fileName),
        ResponseContentType: request.contentType,
      });
      return getSignedUrl(s3, command, { expiresIn: request.expiresInSeconds });
    },

    async head(key) {
      try {
        const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: out.ContentLength ?? 0, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async read(key) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`S3 returned no body for ${key}`);
      return out.Body.transformToByteArray();
    },

    async write(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },

    async copy(fromKey, toKey) {
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: copySource(bucket, fromKey) }));
    },

    async delete(key) {
      // S3 answers 204 for a missing key, so nothing to special-case.
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/** CopySource is sent verbatim in a header, so the SDK expects it already URL-encoded ('/' kept). */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function policyExpiration(encodedPolicy: string | undefined): string {
  if (!encodedPolicy) throw new Error('presigned POST has no Policy field');
  const policy = JSON.parse(Buffer.from(encodedPolicy, 'base64').toString('utf8')) as { expiration?: unknown };
  if (typeof policy.expiration !== 'string') throw new Error('presigned POST policy has no expiration');
  return policy.expiration;
}

function assertUploadPolicy(policy: UploadPolicy): void {
  assertKey(policy.key);
  assertContentType(policy.contentType);
  assertExpiry(policy.expiresInSeconds);
  if (!Number.isSafeInteger(policy.minBytes) || policy.minBytes < 0) {
    throw new RangeError('minBytes must be a non-negative integer');
  }
  if (!Number.isSafeInteger(policy.maxBytes) || policy.maxBytes < policy.minBytes) {
    throw new RangeError('maxBytes must be an integer not below minBytes');
  }
}

function assertDownloadRequest(request: DownloadRequest): void {
  assertKey(request.key);
  assertContentType(request.contentType);
  assertExpiry(request.expiresInSeconds);
}

function assertKey(key: string): void {
  if (key.length === 0 || Buffer.byteLength(key) > 1024) throw new RangeError('key must be 1 to 1024 bytes');
  if (key.includes('${filename}')) throw new RangeError('key must not contain ${filename}');
}

function assertContentType(contentType: string): void {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(contentType)) throw new RangeError('invalid content type');
}

function assertExpiry(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}
