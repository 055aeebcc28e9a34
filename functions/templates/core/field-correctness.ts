import { z } from 'zod';
import type { Extraction, ExtractedField } from './extract.ts';
import { normaliserNames, type NormaliserName } from './normalisers.ts';
import type { RecognitionTemplate } from './template-model.ts';
import calibrationJson from './review-calibration.json' with { type: 'json' };

/**
 * The calibrated review: the probability that an extracted field is right, from what extraction
 * knows of how it read it, and the page's score, the product of its fields' probabilities. An
 * officer's page is filed without review only when that score reaches the page threshold, set
 * by `npm run calibrate:review` from the target that at most 0.5 % of pages filed without
 * review carry a wrong field. Word confidence alone is not such a signal: the engine is as sure
 * of a value that ran past its line as of one that stopped where it should.
 */

/**
 * The features of a field, in the order of the model's coefficients. Each is 0/1 or in 0..1,
 * so one L2 penalty suits them all. Normalisers stand for the field's type: a user's template
 * reuses them, so the model applies to fields it was not fitted on.
 */
export const featureNames = [
  'bias',
  'missing',
  'leastWordConfidence',
  'meanWordConfidence',
  'adjusted',
  'validatedValid',
  'validatedRepaired',
  'validatedInvalid',
  'foundByApproximateLabel',
  'labelEditRatio',
  'foundByLayout',
  'foundByPattern',
  'foundByZoneOrWholeText',
  'continuedOverLines',
  'agreedByAnotherReading',
  'contradictedByAnotherReading',
  'longValue',
  ...normaliserNames.map((name) => `normaliser:${name}`),
] as const;

/** Characters past which a value is long for its field: an address, a summary, or a run-on. */
const longValueChars = 80;

export function fieldFeatures(field: ExtractedField, normaliser: NormaliserName): number[] {
  const found = field.value !== null;
  const foundBy = field.foundBy;
  const byLabel = foundBy?.kind === 'label' ? foundBy : undefined;
  const values: Record<string, number> = {
    bias: 1,
    missing: found ? 0 : 1,
    leastWordConfidence: found ? field.recognition.least : 0,
    meanWordConfidence: found ? field.recognition.mean : 0,
    adjusted: field.adjusted ? 1 : 0,
    validatedValid: field.validation.outcome === 'valid' ? 1 : 0,
    validatedRepaired: field.validation.outcome === 'repaired' ? 1 : 0,
    validatedInvalid: field.validation.outcome === 'invalid' ? 1 : 0,
    foundByApproximateLabel: byLabel && byLabel.editRatio > 0 ? 1 : 0,
    labelEditRatio: byLabel?.editRatio ?? 0,
    foundByLayout: foundBy?.kind === 'layout' ? 1 : 0,
    foundByPattern: foundBy?.kind === 'pattern' ? 1 : 0,
    foundByZoneOrWholeText: foundBy?.kind === 'zone' || foundBy?.kind === 'text' ? 1 : 0,
    continuedOverLines: field.lines > 1 ? 1 : 0,
    agreedByAnotherReading: field.agreement.agreeing > 0 ? 1 : 0,
    contradictedByAnotherReading: field.agreement.disagreeing > 0 ? 1 : 0,
    longValue: found ? Math.min(1, (field.raw?.length ?? 0) / longValueChars) : 0,
    [`normaliser:${normaliser}`]: 1,
  };
  return featureNames.map((name) => values[name] ?? 0);
}

const calibrationSchema = z.object({
  features: z.array(z.string()),
  coefficients: z.array(z.number()),
  /** Null when no threshold met the target on the calibration set: every officer's page is reviewed. */
  pageThreshold: z.number().min(0).max(1).nullable(),
});

export type ReviewCalibration = z.infer<typeof calibrationSchema>;

function parseCalibration(json: unknown): ReviewCalibration {
  const calibration = calibrationSchema.parse(json);
  const expected = featureNames.join(',');
  if (calibration.features.join(',') !== expected || calibration.coefficients.length !== featureNames.length)
    throw new Error('review-calibration.json does not match the features: run npm run calibrate:review');
  return calibration;
}

let committed: ReviewCalibration | undefined;

/**
 * The committed calibration (written by `npm run calibrate:review`), checked on first use so
 * that a change of features fails the review loudly but leaves the refit able to run.
 */
export function reviewCalibration(): ReviewCalibration {
  committed ??= parseCalibration(calibrationJson);
  return committed;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function fieldProbability(features: number[], coefficients: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < features.length; i += 1) sum += (features[i] ?? 0) * (coefficients[i] ?? 0);
  return sigmoid(sum);
}

export interface FieldScore {
  name: string;
  /** Probability that the value is right; 0 for a required field that was not found. */
  score: number;
}

export interface PageReview {
  /** The product of the fields' scores. */
  score: number;
  /** The page may be filed without review. */
  passes: boolean;
  fields: FieldScore[];
  /** Why the page waits for review: its weakest fields, named with their scores. */
  reasons: string[];
}

export function scoreFields(
  template: RecognitionTemplate,
  extraction: Extraction,
  coefficients: readonly number[],
): FieldScore[] {
  return template.fields.map((field) => {
    const detail = extraction.details.find((candidate) => candidate.name === field.name);
    if (!detail || (detail.value === null && field.required)) return { name: field.name, score: 0 };
    return { name: field.name, score: fieldProbability(fieldFeatures(detail, field.normaliser), coefficients) };
  });
}

/** Weak fields named in the reasons: those that alone would keep the page from passing, or else the weakest. */
const namedWeakFields = 3;

export function reviewPage(
  template: RecognitionTemplate,
  extraction: Extraction,
  calibration: ReviewCalibration = reviewCalibration(),
): PageReview {
  const fields = scoreFields(template, extraction, calibration.coefficients);
  const score = fields.reduce((product, field) => product * field.score, 1);
  const threshold = calibration.pageThreshold;
  const passes = threshold !== null && score >= threshold;
  if (passes) return { score, passes, fields, reasons: [] };
  const ranked = [...fields].sort((a, b) => a.score - b.score);
  const below = threshold === null ? [] : ranked.filter((field) => field.score < threshold);
  const weak = (below.length > 0 ? below : ranked).slice(0, namedWeakFields);
  const reasons = weak.map((field) =>
    field.score === 0 ? `field ${field.name}: not found` : `field ${field.name}: score ${field.score.toFixed(2)}`,
  );
  reasons.push(
    threshold === null
      ? `page score ${score.toFixed(2)}; no calibrated threshold meets the review target, so every page is reviewed`
      : `page score ${score.toFixed(2)} is below ${threshold.toFixed(3)}`,
  );
  return { score, passes, fields, reasons };
}
