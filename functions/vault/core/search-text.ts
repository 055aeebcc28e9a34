import type { VaultDocument } from './model.ts';
import { foldForSearch as foldText } from '../../templates/core/text-folding.ts';

/**
 * Text as search compares it: folded as templates fold it (lower case, no diacritics, đ
 * as d), punctuation as spaces. "nguyen thi huong" then finds "NGUYỄN THỊ HƯƠNG", and
 * "633 cat" finds "633/CAT-PV01".
 */
export function foldForSearch(text: string): string {
  return foldText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const maxTerms = 8;

/** The terms of a query, folded; at most eight, so one query stays one bounded filter. */
export function searchTerms(query: string): string[] {
  return [...new Set(foldForSearch(query).split(' ').filter(Boolean))].slice(0, maxTerms);
}

/** Longest folded text kept per document: fields and metadata first, then the recognised text. */
const maxSearchTextLength = 32_000;

/** Everything a document is found by, folded into one string. */
export function searchableText(document: VaultDocument, recognisedText = ''): string {
  const parts = [
    document.title,
    document.type,
    document.number,
    document.summary,
    document.issuer,
    document.fileName,
    ...Object.values(document.fields ?? {}).map(String),
    recognisedText,
  ];
  return foldForSearch(parts.filter(Boolean).join(' ')).slice(0, maxSearchTextLength);
}

/** Numbers are compared folded too, so "633/CAT-PV01" and "633 cat pv01" are the same number. */
export function foldNumber(number: string): string {
  return foldForSearch(number).replace(/ /g, '');
}
