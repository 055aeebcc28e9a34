/**
 * ASL timestamps: RFC 3339 with an uppercase "T" and either "Z" or a numeric offset
 * (e.g. 2016-03-14T01:59:00Z). Used by the Timestamp* / IsTimestamp choice rules.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch (with a sub-millisecond fraction, so .0001 s still orders after .0000 s),
 * or undefined when the text is not a valid ASL timestamp.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC rolls 2024-02-30 over to March; a round trip of the fields rejects such dates.
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute
  ) {
    return undefined;
  }
  const offset = match[8] as string;
  const offsetMinutes =
    offset === 'Z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const fraction = match[7] ? Number(match[7]) : 0;
  return date.getTime() + fraction * 1000 - offsetMinutes * 60_000;
}
