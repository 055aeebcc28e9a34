import type { IssuedResult } from './result-model.ts';

/**
 * What to do with a result whose identity may already be known: file it, answer the
 * existing one again (same client, same content), refuse it (other content, or another
 * client's result), or file it afresh when the client's earlier file failed the workflow
 * (nothing of it was filed).
 */
export type IntakeDecision =
  | { kind: 'create' }
  | { kind: 'repeat'; result: IssuedResult }
  | { kind: 'conflict'; reason: string }
  | { kind: 'retry'; failed: IssuedResult };

export function decideIntake(
  existing: IssuedResult | undefined,
  request: { clientId: string; sha256: string },
  existingFailed: boolean,
): IntakeDecision {
  if (!existing) return { kind: 'create' };
  if (existing.clientId !== request.clientId) {
    return { kind: 'conflict', reason: 'A result with this identity was filed by another system' };
  }
  if (existingFailed) return { kind: 'retry', failed: existing };
  if (existing.sha256 === request.sha256) return { kind: 'repeat', result: existing };
  return { kind: 'conflict', reason: 'A result with this identity was filed with other content; send a replacement' };
}

/** Why a replacement cannot name this result, or undefined when it may. */
export function replacementProblem(
  replaced: IssuedResult | undefined,
  replacement: { id: string; ownerId: string },
): string | undefined {
  if (!replaced || replaced.ownerId !== replacement.ownerId) return 'replaces names no result of this owner';
  if (replaced.id === replacement.id) return 'a result cannot replace itself';
  if (replaced.replacedBy && replaced.replacedBy !== replacement.id) return 'that result was already replaced';
  return undefined;
}
