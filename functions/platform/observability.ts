/**
 * Structured JSON logs, one line per event. Personal IDs (12 digits) and enterprise codes
 * are masked wherever they appear, so logs can be shipped without leaking who is who.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

const idPattern = /\b(\d{3})\d{6,7}(\d{3})(-\d{3})?\b/g;

export function maskIdentifiers(text: string): string {
  return text.replace(idPattern, (_match, head: string, tail: string, branch?: string) => `${head}******${tail}${branch ?? ''}`);
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (level === 'debug' && process.env.LOG_LEVEL !== 'debug') return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }, (_key, value) => serialise(value));
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${maskIdentifiers(line)}\n`);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
