import type { Clock } from '../../functions/platform/core/runtime.ts';

/** A clock that stands still until a test moves it, so timestamps in assertions are exact. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2025-03-01T08:00:00.000Z') {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new RangeError(`invalid start time: ${String(start)}`);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward; ordering tests (newest first, most recently trashed first) rely on it. */
  advance(milliseconds: number): Date {
    if (!Number.isFinite(milliseconds) || milliseconds < 0) throw new RangeError('time only moves forward');
    this.current += milliseconds;
    return this.now();
  }

  set(time: string | Date): void {
    const next = new Date(time).getTime();
    if (Number.isNaN(next)) throw new RangeError(`invalid time: ${String(time)}`);
    this.current = next;
  }
}
