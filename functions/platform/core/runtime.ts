import { randomUUID } from 'node:crypto';

/** Time and identity generation, injected so tests control them. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new unguessable identifier, safe in URLs and keys. */
  newId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { newId: () => randomUUID() };
