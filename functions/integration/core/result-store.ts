import type { IssuedResult } from './result-model.ts';

/** Reads of results; they are written through the unit of work. */
export interface ResultStore {
  getResult(resultId: string): Promise<IssuedResult | undefined>;
}
