/**
 * Whether, and when, an issued result goes to the national warehouse. The stored policy per unit
 * and document type replaces the default below; the sync function only reads it through this port.
 */
export type PushMode = 'immediate' | 'hourly' | 'never';

export interface SyncPolicy {
  pushModeFor(subject: { unit: string | undefined; documentType: string | undefined }): Promise<PushMode>;
}

/** Until a policy is stored: every issued result is pushed as soon as it is filed. */
export const pushEveryIssuedResultImmediately: SyncPolicy = {
  pushModeFor: () => Promise.resolve('immediate'),
};
