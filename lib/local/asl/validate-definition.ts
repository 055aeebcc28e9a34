import { createRequire } from 'node:module';
import { invalidDefinition } from './errors.ts';

/** The asl-validator package (CommonJS, untyped): `module.exports = function validator(definition, options)`. */
interface AslValidationResult {
  isValid: boolean;
  errors: { 'Error code': string; Message: string }[];
  errorsText(separator?: string): string;
}
type AslValidator = (definition: unknown, options: { checkPaths: boolean; checkArn: boolean }) => AslValidationResult;

const require = createRequire(import.meta.url);
const validator = require('asl-validator') as AslValidator;

/**
 * Schema validation of the whole definition with asl-validator, the same rules editors and CI
 * use. ARN checks are off: after local substitutions a Resource may be a bare function name.
 * The validator adds fields to what it is given, so it gets a copy.
 */
export function validateWithAslValidator(definition: unknown): void {
  const result = validator(structuredClone(definition), { checkPaths: true, checkArn: false });
  if (!result.isValid) throw invalidDefinition(`asl-validator: ${result.errorsText('; ')}`);
}
