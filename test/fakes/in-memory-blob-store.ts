import type {
  BlobHead,
  BlobStore,
  DownloadRequest,
  PresignedUpload,
  UploadPolicy,
} from '../../functions/platform/core/blob-store.ts';
import type { Clock } from '../../functions/platform/core/runtime.ts';

export const fakeBlobOrigin = 'https://blobs.test';

interface StoredObject {
  body: Uint8Array;
  contentType: string;
}

/** Why a simulated browser POST was refused, as S3 would refuse it. */
export class PolicyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyViolation';
  }
}

/**
 * Object storage in a Map. Presigned URLs and fields are fake but spell out the policy
 * (key, type, size range, expiry), so tests can assert exactly what a client was allowed.
 */
export class InMemoryBlobStore implements BlobStore {
  private readonly objects = new Map<string, StoredObject>();
  readonly presignedUploads: UploadPolicy[] = [];
  readonly presignedDownloads: DownloadRequest[] = [];

  constructor(private readonly clock: Clock) {}

  async presignUpload(policy: UploadPolicy): Promise<PresignedUpload> {
    if (!Number.isInteger(policy.minBytes) || !Number.isInteger(policy.maxBytes) || policy.minBytes > policy.maxBytes) {
      throw new RangeError('minBytes and maxBytes must be integers with minBytes <= maxBytes');
    }
    this.presignedUploads.push({ ...policy });
    const expiresAt = new Date(this.clock.now().getTime() + policy.expiresInSeconds * 1000).toISOString();
    return {
      url: `${fakeBlobOrigin}/upload`,
      fields: {
        key: policy.key,
        'Content-Type': policy.contentType,
        'x-fake-content-length-range': `${policy.minBytes},${policy.maxBytes}`,
        'x-fake-expires-at': expiresAt,
      },
      expiresAt,
    };
  }

  async presignDownload(request: DownloadRequest): Promise<string> {
    this.presignedDownloads.push({ ...request });
    const query = new URLSearchParams({
      fileName: request.fileName,
      contentType: request.contentType,
      expiresIn: String(request.expiresInSeconds),
    });
    return `${fakeBlobOrigin}/download/${encodeURIComponent(request.key)}?${query}`;
  }

  /**
   * What a browser POST with the presigned fields does: refused unless the body fits the
   * policy the fields encode, as S3 would; otherwise the object appears under the key.
   */
  async receivePost(presigned: PresignedUpload, body: Uint8Array, contentType: string): Promise<string> {
    const { key, 'Content-Type': pinnedType } = presigned.fields;
    const range = presigned.fields['x-fake-content-length-range'];
    const expiresAt = presigned.fields['x-fake-expires-at'];
    if (!key || !pinnedType || !range || !expiresAt) throw new PolicyViolation('not a presigned upload of this store');
    const [min, max] = range.split(',').map(Number) as [number, number];
    if (this.clock.now().getTime() > Date.parse(expiresAt)) throw new PolicyViolation('policy expired');
    if (contentType !== pinnedType) throw new PolicyViolation(`content type ${contentType} is not ${pinnedType}`);
    if (body.byteLength < min || body.byteLength > max)
      throw new PolicyViolation(`size ${body.byteLength} outside ${range}`);
    await this.write(key, body, contentType);
    return key;
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const object = this.objects.get(key);
    return object ? { size: object.body.byteLength, contentType: object.contentType } : undefined;
  }

  async read(key: string): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw new Error(`NoSuchKey: ${key}`);
    return new Uint8Array(object.body);
  }

  async write(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.objects.set(key, { body: new Uint8Array(body), contentType });
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const object = this.objects.get(fromKey);
    if (!object) throw new Error(`NoSuchKey: ${fromKey}`);
    this.objects.set(toKey, { body: new Uint8Array(object.body), contentType: object.contentType });
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  /** Test helpers: synchronous views of what is stored. */
  has(key: string): boolean {
    return this.objects.has(key);
  }

  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  bytesOf(key: string): Uint8Array | undefined {
    const object = this.objects.get(key);
    return object ? new Uint8Array(object.body) : undefined;
  }
}
