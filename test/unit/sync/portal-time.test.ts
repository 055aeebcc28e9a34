import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPortalTimestamp, parsePortalTimestamp } from '../../../functions/sync/core/portal-time.ts';

/** What the time-zone database says the wall clock in Hồ Chí Minh City read at `instant`. */
function wallClockByIntl(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}${part('month')}${part('day')}${part('hour')}${part('minute')}${part('second')}`;
}

describe('portal timestamps (yyyyMMddHHmmss, Asia/Ho_Chi_Minh)', () => {
  test('an instant is written as the wall clock in Vietnam, seven hours ahead of UTC', () => {
    assert.equal(formatPortalTimestamp(new Date('2026-12-03T05:04:05Z')), '20261203120405');
    assert.equal(formatPortalTimestamp(new Date('2026-12-31T17:30:00Z')), '20270101003000');
    assert.equal(formatPortalTimestamp(new Date('2028-02-28T17:00:00.999Z')), '20280229000000');
  });

  test('a timestamp is read back as the same instant', () => {
    assert.equal(parsePortalTimestamp('20270101003000')?.toISOString(), '2026-12-31T17:30:00.000Z');
    assert.equal(parsePortalTimestamp('20280229000000')?.toISOString(), '2028-02-28T17:00:00.000Z');
  });

  test('the fixed offset agrees with the time-zone database on every instant since 1976', () => {
    const from = Date.UTC(1976, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 500; i += 1) {
      // Spread deterministically over the range; seconds vary too.
      const instant = new Date(from + Math.floor(((to - from) * i) / 500) + i * 7_919_000);
      const written = formatPortalTimestamp(instant);
      assert.equal(written, wallClockByIntl(instant), instant.toISOString());
      assert.equal(parsePortalTimestamp(written)?.getTime(), Math.floor(instant.getTime() / 1000) * 1000);
    }
  });

  test('text that is not a real timestamp is refused', () => {
    for (const text of [
      '20260230120000', // 30 February
      '20250229120000', // not a leap year
      '20261203240000', // 24:00
      '20261203126000', // minute 60
      '20261203120460', // second 60
      '20261303120000', // month 13
      '20261200120000', // day 0
      '2026120312040', // 13 digits
      '202612031204050',
      '2026-12-03 12:04',
      '2026120312040a',
      '00000101000000', // year 0
      '',
    ]) {
      assert.equal(parsePortalTimestamp(text), undefined, text);
    }
  });

  test('an invalid date cannot be written', () => {
    assert.throws(() => formatPortalTimestamp(new Date('not a date')), RangeError);
    assert.throws(() => formatPortalTimestamp(new Date(Date.UTC(10000, 0, 1))), RangeError);
  });
});
