import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** 256 random bits: a token nobody guesses, even with the per-IP budget of misses. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The link's id and storage key: the token itself is never stored. */
export function linkIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function scryptHash(pin: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, 32, { N: 16_384, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A PIN is short, so it is kept only as a salted scrypt hash: a stolen table does not give it away cheaply. */
export async function hashPin(pin: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64url'), hash: (await scryptHash(pin, salt)).toString('base64url') };
}

export async function pinMatches(pin: string, stored: { salt: string; hash: string }): Promise<boolean> {
  const actual = await scryptHash(pin, Buffer.from(stored.salt, 'base64url'));
  const expected = Buffer.from(stored.hash, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
