/** Object storage, as the core needs it: presigned transfer in and out, and server-side reads. */
export interface PresignedUpload {
  /** Where the client POSTs a multipart/form-data body: the fields below, then the file. */
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export interface UploadPolicy {
  key: string;
  contentType: string;
  minBytes: number;
  maxBytes: number;
  expiresInSeconds: number;
}

export interface DownloadRequest {
  key: string;
  fileName: string;
  contentType: string;
  expiresInSeconds: number;
}

export interface BlobHead {
  size: number;
  contentType?: string;
}

export interface BlobStore {
  /** A presigned POST whose policy pins the key, the content type and the size range. */
  presignUpload(policy: UploadPolicy): Promise<PresignedUpload>;
  /** A short-lived GET URL that downloads the object as an attachment named fileName. */
  presignDownload(request: DownloadRequest): Promise<string>;
  /** Size and type of an object, or undefined when there is none. */
  head(key: string): Promise<BlobHead | undefined>;
  /** The whole object; callers check its size with head() first. */
  read(key: string): Promise<Uint8Array>;
  write(key: string, body: Uint8Array, contentType: string): Promise<void>;
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Deleting a missing object is not an error (as in S3). */
  delete(key: string): Promise<void>;
}
