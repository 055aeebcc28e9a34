/**
 * Exponential backoff with "equal jitter": half of base·2^(attempt-1) (capped) is waited for sure,
 * the other half at random, so a recovering portal is not hit by every queued result in the same
 * second, and the retry budget has a floor an outage can be measured against.
 */
export interface BackoffSettings {
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * With 12 attempts these wait at least 2+4+…+64+5·120 / 2 ≈ 6 minutes in all before a result is
 * dead, longer than the 5-minute outage the sync is specified to survive, and a recovered portal's
 * backlog is retried within 2 minutes of its return.
 */
export const defaultBackoff: BackoffSettings = { baseSeconds: 2, maxSeconds: 120 };
export const defaultMaxAttempts = 12;

export function backoffSeconds(attempt: number, settings: BackoffSettings, random: () => number = Math.random) {
  const ceiling = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.ceil(ceiling / 2 + (random() * ceiling) / 2));
}
