/**
 * Exponential backoff with full jitter (a random wait between 0 and base·2^(attempt-1), capped),
 * so a recovering portal is not hit by every queued result at the same second.
 */
export interface BackoffSettings {
  baseSeconds: number;
  maxSeconds: number;
}

/** Capped at 15 minutes: a recovered portal's backlog drains within that of its return. */
export const defaultBackoff: BackoffSettings = { baseSeconds: 2, maxSeconds: 900 };

export function backoffSeconds(attempt: number, settings: BackoffSettings, random: () => number = Math.random) {
  const ceiling = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.ceil(random() * ceiling));
}
