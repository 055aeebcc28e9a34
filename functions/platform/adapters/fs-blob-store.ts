import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  type FileHandle,
  copyFile,
  mkdir,
  open,
  readFile,
  rename,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobHead, BlobStore, DownloadRequest, PresignedUpload, UploadPolicy } from '../core/blob-store.ts';
import { attachmentDisposition } from './attachment-disposition.ts';

/**
 * The embedded runtime's object store: files under rootDir, with presigned POST/GET URLs that
 * the embedded HTTP server (lib/local/blob-http.ts) checks as strictly as S3 checks its own.
 */

export const UPLOAD_ALGORITHM = 'KHOSO-HMAC-SHA256';
export const BLOB_PATH_PREFIX = '/_blobs/';
/** Everything the store keeps beside objects starts with this; keys may not use it. */
const RESERVED_PREFIX = '.khoso-';
const TEMP_DIR = '.khoso-tmp';
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;
/** Room under the usual 255-byte file name limit for the metadata sidecar's prefix and suffix. */
const MAX_SEGMENT_BYTES = 200;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
/** Form fields S3 does not require to be named by a policy condition. */
const UNCONDITIONED_FIELDS = new Set(['policy', 'x-amz-signature', 'x-amz-algorithm', 'file']);

export interface BlobHttpError {
  status: 400 | 403 | 404;
  code: string;
  message: string;
}

export type Verified<T> = { ok: true; value: T } | { ok: false; error: BlobHttpError };

export interface UploadGrant {
  key: string;
  contentType: string;
  minBytes: number;
  maxBytes: number;
}

export interface DownloadGrant {
  key: string;
  contentType?: string;
  disposition?: string;
}

/** A temp file the HTTP side streams into; commit() moves it into place atomically. */
export interface StagedUpload {
  tempPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface BlobReadStream {
  stream: Readable;
  size: number;
  contentType?: string;
}

export interface FsBlobStore extends BlobStore {
  readonly bucket: string;
  now(): Date;
  /** Checks a POST form (field names lower-cased) against its signed policy. */
  verifyUpload(input: { bucket: string; fields: ReadonlyMap<string, string> }): Verified<UploadGrant>;
  /** Checks a presigned GET's query string. */
  verifyDownload(input: { bucket: string; key: string; query: URLSearchParams }): Verified<DownloadGrant>;
  stageUpload(grant: UploadGrant): Promise<StagedUpload>;
  /** undefined when there is no such object. */
  openRead(key: string): Promise<BlobReadStream | undefined>;
}

export interface FsBlobStoreOptions {
  rootDir: string;
  /** e.g. http://localhost:3000 */
  publicBaseUrl: string;
  signingSecret: Uint8Array;
  bucket: string;
  now?: () => Date;
}

/** Thrown by read() and copy() for a missing object, named like the AWS SDK's error. */
export class NoSuchKeyError extends Error {
  override readonly name = 'NoSuchKey';
  constructor(key: string) {
    super(`The specified key does not exist: ${key}`);
  }
}

/** Why a key is unusable on the filesystem, or undefined when it is fine. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'key is empty';
  if (Buffer.byteLength(key) > 1024) return 'key is longer than 1024 bytes';
  if (key.startsWith('/')) return 'key starts with /';
  if (key.includes('\\')) return 'key contains a backslash';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(key)) return 'key contains a control character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'key has an empty segment';
    if (segment === '.' || segment === '..') return 'key has a . or .. segment';
    if (segment.startsWith(RESERVED_PREFIX)) return `key segments may not start with ${RESERVED_PREFIX}`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `key segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

/** Path-style URL path of an object, each segment percent-encoded. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function createFsBlobStore(options: FsBlobStoreOptions): FsBlobStore {
  const root = resolve(options.rootDir);
  const tempDir = join(root, TEMP_DIR);
  const baseUrl = new URL(options.publicBaseUrl).toString().replace(/\/+$/, '');
  const secret = Buffer.from(options.signingSecret);
  const bucket = options.bucket;
  const now = options.now ?? (() => new Date());
  if (secret.length < 32) throw new RangeError('signingSecret must be at least 32 bytes');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new RangeError(`invalid bucket name: ${bucket}`);

  const sign = (data: string) => createHmac('sha256', secret).update(data, 'utf8').digest('hex');
  const downloadPayload = (key: string, expires: string, disposition: string, contentType: string) =>
    // JSON keeps the fields unambiguous, and cannot collide with a base64 upload policy.
    JSON.stringify(['GET', bucket, key, expires, disposition, contentType]);

  function objectPath(key: string): string {
    const problem = keyProblem(key);
    if (problem) throw new RangeError(`invalid key ${JSON.stringify(key)}: ${problem}`);
    const target = resolve(root, ...key.split('/'));
    if (!target.startsWith(root + sep)) throw new RangeError(`invalid key ${JSON.stringify(key)}: escapes the store`);
    return target;
  }

  const sidecarPath = (target: string) => join(dirname(target), `${RESERVED_PREFIX}meta-${basename(target)}.json`);

  async function newTempPath(): Promise<string> {
    await mkdir(tempDir, { recursive: true });
    return join(tempDir, `${randomUUID()}.part`);
  }

  async function readContentType(target: string): Promise<string | undefined> {
    try {
      const meta = JSON.parse(await readFile(sidecarPath(target), 'utf8')) as { contentType?: unknown };
      return typeof meta.contentType === 'string' ? meta.contentType : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Moves a finished temp file to key; the sidecar goes first so readers never see an object without its type. */
  async function place(key: string, tempPath: string, contentType: string): Promise<void> {
    const target = objectPath(key);
    try {
      await mkdir(dirname(target), { recursive: true });
      const metaTemp = await newTempPath();
      try {
        await writeFile(metaTemp, JSON.stringify({ contentType }), { flag: 'wx' });
        await rename(metaTemp, sidecarPath(target));
      } catch (error) {
        await removeQuietly(metaTemp);
        throw error;
      }
      await rename(tempPath, target);
    } catch (error) {
      await removeQuietly(tempPath);
      if (isPathConflict(error)) {
        throw new Error(`key ${JSON.stringify(key)} conflicts with another object's path on disk`, { cause: error });
      }
      throw error;
    }
  }

