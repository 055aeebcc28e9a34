import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../platform/core/errors.ts';
import { isOwnerId } from '../../platform/core/principal.ts';
import { foldForSearch, foldNumber } from '../../vault/core/search-text.ts';
import type { VaultPolicy } from '../../vault/core/vault-policy.ts';
import type { ResultIdentity } from './result-model.ts';

/** A business system's result as it arrives: shapes checked by the contract, rules here. */
export interface ResultRequest {
  ownerId: string;
  resultType: string;
  number: string;
  issuer: { code?: string | undefined; name?: string | undefined };
  procedureCode: string;
  caseNumber: string;
  issueDate: string;
  expiryDate?: string | undefined;
  summary?: string | undefined;
  fields?: Record<string, string> | undefined;
  replaces?: string | undefined;
  file: { contentType: string; size: number; sha256: string };
}

/** Result-type codes: letters and digits in dot-separated parts (KQ.G15.000031). */
export const resultTypePattern = /^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+){0,7}$/;
/** Agency codes: digits and letters in dot-separated parts (000.00.01.H22). */
export const agencyCodePattern = /^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+){1,7}$/;
/** Procedure codes (MaTTHC): 1.000046, or 1.004616.000.00.00.H56 for a local variant. */
export const procedureCodePattern = /^\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2})?$/;
/** Case numbers (MaHoSo): letters, digits and . - _ / in one token. */
export const caseNumberPattern = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;
export const fieldNamePattern = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
export const sha256Pattern = /^[0-9a-f]{64}$/;
/** Result ids are derived from the identity and written like UUIDs. */
export const resultIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const maxResultFields = 50;

/** Control, format (bidi overrides, zero-width) and line/paragraph separators: never in a name or number. */
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** Field values may span lines; nothing else invisible. */
const invisibleInValue = /[\p{Cf}\u2028\u2029]|(?![\n\t])\p{Cc}/u;

function text(label: string, value: string, max: number, pattern?: RegExp): string {
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > max)
    throw new InvalidInputError(`${label} must be 1 to ${max} characters`);
  if (invisible.test(trimmed)) throw new InvalidInputError(`${label} must not contain control or invisible characters`);
  if (pattern && !pattern.test(trimmed)) throw new InvalidInputError(`${label} is not in the expected form`);
  return trimmed;
}

function calendarDate(label: string, value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidInputError(`${label} must be a calendar date (YYYY-MM-DD)`);
  }
  return value;
}

/**
 * Checks every rule of a result and returns it normalised (trimmed, NFC): owner, codes,
 * number, issuer, dates, fields, and the file's type, size and hash against the upload policy.
 */
export function validateResultRequest(
  request: ResultRequest,
  policy: Pick<VaultPolicy, 'allowedContentTypes' | 'maxUploadBytes'>,
): ResultRequest {
  if (!isOwnerId(request.ownerId)) {
    throw new InvalidInputError('ownerId must be a 12-digit personal ID or an enterprise code');
  }
  const resultType = text('resultType', request.resultType, 64, resultTypePattern).toUpperCase();
  const number = text('number', request.number, 100);
  const issuerCode =
    request.issuer.code && text('issuer.code', request.issuer.code, 32, agencyCodePattern).toUpperCase();
  const issuerName = request.issuer.name && text('issuer.name', request.issuer.name, 300);
  if (!issuerCode && !issuerName) throw new InvalidInputError('issuer must give a code or a name');
  const procedureCode = text('procedureCode', request.procedureCode, 32, procedureCodePattern);
  const caseNumber = text('caseNumber', request.caseNumber, 64, caseNumberPattern);
  const issueDate = calendarDate('issueDate', request.issueDate);
  const expiryDate = request.expiryDate && calendarDate('expiryDate', request.expiryDate);
  if (expiryDate && expiryDate < issueDate) throw new InvalidInputError('expiryDate must not be before issueDate');
  const summary = request.summary && text('summary', request.summary, 1000);
  const entries = Object.entries(request.fields ?? {});
  if (entries.length > maxResultFields) throw new InvalidInputError(`At most ${maxResultFields} fields`);
  const fields: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!fieldNamePattern.test(name))
      throw new InvalidInputError(`Field name ${JSON.stringify(name)} is not an identifier`);
    const normalised = value.normalize('NFC');
    if (normalised.length > 2000 || invisibleInValue.test(normalised)) {
      throw new InvalidInputError(`Field ${name} must be at most 2000 characters without control characters`);
    }
    fields[name] = normalised;
  }
  if (request.replaces !== undefined && !resultIdPattern.test(request.replaces)) {
    throw new InvalidInputError('replaces must be the id of a result');
  }
  const { contentType, size, sha256 } = request.file;
  if (!policy.allowedContentTypes.includes(contentType)) {
    throw new InvalidInputError(`file.contentType must be one of ${policy.allowedContentTypes.join(', ')}`);
  }
  if (!Number.isInteger(size) || size < 1 || size > policy.maxUploadBytes) {
    throw new InvalidInputError(`file.size must be between 1 and ${policy.maxUploadBytes} bytes`);
  }
  if (!sha256Pattern.test(sha256)) throw new InvalidInputError('file.sha256 must be 64 lower-case hex digits');
  return {
    ownerId: request.ownerId,
    resultType,
    number,
    issuer: { ...(issuerCode ? { code: issuerCode } : {}), ...(issuerName ? { name: issuerName } : {}) },
    procedureCode,
    caseNumber,
    issueDate,
    ...(expiryDate ? { expiryDate } : {}),
    ...(summary ? { summary } : {}),
    fields,
    ...(request.replaces ? { replaces: request.replaces } : {}),
    file: { contentType, size, sha256 },
  };
}

/**
 * The identity of a validated result. Numbers are compared folded ("633/CAT-PV01" is
 * "633 cat pv01"), an issuer by its code when it has one, else by its folded name.
 */
export function identityOf(request: ResultRequest): ResultIdentity {
  return {
    resultType: request.resultType,
    number: foldNumber(request.number),
    issuer: request.issuer.code ?? `name:${foldForSearch(request.issuer.name ?? '')}`,
    ownerId: request.ownerId,
  };
}

/** The result id of an identity: the same identity always names the same result record. */
export function resultIdOf(identity: ResultIdentity): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([identity.resultType, identity.number, identity.issuer, identity.ownerId]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
