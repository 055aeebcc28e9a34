import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of every delivery: the Unix time in seconds, and `v1=` the hex HMAC-SHA256 of `timestamp.body`. */
export const webhookHeaders = { timestamp: 'x-khoso-timestamp', signature: 'x-khoso-signature' } as const;

/** A receiver refuses deliveries whose timestamp is further than this from its clock. */
export const defaultToleranceSeconds = 300;

export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type WebhookVerification = { valid: true } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver runs on a delivery: the signature must be ours over exactly `timestamp.body`,
 * and the timestamp recent, so a captured delivery replayed later is refused.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}): WebhookVerification {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature || !/^v1=[0-9a-f]{64}$/.test(signature)) {
    return { valid: false, reason: 'malformed' };
  }
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? defaultToleranceSeconds)) {
    return { valid: false, reason: 'stale' };
  }
  const expected = Buffer.from(signWebhookBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