  /** Removes now-empty folders up to the root, so a deleted "a/b" does not block a later key "a". */
  async function pruneEmptyDirs(from: string): Promise<void> {
    for (let dir = from; dir.startsWith(root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }

  async function head(key: string): Promise<BlobHead | undefined> {
    const target = objectPath(key);
    try {
      const info = await stat(target);
      if (!info.isFile()) return undefined;
      const contentType = await readContentType(target);
      return { size: info.size, ...(contentType ? { contentType } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  function verifyUpload(input: { bucket: string; fields: ReadonlyMap<string, string> }): Verified<UploadGrant> {
    const { fields } = input;
    if (input.bucket !== bucket) return reject(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const key = fields.get('key');
    if (key === undefined) {
      return reject(
        400,
        'InvalidArgument',
        "Bucket POST must contain a field named 'key'. If it is specified, please check the order of the fields.",
      );
    }
    const encodedPolicy = fields.get('policy');
    const signature = fields.get('x-amz-signature');
    if (encodedPolicy === undefined || signature === undefined) {
      return reject(403, 'AccessDenied', 'Bucket POST must contain a policy and its signature');
    }
    if (fields.get('x-amz-algorithm') !== UPLOAD_ALGORITHM) {
      return reject(400, 'InvalidArgument', `x-amz-algorithm must be ${UPLOAD_ALGORITHM}`);
    }
    if (!hexEqual(signature, sign(encodedPolicy))) {
      return reject(
        403,
        'AccessDenied',
        'The request signature we calculated does not match the signature you provided',
      );
    }

    let policy: unknown;
    try {
      policy = JSON.parse(Buffer.from(encodedPolicy, 'base64').toString('utf8'));
    } catch {
      return reject(400, 'InvalidArgument', 'Policy is not valid base64-encoded JSON');
    }
    if (!isRecord(policy)) return reject(400, 'InvalidArgument', 'Policy must be a JSON object');
    const expiration = typeof policy.expiration === 'string' ? Date.parse(policy.expiration) : NaN;
    if (!Array.isArray(policy.conditions) || Number.isNaN(expiration)) {
      return reject(400, 'InvalidArgument', 'Policy must have an expiration and a list of conditions');
    }
    if (now().getTime() > expiration)
      return reject(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');

    const fieldValue = (field: string) => (field === 'bucket' ? input.bucket : fields.get(field));
    const failed = (condition: unknown) =>
      reject(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
    const covered = new Set<string>();
    let range: [number, number] | undefined;
    for (const condition of policy.conditions as unknown[]) {
      if (Array.isArray(condition) && condition[0] === 'content-length-range') {
        const [, min, max] = condition as unknown[];
        if (!isSize(min) || !isSize(max) || min > max)
          return reject(400, 'InvalidArgument', 'Invalid content-length-range');
        range = [min, max];
        continue;
      }
      // This store only issues exact-match and size conditions; refuse anything else.
      if (!isRecord(condition) || Object.keys(condition).length !== 1) {
        return reject(400, 'InvalidArgument', `Unsupported policy condition: ${JSON.stringify(condition)}`);
      }
      const [name, expected] = Object.entries(condition)[0] as [string, unknown];
      const field = name.toLowerCase();
      covered.add(field);
      if (fieldValue(field) !== expected) return failed(condition);
    }
    const formBucket = fields.get('bucket');
    if (formBucket !== undefined && formBucket !== input.bucket) return failed({ bucket: formBucket });
    for (const name of fields.keys()) {
      if (!UNCONDITIONED_FIELDS.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) {
        return reject(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${name}`);
      }
    }
    // The key is pinned by the extra-fields rule above; fail closed on a policy without a size range.
    if (!range) return reject(403, 'AccessDenied', 'Policy must have a content-length-range');
    const problem = keyProblem(key);
    if (problem) return reject(400, 'InvalidArgument', `Invalid key: ${problem}`);
    return {
      ok: true,
      value: {
        key,
        contentType: fields.get('content-type') ?? DEFAULT_CONTENT_TYPE,
        minBytes: range[0],
        maxBytes: range[1],
      },
    };
  }

  function verifyDownload(input: { bucket: string; key: string; query: URLSearchParams }): Verified<DownloadGrant> {
    if (input.bucket !== bucket) return reject(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const problem = keyProblem(input.key);
    if (problem) return reject(400, 'InvalidArgument', `Invalid key: ${problem}`);
    // A repeated parameter could make us check one value and use another.
    const single = (name: string): string | undefined | null => {
      const values = input.query.getAll(name);
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : null;
    };
    const expires = single('X-Khoso-Expires');
    const signature = single('X-Khoso-Signature');
    const disposition = single('X-Khoso-Disposition');
    const contentType = single('X-Khoso-Content-Type');
    if (!expires || !signature || disposition === null || contentType === null || !/^\d{1,12}$/.test(expires)) {
      return reject(403, 'AccessDenied', 'Query-string authentication requires the Signature and Expires parameters');
    }
    if (!hexEqual(signature, sign(downloadPayload(input.key, expires, disposition ?? '', contentType ?? '')))) {
      return reject(
        403,
        'AccessDenied',
        'The request signature we calculated does not match the signature you provided',
      );
    }
    if (now().getTime() > Number(expires) * 1000) return reject(403, 'AccessDenied', 'Request has expired');
    return {
      ok: true,
      value: { key: input.key, ...(contentType ? { contentType } : {}), ...(disposition ? { disposition } : {}) },
    };
  }

  return {
    bucket,
    now,
    verifyUpload,
    verifyDownload,

    async presignUpload(policy: UploadPolicy): Promise<PresignedUpload> {
      objectPath(policy.key);
      assertContentType(policy.contentType);
      assertExpiry(policy.expiresInSeconds);
      if (!isSize(policy.minBytes) || !isSize(policy.maxBytes) || policy.minBytes > policy.maxBytes) {
        throw new RangeError('minBytes and maxBytes must be non-negative integers with minBytes <= maxBytes');
      }
      const expiresAt = new Date(now().getTime() + policy.expiresInSeconds * 1000).toISOString();
      const encodedPolicy = Buffer.from(
        JSON.stringify({
          expiration: expiresAt,
          conditions: [
            { bucket },
            { key: policy.key },
            { 'Content-Type': policy.contentType },
            ['content-length-range', policy.minBytes, policy.maxBytes],
          ],
        }),
        'utf8',
      ).toString('base64');
      return {
        url: `${baseUrl}${BLOB_PATH_PREFIX}${encodeURIComponent(bucket)}`,
        fields: {
          key: policy.key,
          'Content-Type': policy.contentType,
          policy: encodedPolicy,
          'x-amz-algorithm': UPLOAD_ALGORITHM,
          'x-amz-signature': sign(encodedPolicy),
        },
        expiresAt,
      };
    },

    async presignDownload(request: DownloadRequest): Promise<string> {
      objectPath(request.key);
      assertContentType(request.contentType);
      assertExpiry(request.expiresInSeconds);
      const expires = String(Math.floor(now().getTime() / 1000) + request.expiresInSeconds);
      const disposition = attachmentDisposition(request.fileName);
      const query = new URLSearchParams({
        'X-Khoso-Expires': expires,
        'X-Khoso-Content-Type': request.contentType,
        'X-Khoso-Disposition': disposition,
        'X-Khoso-Signature': sign(downloadPayload(request.key, expires, disposition, request.contentType)),
      });
      return `${baseUrl}${BLOB_PATH_PREFIX}${encodeURIComponent(bucket)}/${encodeKeyPath(request.key)}?${query}`;
    },

    head,

    async read(key) {
      try {
        return new Uint8Array(await readFile(objectPath(key)));
      } catch (error) {
        if (isMissing(error) || errorCode(error) === 'EISDIR') throw new NoSuchKeyError(key);
        throw error;
      }
    },

    async write(key, body, contentType) {
      objectPath(key);
      assertContentType(contentType);
      const tempPath = await newTempPath();
      try {
        await writeFile(tempPath, body, { flag: 'wx' });
      } catch (error) {
        await removeQuietly(tempPath);
        throw error;
      }
      await place(key, tempPath, contentType);
    },

    async copy(fromKey, toKey) {
      const source = objectPath(fromKey);
      objectPath(toKey);
      const meta = await head(fromKey);
      if (!meta) throw new NoSuchKeyError(fromKey);
      const tempPath = await newTempPath();
      try {
        await copyFile(source, tempPath);
      } catch (error) {
        await removeQuietly(tempPath);
        if (isMissing(error)) throw new NoSuchKeyError(fromKey);
        throw error;
      }
      await place(toKey, tempPath, meta.contentType ?? DEFAULT_CONTENT_TYPE);
    },

    async delete(key) {
      const target = objectPath(key);
      try {
        await unlink(target);
      } catch (error) {
        // A folder at this path (EISDIR on Linux, EPERM on macOS) means "no such object", as in S3.
        const isFolder = (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
        if (!isMissing(error) && !isFolder) throw error;
      }
      await removeQuietly(sidecarPath(target));
      await pruneEmptyDirs(dirname(target));
    },

    async stageUpload(grant) {
      objectPath(grant.key);
      const tempPath = await newTempPath();
      return {
        tempPath,
        commit: () => place(grant.key, tempPath, grant.contentType),
        discard: () => removeQuietly(tempPath),
      };
    },

    async openRead(key) {
      const target = objectPath(key);
      let handle: FileHandle;
      try {
        handle = await open(target, 'r');
      } catch (error) {
        if (isMissing(error) || errorCode(error) === 'EISDIR') return undefined;
        throw error;
      }
      try {
        // Size from the open handle, so a concurrent replace cannot make it disagree with the bytes.
        const info = await handle.stat();
        if (!info.isFile()) {
          await handle.close();
          return undefined;
        }
        const contentType = await readContentType(target);
        return { stream: handle.createReadStream(), size: info.size, ...(contentType ? { contentType } : {}) };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
  };
}

function reject(status: BlobHttpError['status'], code: string, message: string): { ok: false; error: BlobHttpError } {
  return { ok: false, error: { status, code, message } };
}

function hexEqual(received: string, expected: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(received)) return false;
  return timingSafeEqual(Buffer.from(received.toLowerCase(), 'latin1'), Buffer.from(expected, 'latin1'));
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertContentType(contentType: string): void {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(contentType)) throw new RangeError('invalid content type');
}

function assertExpiry(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isPathConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY';
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
