/**
 * The Vietnamese syllable list of the post-correction: the Hunspell dictionary of the
 * `dictionary-vi` package (from hunspell-vi, after Hồ Ngọc Đức's word list; GPL, see
 * docs/ocr-models.md), about 6,600 single-syllable entries. Read from the installed package on
 * first use, not bundled: only the function that reads scans loads it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SyllableList } from '../core/vietnamese-post-correction.ts';

let syllables: Promise<SyllableList> | undefined;

export function vietnameseSyllables(): Promise<SyllableList> {
  syllables ??= readSyllables().catch((err: unknown) => {
    syllables = undefined;
    throw err;
  });
  return syllables;
}

async function readSyllables(): Promise<SyllableList> {
  const folder = dirname(createRequire(import.meta.url).resolve('dictionary-vi'));
  const dic = await readFile(join(folder, 'index.dic'), 'utf8');
  // The first line is the entry count; an entry may carry affix flags after a slash.
  const entries = dic.split('\n').slice(1);
  return new Set(
    entries.map((entry) => (entry.split('/')[0] ?? '').trim().normalize('NFC').toLocaleLowerCase('vi')).filter(Boolean),
  );
}
