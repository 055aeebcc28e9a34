import type { DynamoTable } from '../../platform/storage/dynamo-table.ts';
import { entities, primaryKey } from '../../platform/storage/schema.ts';
import type { IssuedResult } from '../core/result-model.ts';
import type { ResultStore } from '../core/result-store.ts';

/** Results in the vault table, read by id. */
export function createDynamoResultStore(table: DynamoTable): ResultStore {
  return {
    getResult: (resultId) => table.get<IssuedResult>(primaryKey(entities.issuedResult, { resultId })),
  };
}
