import type { IdGenerator } from '../../functions/platform/core/runtime.ts';

/**
 * Predictable UUID-shaped ids (lowercase hex, 36 characters): uploads are found from object
 * keys by /^[0-9a-f-]{36}$/, so anything else would never be filed. Later ids sort after earlier ones.
 */
export class SequentialIds implements IdGenerator {
  private next = 1;
  readonly issued: string[] = [];

  newId(): string {
    const id = `00000000-0000-4000-8000-${(this.next++).toString(16).padStart(12, '0')}`;
    this.issued.push(id);
    return id;
  }

  /** The id the next newId() call will return, for asserting on ids before the call. */
  peek(): string {
    return `00000000-0000-4000-8000-${this.next.toString(16).padStart(12, '0')}`;
  }
}
