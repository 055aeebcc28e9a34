/** The audit's records: one entry per operation, chained per owner (audit-chain.ts). */

export type AuditOutcome = 'success' | 'denied' | 'failed';
export type AuditResourceType =
  | 'vault'
  | 'folder'
  | 'document'
  | 'upload'
  | 'template'
  | 'signature'
  | 'signing-settings'
  | 'session'
  | 'result'
  | 'sync-policy'
  | 'webhook'
  | 'pull'
  | 'sync';

export interface AuditEntry {
  id: string;
  ownerId: string;
  at: string;
  actor: { sub: string; role: string; unit?: string; ownerId?: string };
  action: string;
  resourceType: AuditResourceType;
  resourceId: string;
  outcome: AuditOutcome;
  sourceIp: string;
  userAgent?: string;
  detail?: Record<string, string | number | boolean>;
}
