import { ConcurrentUpdateError } from './errors.ts';

/**
 * Runs an optimistic read-check-write again when another writer got there first. After
 * a few lost races the caller gets a conflict rather than an unbounded wait.
 */
export async function retryOnConcurrentUpdate<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || tried >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * tried));
    }
  }
}
