import type { Upload } from './upload-model.ts';

/** Reads of uploads; they are written through the unit of work. */
export interface UploadStore {
  getUpload(uploadId: string): Promise<Upload | undefined>;
}
