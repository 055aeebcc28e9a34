import type { Upload } from '../../functions/digitize/core/upload-model.ts';
import type { UploadStore } from '../../functions/digitize/core/upload-store.ts';
import type { IssuedResult } from '../../functions/integration/core/result-model.ts';
import type { ResultStore } from '../../functions/integration/core/result-store.ts';
import { copy, type InMemoryRecords } from './in-memory-records.ts';

/** Uploads read from the in-memory records. */
export function inMemoryUploadStore(records: InMemoryRecords): UploadStore {
  return {
    async getUpload(uploadId: string): Promise<Upload | undefined> {
      const upload = records.uploads.get(uploadId);
      return upload && copy(upload);
    },
  };
}

/** Results from business systems read from the in-memory records. */
export function inMemoryResultStore(records: InMemoryRecords): ResultStore {
  return {
    async getResult(resultId: string): Promise<IssuedResult | undefined> {
      const result = records.results.get(resultId);
      return result && copy(result);
    },
  };
}
