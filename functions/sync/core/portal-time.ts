/**
 * The portal's timestamps: `yyyyMMddHHmmss`, wall-clock time in Asia/Ho_Chi_Minh.
 *
 * Written by hand rather than with Intl or a date library: Vietnam has kept UTC+07:00 without
 * daylight saving since 1975, so one fixed offset is exact for every date a dossier carries,
 * parsing needs no time-zone database, and the result does not depend on the ICU data a
 * runtime ships.
 */
const vietnamOffsetMs = 7 * 3_600_000;
const timestampPattern = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** `instant` as the portal writes it, e.g. 2026-12-03T05:04:05Z → `20261203120405`. */
export function formatPortalTimestamp(instant: Date): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('an invalid date has no portal timestamp');
  const local = new Date(time + vietnamOffsetMs);
  const year = local.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError('a portal timestamp has a four-digit year');
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    String(year).padStart(4, '0') +
    two(local.getUTCMonth() + 1) +
    two(local.getUTCDate()) +
    two(local.getUTCHours()) +
    two(local.getUTCMinutes()) +
    two(local.getUTCSeconds())
  );
}

/** The instant a portal timestamp names, or undefined when it is not one (wrong shape, 31 February, 24:00…). */
export function parsePortalTimestamp(text: string): Date | undefined {
  const match = timestampPattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1) return undefined;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  // Date rolls 31 February over to March and 24:00 to the next day: a round trip finds both.
  const roundTrip =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  return roundTrip ? new Date(local.getTime() - vietnamOffsetMs) : undefined;
}
