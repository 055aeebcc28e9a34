import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { entities, primaryKey } from '../../platform/storage/schema.ts';
import type { UploadStore } from '../core/upload-store.ts';
import type { Upload } from '../core/upload-model.ts';

/** Uploads in the vault table, read by id. */
export function createDynamoUploadStore(table: DynamoTable): UploadStore {
  return {
    getUpload: (uploadId) => table.get<Upload>(primaryKey(entities.upload, { uploadId })),
  };
}
