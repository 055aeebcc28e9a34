import type { IssuedResult } from './result-model.ts';

/**
 * What to do with a result whose identity may already be known: file it, answer the
 * existing one again (same content), refuse it (same identity, other content), or file it
 * afresh when the existing one's file failed the workflow (nothing of it was filed).
 */
export type IntakeDecision =
  | { kind: 'create' }
  | { kind: 'repeat'; result: IssuedResult }
  | { kind: 'conflict' }
  | { kind: 'retry'; failed: IssuedResult };

export function decideIntake(
  existing: IssuedResult | undefined,
  sha256: string,
  existingFailed: boolean,
): IntakeDecision {
  if (!existing) return { kind: 'create' };
  if (existingFailed) return { kind: 'retry', failed: existing };
  return existing.sha256 === sha256 ? { kind: 'repeat', result: existing } : { kind: 'conflict' };
}

/** Why a replacement cannot name this result, or undefined when it may. */
export function replacementProblem(
  replaced: IssuedResult | undefined,
  replacement: { id: string; ownerId: string },
): string | undefined {
  if (!replaced || replaced.ownerId !== replacement.ownerId) return 'replaces names no result of this owner';
  if (replaced.id === replacement.id) return 'a result cannot replace itself';
  return undefined;
}
