import { InvalidInputError } from '../../platform/core/errors.ts';

/**
 * Control, format (bidi overrides, zero-width) and separator characters: they hide or
 * reorder what a name shows, so a name holding one is refused, not silently cleaned.
 */
const forbiddenCharacters = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\/\\]/u;

/** A folder or file name as stored: NFC, trimmed, and free of characters that mislead. */
export function normaliseName(raw: string, what: string): string {
  const name = raw.normalize('NFC').trim();
  // Characters (code points), as the published schema's maxLength counts them.
  const characters = [...name].length;
  if (characters === 0 || characters > 120) {
    throw new InvalidInputError(`${what} must be 1 to 120 characters`);
  }
  if (forbiddenCharacters.test(name)) {
    throw new InvalidInputError(`${what} must not contain slashes, control or invisible formatting characters`);
  }
  if (name === '.' || name === '..') {
    throw new InvalidInputError(`${what} must not be "." or ".."`);
  }
  return name;
}

/**
 * Free text a person typed (titles, summaries, issuers): NFC, trimmed, and free of
 * characters that hide or reorder what is shown. Only a summary may span several lines.
 */
export function normaliseText(raw: string, what: string): string {
  const text = raw.normalize('NFC').trim();
  if (/[\p{Cf}\u0000-\u0009\u000B-\u001F\u007F-\u009F]/u.test(text)) {
    throw new InvalidInputError(`${what} must not contain control or invisible formatting characters`);
  }
  if (what !== 'summary' && /[\n\u2028\u2029]/u.test(text)) {
    throw new InvalidInputError(`${what} must be a single line`);
  }
  if (what === 'title' && text.length === 0) throw new InvalidInputError('A document must keep a title');
  return text;
}

/** The key under which sibling names must be unique: NFC and case-folded the Vietnamese way. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('vi-VN');
}
